/**
 * Whether the health check covers the database: the built release is started once more, as
 * a short-lived process, with its database settings pointing at a port nobody listens on,
 * and its health path is asked. A 2xx answer means the health gate would pass a release that
 * cannot reach its database; that is a warning (and a fact in the release's record), never a
 * failure. Runs beside backup and migrate; the switch does not wait for it.
 */
import path from 'node:path';
import { httpRequest } from '../../engine/net.js';
import { poll } from '../../engine/poll.js';
import type { Step, StepContext, StepData } from '../../engine/step.js';
import { pgUrl, type PgConn } from '../../db/conn.js';
import { appDatabase, asService, processEnv, releaseEnvFor, type MachineRuntime } from './runtime.js';
import { execForm } from './supervisor.js';

const j = path.posix.join;
const PROBE_MS = 10_000;

/** What the probe saw: an answer (with its status), the process exiting, or nothing in time. */
export type ProbeOutcome = { kind: 'answered'; status: number } | { kind: 'exited' } | { kind: 'no-answer' };

/** Whether the health check covers the database, if the outcome tells. */
export function coversDb(o: ProbeOutcome): boolean | undefined {
  if (o.kind === 'answered') return !(o.status >= 200 && o.status < 300);
  if (o.kind === 'exited') return true; // it does not even start without its database
  return undefined;
}

/**
 * The release's env with every database setting pointing at `closedPort` on the loopback:
 * the slipway-set variables, libpq's, and the URL secret when the database is external.
 */
export function envWithoutDb(env: Record<string, string>, conn: PgConn, closedPort: number, appPort: number, urlSecret?: string): Record<string, string> {
  const dead: PgConn = { ...conn, host: '127.0.0.1', port: closedPort };
  const url = pgUrl(dead);
  const out: Record<string, string> = { ...env, DB_HOST: dead.host, DB_PORT: String(closedPort), DATABASE_URL: url, PGHOST: dead.host, PGPORT: String(closedPort), PORT: String(appPort) };
  if (urlSecret) out[urlSecret] = url;
  return out;
}

/** Two distinct free ports on the machine. */
async function twoPorts(rt: MachineRuntime): Promise<[number, number]> {
  const a = await rt.host.freePort();
  for (;;) {
    const b = await rt.host.freePort();
    if (b !== a) return [a, b];
  }
}

/** Ask the health path until it answers, the process exits, or the time is up. */
async function watch(rt: MachineRuntime, ctx: StepContext, pid: number, port: number): Promise<ProbeOutcome> {
  const url = `http://127.0.0.1:${port}${rt.ctx.envr.app.healthPath}`;
  const r = await poll(async (): Promise<{ done: ProbeOutcome } | undefined> => {
    try {
      const r = await httpRequest(url, { timeoutMs: 2000, connect: () => rt.host.connect({ port }) });
      return { done: { kind: 'answered', status: r.status } };
    } catch {
      // not listening yet
    }
    return (await rt.host.isAlive(pid)) ? undefined : { done: { kind: 'exited' } };
  }, { initialMs: 25, maxMs: 250, factor: 1.5, timeoutMs: PROBE_MS, signal: ctx.signal });
  return r.kind === 'done' ? r.value : { kind: 'no-answer' };
}

/** The env variable that hands the filter the forms to mask (never a command line; the app does not get it). */
const REDACT_VAR = 'SLIPWAY_PROBE_REDACT';

/**
 * A line filter run by node on the machine (the app needs node anyway): masks every form in
 * $SLIPWAY_PROBE_REDACT the way the supervisor masks the app's log. Code only, no values.
 */
export const PROBE_LOG_FILTER = [
  `const f=JSON.parse(process.env.${REDACT_VAR}||'[]').sort((a,b)=>b.length-a.length);`,
  `delete process.env.${REDACT_VAR};`,
  "const out=(s)=>{for(const n of f)s=s.split(n).join('******');process.stdout.write(s);};",
  "let b='';process.stdin.setEncoding('utf8');",
  "process.stdin.on('data',(c)=>{b+=c;let i;while((i=b.indexOf('\\n'))>=0){out(b.slice(0,i+1));b=b.slice(i+1);}});",
  "process.stdin.on('end',()=>{if(b)out(b);});",
].join('');

/** The probe's shell command: the app (without the filter's variable), its output through the filter. */
export function probeCommand(start: string): string {
  return `(unset ${REDACT_VAR}; ${execForm(start)}) 2>&1 | exec node -e "$0"`;
}

const logFileOf = (rt: MachineRuntime, release: string): string => j(rt.store.releaseDir(release), 'probe-health-db.log');

/** Stop a probe an interrupted run left behind (journaled group) and remove its log. */
async function cleanUp(rt: MachineRuntime, pgid: unknown, release: string | undefined): Promise<void> {
  if (typeof pgid === 'number') await rt.host.stopGroup(pgid, 0);
  if (release) await rt.host.rm(logFileOf(rt, release)).catch(() => undefined);
}

async function probe(rt: MachineRuntime, ctx: StepContext, release: string, conn: PgConn): Promise<StepData> {
  const [closedPort, appPort] = await twoPorts(rt);
  const stored = (await rt.store.readEnv(release)) ?? releaseEnvFor(rt);
  const env = { ...envWithoutDb(processEnv(rt, stored, conn, release), conn, closedPort, appPort, rt.ctx.envr.database?.urlSecret), SLIPWAY_PROBE: release, [REDACT_VAR]: JSON.stringify(rt.ctx.redactor.forms()) };
  // Redacted like the supervisor's log, 0600, and deleted when the probe ends (or by the next command after a crash).
  const logFile = logFileOf(rt, release);
  const pid = await rt.host.spawnDetached(['/bin/sh', '-c', probeCommand(rt.ctx.envr.app.start), PROBE_LOG_FILTER], { cwd: rt.store.appDir(release), env, logFile, ...asService(rt) });
  // Its own session: the pid is the group. Journaled, so an undo after kill -9 stops it.
  await ctx.record({ probeGroup: pid });
  let outcome: ProbeOutcome;
  try {
    outcome = await watch(rt, ctx, pid, appPort);
  } finally {
    await rt.host.stopGroup(pid, 2000);
    await ctx.record({ probeGroup: null });
    await rt.host.rm(logFile).catch(() => undefined);
  }
  const covers = coversDb(outcome);
  const status = outcome.kind === 'answered' ? outcome.status : null;
  if (covers === false) ctx.warn('log.healthIgnoresDb', { path: rt.ctx.envr.app.healthPath, status: status ?? '-', release });
  if (covers !== undefined) {
    const rec = await rt.store.get(release);
    if (rec) await rt.store.update(release, { details: { ...rec.details, healthCoversDb: covers } });
  }
  return { outcome: outcome.kind, status, ...(covers !== undefined ? { healthCoversDb: covers } : {}) };
}

export function probeHealthDbStep(rt: MachineRuntime, release: string): Step {
  return {
    id: 'probe-health-db',
    titleKey: 'step.probeHealthDb',
    titleParams: { path: rt.ctx.envr.app.healthPath },
    needs: ['build', 'database'],
    async run(ctx): Promise<StepData> {
      // Resumed after a crash: the probe the killed CLI started may still run.
      await cleanUp(rt, ctx.data('probe-health-db')?.probeGroup, release);
      if (!rt.ctx.envr.app.probeHealthWithoutDb) return { skipped: 'config' };
      // A warning at most: nothing here may fail the deploy.
      try {
        const conn = await appDatabase(rt);
        if (!conn) return { skipped: 'no-database' };
        return await probe(rt, ctx, release, conn);
      } catch (e) {
        ctx.warn('log.healthProbeSkipped', { path: rt.ctx.envr.app.healthPath, reason: e instanceof Error ? e.message : String(e) });
        return { skipped: 'error' };
      }
    },
    async undo(ctx) {
      await cleanUp(rt, ctx.data('probe-health-db')?.probeGroup, release);
    },
  };
}
