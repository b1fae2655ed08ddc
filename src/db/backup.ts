/**
 * Backups before every migration, and the restore a failed migration triggers.
 * A backup is a `pg_dump` custom-format archive, verified readable with `pg_restore --list`.
 * The restore is atomic: one psql transaction drops the schemas the migration may have
 * touched and replays the archive, so the old release sees the old data or the restored
 * data — never a half-restored database.
 */
import { stat } from 'node:fs/promises';
import { SlipwayError } from '../engine/errors.js';
import type { Host } from '../targets/host.js';
import { findPgBinaries } from './binaries.js';
import { pgEnv, type PgConn } from './conn.js';
import { lastLines } from './local-server.js';

export interface BackupInfo {
  file: string;
  bytes: number;
  entries: number;
}

export async function dumpDatabase(host: Host, major: number, conn: PgConn, file: string): Promise<BackupInfo> {
  const bins = await findPgBinaries(major);
  const r = await host.exec([bins.bin('pg_dump'), '--format=custom', '--no-owner', '--no-acl', '--file', file], { env: pgEnv(conn) });
  if (r.code !== 0) throw new SlipwayError({ key: 'db.dumpFailed', params: { reason: lastLines(r.stderr) }, place: `${conn.host}:${conn.port}/${conn.database}`, fix: 'db.dumpFailed.fix' });
  const list = await host.exec([bins.bin('pg_restore'), '--list', file]);
  if (list.code !== 0) throw new SlipwayError({ key: 'db.dumpUnreadable', params: { file, reason: lastLines(list.stderr) }, place: file, fix: 'db.dumpFailed.fix' });
  const entries = list.stdout.split('\n').filter((l) => l && !l.startsWith(';')).length;
  const bytes = (await stat(file)).size;
  return { file, bytes, entries };
}

/** Replace the database's contents with the archive, in one transaction. */
export async function restoreDatabase(host: Host, major: number, conn: PgConn, file: string): Promise<void> {
  const bins = await findPgBinaries(major);
  const sql = await host.exec([bins.bin('pg_restore'), '--no-owner', '--no-acl', '--file', '-', file]);
  if (sql.code !== 0) throw new SlipwayError({ key: 'db.restoreFailed', params: { reason: lastLines(sql.stderr) }, place: file, fix: 'db.restoreFailed.fix', fixParams: { file } });
  const preamble = `
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
  // The dump recreates `public` itself on some versions; tolerate it.
  const body = sql.stdout.replace(/^CREATE SCHEMA public;$/m, 'CREATE SCHEMA IF NOT EXISTS public;');
  const r = await host.exec([bins.bin('psql'), '--no-psqlrc', '--quiet', '--single-transaction', '-v', 'ON_ERROR_STOP=1', '--file', '-'], {
    env: pgEnv(conn),
    input: preamble + body,
  });
  if (r.code !== 0) throw new SlipwayError({ key: 'db.restoreFailed', params: { reason: lastLines(r.stderr) }, place: file, fix: 'db.restoreFailed.fix', fixParams: { file } });
}
