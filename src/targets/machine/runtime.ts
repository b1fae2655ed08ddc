/**
 * What the release machinery's steps share, on whichever machine runs the environment:
 * the host, the layout, the release store, the supervisor (started on demand) and the
 * environment's database connection. `local` and `ssh` build one of these from a
 * different `Host`; the steps are the same.
 */
import path from 'node:path';
import { SlipwayError } from '../../engine/errors.js';
import { lastLines } from '../../engine/text.js';
import { getLang } from '../../engine/i18n.js';
import { poll } from '../../engine/poll.js';
import { parsePgUrl, appDbEnv, type PgConn } from '../../db/conn.js';
import { expandEnvRefs } from '../../engine/env-refs.js';
import { ManagedPostgres } from '../../db/managed-server.js';
import type { PgService } from '../../db/host.js';
import type { Host } from '../../host/types.js';
import type { TargetContext } from '../types.js';
import { SupervisorClient } from './control.js';
import { machineLayout, type MachineLayout } from './layout.js';
import { ReleaseStore, type ReleaseEnv } from './releases.js';
import type { SupervisorStatus } from './supervisor.js';

/** The settings the machinery needs (both `local` and `ssh` environments have them). */
export interface MachineOptions {
  /** The stable port and the address it binds to on the machine. */
  port: number;
  bind: string;
  healthTimeoutMs: number;
  drainTimeoutMs: number;
  keepReleases: number;
}

export interface MachineSetup {
  host: Host;
  /** The environment's directory on the machine. */
  root: string;
  opts: MachineOptions;
  /** Keep the control socket here instead of `<root>/run` (short paths for this machine). */
  socketDir?: string;
  /** Run the supervisor, the app and its commands as this user (never root on a VM). */
  serviceUser?: string;
  /** The command that starts the supervisor on the machine (uploading its code first if needed). */
  supervisorArgv(rt: MachineRuntime): Promise<string[]>;
  /** A service manager that owns slipway's PostgreSQL on the machine (a systemd unit), so it starts at boot. */
  pgService?: PgService;
  /**
   * Start the supervisor some other way than a detached process (a systemd unit). With
   * `now: false` the supervisor already runs (started before the unit existed): only make
   * sure it starts that way at the next boot, without restarting it.
   */
  launch?(rt: MachineRuntime, argv: string[], now: boolean): Promise<void>;
  /**
   * Keep what the serving release runs with (secrets included) in a 0600 file of the service
   * user, so a supervisor restarted after a reboot serves it again (`--resume`).
   */
  persistServing?: boolean;
  /** How to name this machine in messages (`local`, `deploy@vm:22`). */
  where: string;
  /** The machine's address as users reach it (`127.0.0.1` here, the VM's address). */
  address: string;
}

export interface MachineRuntime {
  ctx: TargetContext;
  setup: MachineSetup;
  host: Host;
  opts: MachineOptions;
  layout: MachineLayout;
  store: ReleaseStore;
  client: SupervisorClient;
  pg: ManagedPostgres | undefined;
  /** The database connection, resolved once per plan (starting the server, ensuring role and database). */
  db?: Promise<PgConn | undefined>;
}

export function machineRuntime(ctx: TargetContext, setup: MachineSetup): MachineRuntime {
  const { host } = setup;
  const layout = machineLayout(setup.root, setup.socketDir);
  const db = ctx.envr.database;
  const pg = db && !db.urlSecret ? new ManagedPostgres(layout.pg, db.version, host, layout.secrets, setup.pgService) : undefined;
  return {
    ctx,
    setup,
    host,
    opts: setup.opts,
    layout,
    store: new ReleaseStore(host, layout.releases, layout.current),
    client: new SupervisorClient(host, layout.socket),
    pg,
  };
}

/** Run-as option for commands of the app (install, build, migrate). */
export function asService(rt: MachineRuntime): { user?: string } {
  return rt.setup.serviceUser ? { user: rt.setup.serviceUser } : {};
}

/** The supervisor is up (started now if it was not); `fresh` when it was just started. */
export async function ensureSupervisor(rt: MachineRuntime): Promise<{ status: SupervisorStatus; fresh: boolean }> {
  const argv = async () => [...(await rt.setup.supervisorArgv(rt)), '--state', rt.layout.root, '--socket', rt.layout.socket, '--port', String(rt.opts.port), '--host', rt.opts.bind, '--lang', getLang()];
  if (await rt.client.alive()) {
    // Started without the unit (systemd was off, or came later): it still comes back at the next boot.
    if (rt.setup.launch) await rt.setup.launch(rt, await argv(), false);
    return { status: await rt.client.status(), fresh: false };
  }
  const logFile = path.posix.join(rt.layout.logs, 'supervisor.log');
  for (const dir of [rt.layout.logs, rt.layout.run]) await rt.host.mkdir(dir, { mode: 0o700 });
  if (rt.setup.serviceUser) await rt.host.exec(['chown', '-R', rt.setup.serviceUser, rt.layout.logs, rt.layout.run]);
  let pid: number | undefined;
  if (rt.setup.launch) await rt.setup.launch(rt, await argv(), true);
  else pid = await rt.host.spawnDetached(await argv(), { cwd: rt.layout.root, logFile, env: {}, ...(rt.setup.serviceUser ? { user: rt.setup.serviceUser } : {}) });
  const up = await poll(async (): Promise<{ done: SupervisorStatus | undefined } | undefined> => {
    if (await rt.client.alive()) return { done: await rt.client.status() };
    if (pid !== undefined && !(await rt.host.isAlive(pid))) return { done: undefined };
    return undefined;
  }, { initialMs: 20, maxMs: 200, factor: 1.5, timeoutMs: 15_000 });
  if (up.kind === 'done' && up.value) return { status: up.value, fresh: true };
  const log = lastLines((await rt.host.readFile(logFile).catch(() => '')) ?? '', 3);
  const busy = /EADDRINUSE/.test(log);
  throw new SlipwayError({
    key: busy ? 'local.portBusy' : 'local.supervisorFailed',
    params: { port: rt.opts.port, host: rt.opts.bind, reason: log },
    place: busy ? `environments.${rt.ctx.envr.name}.port` : `${rt.setup.where}:${logFile}`,
    fix: busy ? 'local.portBusy.fix' : 'local.supervisorFailed.fix',
    fixParams: { port: rt.opts.port, env: rt.ctx.envr.name },
  });
}

/** The app's database connection: slipway's own server, or the URL secret. */
export function appDatabase(rt: MachineRuntime): Promise<PgConn | undefined> {
  rt.db ??= resolveDatabase(rt).catch((e: unknown) => {
    rt.db = undefined; // a later step may try again
    throw e;
  });
  return rt.db;
}

async function resolveDatabase(rt: MachineRuntime): Promise<PgConn | undefined> {
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
  rt.ctx.redactor.add(superConn.password);
  const conn = await rt.pg!.ensureDatabase(superConn, db.name, db.user);
  rt.ctx.redactor.add(conn.password);
  return conn;
}

/**
 * What a release runs with: its plain env, database variables, secrets. The machine's own
 * base (PATH, HOME, LANG) is added where the process starts (the supervisor, the host's exec).
 */
export function processEnv(rt: MachineRuntime, env: ReleaseEnv, conn: PgConn | undefined, release: string): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const n of env.secretNames) {
    const v = rt.ctx.secrets.values.get(n);
    if (v !== undefined) secrets[n] = v;
  }
  // `${NAME}` references in env resolve against the rest; PORT's are resolved by the supervisor when it picks the port.
  return expandEnvRefs({
    ...(conn ? appDbEnv(conn) : {}),
    ...env.plain,
    ...secrets,
    APP_VERSION: release,
  });
}

/** The file a restarted supervisor resumes from (0600, the service user's). */
export function servingFile(rt: MachineRuntime): string {
  return path.posix.join(rt.layout.secrets, 'serving.json');
}

export function releaseEnvFor(rt: MachineRuntime): ReleaseEnv {
  return { plain: { ...rt.ctx.envr.env }, secretNames: [...rt.ctx.envr.secretNames] };
}
