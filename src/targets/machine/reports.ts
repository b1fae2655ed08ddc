/**
 * What the machine target reads back from the machine and changes nothing: its status, the
 * release ledger, a release's evidence, the app's log.
 */
import path from 'node:path';
import { CommandExited, commandLines } from '../../engine/lines.js';
import { hostOpFailed } from '../../host/errors.js';
import { Journal } from '../../engine/journal.js';
import { Redactor } from '../../engine/redact.js';
import { t } from '../../engine/i18n.js';
import { diffEnv } from '../../engine/env-diff.js';
import type { EvidenceReport, LogOptions, ReleaseRecord, StatusReport, TargetContext } from '../types.js';
import { pickRelease } from '../evidence.js';
import { snapshotOf } from './release-env.js';
import type { MachineRuntime } from './runtime.js';

/**
 * Whether the release's own port listens on every interface (the app chose `0.0.0.0`/`::`),
 * so it can be reached directly, around the stable port. Asked of `ss` on the machine.
 */
async function listensOnAll(rt: MachineRuntime, port: number): Promise<boolean> {
  const r = await rt.host.exec(['ss', '-ltnH', `sport = :${port}`]).catch(() => undefined);
  if (!r || r.code !== 0) return false;
  return r.stdout.split('\n').some((l) => /\s(?:0\.0\.0\.0|\*|\[::\]|::):\d+\s/.test(l + ' '));
}

/** `FLAG=false, X=1 (slipway env set; drop: slipway env set <env> --unset NAME)`. */
function overrideList(set: Record<string, string>, env: string): string {
  return `${Object.entries(set).map(([k, v]) => `${k}=${v}`).join(', ')} (slipway env set ${env} --unset NAME)`;
}

/** What `status` needs of the target beyond the machine. */
export interface StatusSource {
  /** The target's name (`local`, `ssh`). */
  name: string;
  /** Whether the journal lives on the machine (a VM) or in this machine's state dir. */
  stateOnMachine: boolean;
  /** Status rows only this kind of machine has. */
  extra(): Promise<{ key: string; value: string }[]> | { key: string; value: string }[];
  endpoint(): Promise<string | undefined>;
}

export async function machineStatus(rt: MachineRuntime, ctx: TargetContext, o: StatusSource): Promise<StatusReport> {
  const [current, alive] = await Promise.all([rt.store.current(), rt.client.alive()]);
  const st = alive ? await rt.client.status() : undefined;
  const overrides = current ? (await rt.store.readEnv(current))?.overrides?.set : undefined;
  const proc = st?.processes.find((p) => p.release === st.active);
  const [dbRunning, dbInfo, lastRun, extra, exposed] = await Promise.all([
    rt.pg ? rt.pg.isRunning() : undefined,
    rt.pg ? rt.pg.info() : undefined,
    new Journal(rt.host, path.posix.join(o.stateOnMachine ? rt.layout.root : ctx.stateDir, 'journal'), new Redactor()).latest().catch(() => undefined),
    o.extra(),
    proc ? listensOnAll(rt, proc.port) : false,
  ]);
  const url = await o.endpoint();
  const state: StatusReport['state'] = !current ? 'not-deployed' : st?.active && proc?.state === 'running' ? (dbRunning === false ? 'degraded' : 'serving') : 'stopped';
  const run = lastRun ? { kind: lastRun.kind, outcome: lastRun.outcome ?? 'interrupted', at: new Date(lastRun.startedAt).toISOString() } : undefined;
  const rows = [
    { key: 'status.url', value: url ?? '-' },
    { key: 'status.release', value: st?.active ?? current ?? '-' },
    { key: 'status.process', value: proc ? `pid ${proc.pid}, port ${proc.port}, ${proc.state}, restarts ${proc.restarts}` : '-' },
    { key: 'status.supervisor', value: st ? `pid ${st.pid} since ${st.startedAt}` : 'stopped' },
    { key: 'status.database', value: rt.pg ? (dbRunning ? `running (${dbInfo?.port ?? '?'})` : 'stopped') : ctx.envr.database?.urlSecret ? 'external' : '-' },
    ...(exposed && proc ? [{ key: 'status.direct', value: t('status.directValue', { port: proc.port, stable: rt.opts.port }) }] : []),
    ...extra,
    ...(overrides && Object.keys(overrides).length ? [{ key: 'status.envOverrides', value: overrideList(overrides, ctx.envr.name) }] : []),
    ...(run ? [{ key: 'status.lastRun', value: `${run.kind} ${run.outcome} (${run.at})` }] : []),
    { key: 'status.stateDir', value: `${rt.setup.where}:${rt.layout.root}` },
  ];
  return { env: ctx.envr.name, target: o.name, state, ...(url ? { url } : {}), ...(current ? { activeRelease: current } : {}), rows, ...(run ? { lastRun: run } : {}) };
}

/** The ledger, newest first, each with what changed in env since the release before it. */
export async function machineReleases(rt: MachineRuntime): Promise<ReleaseRecord[]> {
  const list = await rt.store.list();
  const envs = await Promise.all(list.map((r) => rt.store.readEnv(r.id).catch(() => undefined)));
  return list.map((r, i) => {
    const env = envs[i];
    const before = envs[i + 1];
    const overrides = env?.overrides?.set;
    return {
      ...r,
      ...(env && before ? { envChanges: diffEnv(snapshotOf(before), snapshotOf(env)) } : {}),
      ...(overrides && Object.keys(overrides).length ? { envOverrides: overrides } : {}),
    };
  });
}

export async function machineEvidence(rt: MachineRuntime, ctx: TargetContext, opts: { release?: string }): Promise<EvidenceReport> {
  const rec = pickRelease(ctx, await rt.store.list(), opts.release);
  const sources: string[] = [];
  const lines: string[] = [];
  if (rec.evidence?.length) {
    sources.push(`${rt.setup.where}:${path.posix.join(rt.store.releaseDir(rec.id), 'release.json')}`);
    lines.push(...rec.evidence);
  }
  const files = [
    ...['install', 'build', 'migrate', 'probe-health-db'].map((w) => ({ file: path.posix.join(rt.store.releaseDir(rec.id), `${w}.log`), n: 200 })),
    { file: path.posix.join(rt.layout.logs, `app-${rec.id}.log`), n: 200 },
    { file: path.posix.join(rt.layout.logs, 'supervisor.log'), n: 50 },
  ];
  for (const { file, n } of files) {
    const text = await rt.host.readFile(file).catch(() => undefined);
    if (!text?.trim()) continue;
    sources.push(`${rt.setup.where}:${file}`);
    lines.push(...text.split('\n').filter(Boolean).slice(-n));
  }
  return { release: rec.id, result: rec.result, sources, lines: lines.map((l) => ctx.redactor.redact(l)) };
}

/**
 * The serving release's last lines (`tail`, so a large log is not read whole); followed, the
 * lines it writes after them as they are written (`tail -F`, streamed over the connection),
 * until the signal.
 */
export async function* machineLogs(rt: MachineRuntime, ctx: TargetContext, opts: LogOptions): AsyncIterable<string> {
  const current = await rt.store.current();
  if (!current) return;
  const file = path.posix.join(rt.layout.logs, `app-${current}.log`);
  const last = ['tail', '-n', String(opts.lines)];
  if (opts.follow) {
    try {
      for await (const l of commandLines(rt.host, [...last, '-F', '--', file], opts.signal)) yield ctx.redactor.redact(l);
    } catch (e) {
      throw e instanceof CommandExited ? hostOpFailed(rt.host.name, 'read', file, e.code, e.stderr) : e;
    }
    return;
  }
  const r = await rt.host.exec([...last, '--', file]);
  // No log yet is no lines; any other failure says why.
  if (r.code !== 0 && !/No such file/i.test(r.stderr)) throw hostOpFailed(rt.host.name, 'read', file, r.code, r.stderr);
  for (const l of r.stdout.split('\n').filter(Boolean)) yield ctx.redactor.redact(l);
}
