/**
 * Find the PostgreSQL server and client binaries of a major version on a machine (this one
 * or a VM). slipway uses the machine's server packages (Debian's postgresql-<major>) rather
 * than downloading its own: pg_dump/pg_restore must match the server's major anyway.
 */
import path from 'node:path';
import { SlipwayError } from '../engine/errors.js';
import type { CommandRunner } from '../engine/ports.js';

export interface PgBinaries {
  major: number;
  bin: (name: 'initdb' | 'pg_ctl' | 'postgres' | 'pg_dump' | 'pg_restore' | 'psql' | 'pg_isready') => string;
}

const cache = new Map<string, PgBinaries>();

/** Directories to look in, in order (the override first). */
export function pgBinCandidates(major: number, override: string | undefined): string[] {
  return [override, `/usr/lib/postgresql/${major}/bin`, `/usr/pgsql-${major}/bin`, `/opt/homebrew/opt/postgresql@${major}/bin`, '/usr/local/bin', '/usr/bin'].filter((d): d is string => !!d);
}

/** `dir<TAB>version` lines from the probe → the first directory of the wanted major. */
export function pickPgDir(probe: string, major: number): string | undefined {
  for (const line of probe.split('\n')) {
    const [dir, version] = line.split('\t');
    const m = /(\d+)(?:\.\d+)?/.exec(version ?? '');
    if (dir && m && Number(m[1]) === major) return dir;
  }
  return undefined;
}

export async function findPgBinaries(runner: CommandRunner, major: number): Promise<PgBinaries> {
  const key = `${runner.name}:${major}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const dirs = pgBinCandidates(major, runner.name === 'local' ? process.env.SLIPWAY_PG_BIN : undefined);
  // One round trip: every candidate's initdb --version (the directories are arguments, not code).
  const script = 'for d in "$@"; do [ -x "$d/initdb" ] && printf "%s\\t%s\\n" "$d" "$("$d/initdb" --version 2>/dev/null)"; done; exit 0';
  const r = await runner.exec(['/bin/sh', '-c', script, 'sh', ...dirs], { timeoutMs: 15_000 }).catch(() => undefined);
  const dir = r ? pickPgDir(r.stdout, major) : undefined;
  if (!dir) {
    throw new SlipwayError({
      key: 'db.binariesMissing',
      params: { major, host: runner.name },
      place: 'database.version',
      fix: 'db.binariesMissing.fix',
      fixParams: { major },
      exitCode: 2,
    });
  }
  const b: PgBinaries = { major, bin: (name) => path.posix.join(dir, name) };
  cache.set(key, b);
  return b;
}
