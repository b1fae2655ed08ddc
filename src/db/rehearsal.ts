/**
 * What a migration rehearsal needs from PostgreSQL: a throwaway cluster on this machine
 * (the managed server's code, in a temp directory: as root it runs as `postgres`), a
 * sampler of the locks the migration holds, and the statement the server rejected (read
 * from its log, whatever tool sent it).
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { PgConn } from './conn.js';
import type { DbHost } from './host.js';
import { ManagedPostgres } from './managed-server.js';

export interface Throwaway {
  superConn: PgConn;
  /** The app's role and database, named as in the environment. */
  conn: PgConn;
  /** The server's log (errors with their statements). */
  log(): Promise<string>;
  destroy(): Promise<void>;
}

/** Start a fresh cluster of `major` on this machine with the environment's role and database. */
export async function startThrowaway(host: DbHost, major: number, database: string, user: string): Promise<Throwaway> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-rehearse-'));
  const server = new ManagedPostgres(path.join(dir, 'pg'), major, host, path.join(dir, 'secrets'));
  const destroy = async () => {
    await server.destroy().catch(() => undefined);
    await host.rm(dir);
  };
  try {
    const superConn = await server.ensureRunning();
    const conn = await server.ensureDatabase(superConn, database, user);
    return {
      superConn,
      conn,
      log: async () => (await host.readFile(path.posix.join(await server.home(), 'server.log'))) ?? '',
      destroy,
    };
  } catch (e) {
    await destroy();
    throw e;
  }
}

export interface HeldLock {
  relation: string;
  mode: string;
  /** How long it was seen held (sampling resolution: the interval). */
  seconds: number;
  query: string;
}

/** Strong table locks: each blocks the serving release's reads or writes while held. */
const LOCKS_SQL = `
SELECT l.pid, l.mode, COALESCE(c.relname, l.relation::text) AS relation, left(regexp_replace(a.query, '\\s+', ' ', 'g'), 200) AS query
FROM pg_locks l
JOIN pg_stat_activity a ON a.pid = l.pid
LEFT JOIN pg_class c ON c.oid = l.relation
WHERE l.granted AND l.locktype = 'relation' AND l.pid <> pg_backend_pid() AND a.datname = $1
  AND l.mode IN ('AccessExclusiveLock', 'ExclusiveLock', 'ShareRowExclusiveLock', 'ShareLock')
  AND (c.relkind IS NULL OR c.relkind IN ('r', 'p', 'm'))`;

/**
 * Sample the strong locks held in `database` every `intervalMs` until stopped; returns the
 * ones seen held for at least `thresholdMs`, longest first.
 */
export function sampleLocks(superConn: PgConn, database: string, thresholdMs: number, intervalMs = 200): { stop(): Promise<HeldLock[]> } {
  const seen = new Map<string, { relation: string; mode: string; first: number; last: number; query: string }>();
  let stopped = false;
  const client = new pg.Client({ host: superConn.host, port: superConn.port, user: superConn.user, password: superConn.password, database: superConn.database });
  const loop = (async () => {
    await client.connect();
    while (!stopped) {
      const now = Date.now();
      const r = await client.query<{ pid: number; mode: string; relation: string; query: string }>(LOCKS_SQL, [database]).catch(() => undefined);
      for (const row of r?.rows ?? []) {
        const key = `${row.pid}:${row.relation}:${row.mode}`;
        const s = seen.get(key);
        if (s) {
          s.last = now;
          s.query = row.query || s.query;
        } else seen.set(key, { relation: row.relation, mode: row.mode, first: now, last: now, query: row.query });
      }
      await new Promise((res) => setTimeout(res, intervalMs));
    }
  })().catch(() => undefined);
  return {
    async stop() {
      stopped = true;
      await loop;
      await client.end().catch(() => undefined);
      return [...seen.values()]
        .map((s) => ({ relation: s.relation, mode: s.mode, seconds: Math.round((s.last - s.first + intervalMs) / 100) / 10, query: s.query }))
        .filter((s) => s.seconds * 1000 >= thresholdMs)
        .sort((a, b) => b.seconds - a.seconds);
    },
  };
}

/** The last error the server logged and the statement that caused it (`ERROR: …` / `STATEMENT: …`). */
export function failedStatement(log: string): { error?: string; statement?: string } {
  const lines = log.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /\b(?:ERROR|FATAL):\s+(.*)$/.exec(lines[i]!);
    if (!m || /terminating connection|the database system is/.test(m[1]!)) continue;
    const st = lines.slice(i + 1, i + 6).find((l) => /\bSTATEMENT:\s/.test(l));
    if (!st) return { error: m[1]! };
    // The statement runs on until the next log line (a multi-line statement).
    const at = lines.indexOf(st, i + 1);
    const rest: string[] = [st.replace(/^.*?\bSTATEMENT:\s+/, '')];
    for (const l of lines.slice(at + 1)) {
      if (/^\d{4}-\d\d-\d\d [\d:.]+ /.test(l)) break;
      rest.push(l);
    }
    return { error: m[1]!, statement: rest.join('\n').trim() };
  }
  return {};
}
