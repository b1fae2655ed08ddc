/**
 * Backups before every migration, and the restore a failed migration triggers. Both run
 * on the machine the database is reached from (this one, or the VM), so a dump never
 * crosses the network twice and is never held in memory.
 * A backup is a `pg_dump` custom-format archive, verified readable with `pg_restore --list`.
 * The restore is atomic: one transaction drops the schemas the migration may have touched
 * and replays the archive, streamed from pg_restore into psql; COMMIT is sent only when
 * pg_restore finished, so the old release sees the old data or the restored data — never
 * a half-restored database.
 */
import { SlipwayError } from '../engine/errors.js';
import { lastLines } from '../engine/text.js';
import type { CommandRunner, FileStore } from '../engine/ports.js';
import { findPgBinaries } from './binaries.js';
import { pgEnv, type PgConn } from './conn.js';

export interface BackupInfo {
  file: string;
  bytes: number;
  entries: number;
}

type Runner = CommandRunner & Pick<FileStore, 'stat'>;

/** Entries of a custom-format archive (`pg_restore --list`); throws when it is unreadable. */
export async function listArchive(host: CommandRunner, major: number, file: string): Promise<number> {
  const bins = await findPgBinaries(host, major);
  const list = await host.exec([bins.bin('pg_restore'), '--list', file]);
  if (list.code !== 0) throw new SlipwayError({ key: 'db.dumpUnreadable', params: { file, reason: lastLines(list.stderr) }, place: `${host.name}:${file}`, fix: 'db.dumpFailed.fix' });
  return list.stdout.split('\n').filter((l) => l && !l.startsWith(';')).length;
}

export async function dumpDatabase(host: Runner, major: number, conn: PgConn, file: string): Promise<BackupInfo> {
  const bins = await findPgBinaries(host, major);
  const r = await host.exec([bins.bin('pg_dump'), '--format=custom', '--no-owner', '--no-acl', '--file', file], { env: pgEnv(conn) });
  if (r.code !== 0) throw new SlipwayError({ key: 'db.dumpFailed', params: { reason: lastLines(r.stderr) }, place: `${conn.host}:${conn.port}/${conn.database}`, fix: 'db.dumpFailed.fix' });
  const entries = await listArchive(host, major, file);
  const bytes = (await host.stat(file))?.size ?? 0;
  return { file, bytes, entries };
}

const PREAMBLE = `BEGIN;
DO $slipway$
DECLARE s text;
BEGIN
  FOR s IN SELECT nspname FROM pg_namespace
           WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND nspname NOT LIKE 'pg_temp_%' AND nspname NOT LIKE 'pg_toast_temp_%'
  LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', s);
  END LOOP;
  FOR s IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP
    EXECUTE format('DROP EXTENSION IF EXISTS %I CASCADE', s);
  END LOOP;
END
$slipway$;
CREATE SCHEMA IF NOT EXISTS public;
`;

/**
 * The pipeline, as a script whose inputs are arguments and environment (never code):
 * $1 pg_restore, $2 the archive, $3 psql. The dump recreates `public` itself on some
 * versions; that line is made tolerant.
 */
const RESTORE_SCRIPT = [
  'set -o pipefail',
  '{ printf "%s" "$SLIPWAY_PREAMBLE"',
  '  "$1" --no-owner --no-acl --file - "$2" | sed "s/^CREATE SCHEMA public;$/CREATE SCHEMA IF NOT EXISTS public;/" || exit 1',
  '  printf "COMMIT;\\n"',
  '} | "$3" --no-psqlrc --quiet -v ON_ERROR_STOP=1 --file -',
].join('\n');

/** Replace the database's contents with the archive, in one transaction. */
export async function restoreDatabase(host: CommandRunner, major: number, conn: PgConn, file: string): Promise<void> {
  const bins = await findPgBinaries(host, major);
  const r = await host.exec(['bash', '-c', RESTORE_SCRIPT, 'restore', bins.bin('pg_restore'), file, bins.bin('psql')], {
    env: { ...pgEnv(conn), SLIPWAY_PREAMBLE: PREAMBLE },
  });
  if (r.code !== 0) throw new SlipwayError({ key: 'db.restoreFailed', params: { reason: lastLines(r.stderr) }, place: `${host.name}:${file}`, fix: 'db.restoreFailed.fix', fixParams: { file } });
}
