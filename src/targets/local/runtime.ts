/**
 * What the local target's steps share: the layout, the release store, the host, the
 * supervisor (started on demand) and the environment's database connection.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SlipwayError } from '../../engine/errors.js';
import { parsePgUrl, appDbEnv, type PgConn } from '../../db/conn.js';
import { LocalPostgres } from '../../db/local-server.js';
import type { LocalEnvironment } from '../../config/schema.js';
import type { TargetContext } from '../types.js';
import { SupervisorClient } from './control.js';
import { baseEnv, LocalHost } from './host.js';
import { localLayout, type LocalLayout } from './layout.js';
import { ReleaseStore, type ReleaseEnv } from './releases.js';
import type { SupervisorStatus } from './supervisor.js';

export interface LocalRuntime {
  ctx: TargetContext;
  opts: LocalEnvironment;
  layout: LocalLayout;
  store: ReleaseStore;
  host: LocalHost;
  client: SupervisorClient;
  pg: LocalPostgres | undefined;
  /** The database connection, resolved once per plan (starting the server, ensuring role and database). */
  db?: Promise<PgConn | undefined>;
}

export function localRuntime(ctx: TargetContext): LocalRuntime {
  const layout = localLayout(ctx.stateDir);
  const host = new LocalHost();
  const opts = ctx.envr.target as LocalEnvironment;
  const db = ctx.envr.database;
  const pg = db && !db.urlSecret ? new LocalPostgres(layout.pg, db.version, host, layout.secrets) : undefined;
  return { ctx, opts, layout, store: new ReleaseStore(layout.releases, layout.current), host, client: new SupervisorClient(layout.socket), pg };
}

function supervisorEntry(): string[] {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return [process.execPath, '--import', 'tsx', path.join(path.dirname(here), 'supervisor-main.ts')];
  return [process.execPath, path.join(path.dirname(here), 'supervisor-main.js')];
}

/** The supervisor is up (started now if it was not); `fresh` when it was just started. */
export async function ensureSupervisor(rt: LocalRuntime): Promise<{ status: SupervisorStatus; fresh: boolean }> {
  if (await rt.client.alive()) return { status: await rt.client.status(), fresh: false };
  const logFile = path.join(rt.layout.logs, 'supervisor.log');
  const pid = await rt.host.spawnDetached(
    [...supervisorEntry(), '--state', rt.layout.root, '--socket', rt.layout.socket, '--port', String(rt.opts.port), '--host', rt.opts.host],
    { cwd: rt.layout.root, logFile, env: {} },
  );
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (await rt.client.alive()) return { status: await rt.client.status(), fresh: true };
    if (!(await rt.host.isAlive(pid))) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const log = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-3).join(' | ');
  const busy = /EADDRINUSE/.test(log);
  throw new SlipwayError({
    key: busy ? 'local.portBusy' : 'local.supervisorFailed',
    params: { port: rt.opts.port, host: rt.opts.host, reason: log },
    place: busy ? `environments.${rt.ctx.envr.name}.port` : logFile,
    fix: busy ? 'local.portBusy.fix' : 'local.supervisorFailed.fix',
    fixParams: { port: rt.opts.port, env: rt.ctx.envr.name },
  });
}

/** The app's database connection: slipway's own server, or the URL secret. */
export function appDatabase(rt: LocalRuntime): Promise<PgConn | undefined> {
  rt.db ??= resolveDatabase(rt).catch((e: unknown) => {
    rt.db = undefined; // a later step may try again
    throw e;
  });
  return rt.db;
}

async function resolveDatabase(rt: LocalRuntime): Promise<PgConn | undefined> {
  const db = rt.ctx.envr.database;
  if (!db) return undefined;
  if (db.urlSecret) {
    const url = rt.ctx.secrets.values.get(db.urlSecret);
    if (!url) throw new SlipwayError({ key: 'secrets.missing', params: { names: db.urlSecret }, place: `database.urlSecret`, fix: 'secrets.missing.fix', fixParams: { file: `.env.${rt.ctx.envr.name}` } });
    try {
      return parsePgUrl(url);
    } catch (e) {
      throw new SlipwayError({ key: 'db.badUrl', params: { name: db.urlSecret, reason: e instanceof Error ? e.message : String(e) }, place: 'database.urlSecret', fix: 'db.badUrl.fix', exitCode: 2 });
    }
  }
  const superConn = await rt.pg!.ensureRunning();
  const conn = await rt.pg!.ensureDatabase(superConn, db.name, db.user);
  rt.ctx.redactor.add(conn.password);
  rt.ctx.redactor.add(superConn.password);
  return conn;
}

/** What a release runs with: base env, its plain env, database variables, secrets. */
export function processEnv(rt: LocalRuntime, env: ReleaseEnv, conn: PgConn | undefined, release: string): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const n of env.secretNames) {
    const v = rt.ctx.secrets.values.get(n);
    if (v !== undefined) secrets[n] = v;
  }
  return {
    ...baseEnv(),
    ...(conn ? appDbEnv(conn) : {}),
    ...env.plain,
    ...secrets,
    APP_VERSION: release,
  };
}

export function releaseEnvFor(rt: LocalRuntime): ReleaseEnv {
  return { plain: { ...rt.ctx.envr.env }, secretNames: [...rt.ctx.envr.secretNames] };
}
