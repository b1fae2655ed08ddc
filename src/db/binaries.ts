/**
 * Find the PostgreSQL server and client binaries of a major version. slipway uses the
 * server packages of the machine (Debian's postgresql-<major>) rather than downloading
 * its own: pg_dump/pg_restore must match the server's major anyway.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SlipwayError } from '../engine/errors.js';

const run = promisify(execFile);

export interface PgBinaries {
  major: number;
  bin: (name: 'initdb' | 'pg_ctl' | 'postgres' | 'pg_dump' | 'pg_restore' | 'psql' | 'pg_isready') => string;
}

const cache = new Map<number, PgBinaries>();

export async function findPgBinaries(major: number): Promise<PgBinaries> {
  const hit = cache.get(major);
  if (hit) return hit;
  const candidates = [
    process.env.SLIPWAY_PG_BIN,
    `/usr/lib/postgresql/${major}/bin`,
    `/usr/pgsql-${major}/bin`,
    `/opt/homebrew/opt/postgresql@${major}/bin`,
    ...(process.env.PATH ?? '').split(':'),
  ].filter((d): d is string => !!d);
  for (const dir of candidates) {
    const initdb = path.join(dir, 'initdb');
    try {
      await access(initdb);
      const { stdout } = await run(initdb, ['--version']);
      const m = /(\d+)(?:\.\d+)?/.exec(stdout);
      if (m && Number(m[1]) === major) {
        const b: PgBinaries = { major, bin: (name) => path.join(dir, name) };
        cache.set(major, b);
        return b;
      }
    } catch {
      /* not here */
    }
  }
  throw new SlipwayError({
    key: 'db.binariesMissing',
    params: { major },
    place: 'database.version',
    fix: 'db.binariesMissing.fix',
    fixParams: { major },
    exitCode: 2,
  });
}
