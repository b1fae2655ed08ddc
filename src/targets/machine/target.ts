/**
 * A target that runs releases as processes behind a stable port on one machine, with a
 * PostgreSQL slipway owns there: this machine (`local`) or a Linux VM (`ssh`). The two
 * differ only in how they reach the machine (`MachineSetup`: a `Host`, a directory, the
 * service user); the plans and steps are these.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { SlipwayError } from '../../engine/errors.js';
import { Journal } from '../../engine/journal.js';
import { Redactor } from '../../engine/redact.js';
import { t } from '../../engine/i18n.js';
import type { Plan, StepData, Step } from '../../engine/step.js';
import type { Host } from '../../host/types.js';
import type { ArchitectureView, DeployOptions, EnvReleaseOptions, EnvState, EvidenceReport, LogOptions, ReleaseRecord, RollbackOptions, StatusReport, Target, TargetContext, TargetHistory, WindowLook, PromotableRelease, RehearsalOptions, RehearsalOutcome } from '../types.js';
import { pickRelease } from '../evidence.js';
import { newReleaseId } from './releases.js';
import { envMetaOf, envReleasePlan } from './env-release.js';
import { snapshotOf } from './release-env.js';
import { diffEnv } from '../../engine/env-diff.js';
import { rotateSteps } from './rotate.js';
import { machineArchitecture } from './architecture.js';
import { machineDbWindow } from './db-window.js';
import { probeHealthDbStep } from './probe-health-db.js';
import { machineRuntime, type MachineRuntime, type MachineSetup } from './runtime.js';
import type { BuildMeta, PackedApp } from './build.js';
import { lookAtMachine, markReleaseFailed } from './window.js';
import type { HostSample } from '../../engine/window.js';
import { fetchMachineArtifact, machinePromotable, packerOf, promotedMeta, withPromotion } from './promote.js';
import { servingMigrations } from './migrations.js';
import {
  backupStep,
  buildStep,
  databaseStep,
  drainStep,
  finalizeStep,
  healthStep,
  migrateStep,
  importSteps,
  startStep,
  supervisorStep,
  switchStep,
  verifyStep,
} from './steps.js';

export function configHash(ctx: TargetContext): string {
  const { envr } = ctx;
  const shape = { app: envr.app, database: envr.database, env: envr.env, secrets: envr.secretNames, verify: envr.verify, target: envr.target };
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 12);
}

/** The commit the app is at, marked `-dirty` when the tree has uncommitted changes. */
export async function gitCommit(ctx: TargetContext): Promise<string | undefined> {
  const git = (args: string[]) => ctx.localHost.exec(['git', ...args], { cwd: ctx.envr.appDir }).catch(() => undefined);
  const [head, status] = await Promise.all([git(['rev-parse', '--short=12', 'HEAD']), git(['status', '--porcelain', '--untracked-files=no', '.'])]);
  const commit = head?.code === 0 ? head.stdout.trim() : '';
  if (!commit) return undefined;
  return status?.code === 0 && status.stdout.trim() ? `${commit}-dirty` : commit;
}

/** Start a release and put it behind the stable port: the part deploy and rollback share. */
function serveSteps(rt: MachineRuntime, release: string, startNeeds: string[], kind: 'deploy' | 'rollback'): Step[] {
  return [
    startStep(rt, release, startNeeds),
    healthStep(rt, release),
    switchStep(rt, release),
    verifyStep(rt, release),
    drainStep(rt, release),
    finalizeStep(rt, release, kind),
  ];
}

function deploySteps(rt: MachineRuntime, release: string, meta: BuildMeta, packed?: () => Promise<PackedApp>): Step[] {
  return [
    databaseStep(rt),
    supervisorStep(rt),
    buildStep(rt, release, meta, packed),
    backupStep(rt, release),
    migrateStep(rt, release),
    probeHealthDbStep(rt, release),
    // The probe runs beside backup, migrate and the switch; only the record waits for it.
    ...serveSteps(rt, release, ['migrate', 'supervisor'], 'deploy').map((s) => (s.id === 'finalize' ? { ...s, needs: [...(s.needs ?? []), 'probe-health-db'] } : s)),
  ];
}

function rollbackSteps(rt: MachineRuntime, release: string): Step[] {
  return [databaseStep(rt), supervisorStep(rt), ...serveSteps(rt, release, ['database', 'supervisor'], 'rollback')];
}

async function failed(rt: MachineRuntime, release: string, error: unknown): Promise<void> {
  const rec = await rt.store.get(release);
  if (rec && (rec.result === 'pending' || rec.result === 'failed')) {
    const evidence = error instanceof SlipwayError ? [error.text()] : [String(error)];
    await rt.store.update(release, { result: 'failed', finishedAt: rec.finishedAt ?? new Date().toISOString(), evidence: rt.ctx.redactor.redactDeep(evidence) });
  }
}

function destroySteps(rt: MachineRuntime, extra: Step[]): Step[] {
  return [
    {
      id: 'stop-releases',
      titleKey: 'step.stopReleases',
      async run() {
        if (await rt.client.alive()) await rt.client.shutdown().catch(() => undefined);
        // A supervisor that no longer answers: stop it and its processes by pid.
        const text = await rt.host.readFile(rt.layout.supervisorState).catch(() => undefined);
        if (text) {
          const st = JSON.parse(text) as { pid: number; processes: { pid: number }[] };
          for (const pid of [...st.processes.map((p) => p.pid), st.pid]) await rt.host.stopGroup(pid, 0);
          await rt.host.exec(['kill', '-9', String(st.pid)]).catch(() => undefined);
        }
        await rt.host.rm(rt.layout.socket);
        return {};
      },
    },
    {
      id: 'stop-database',
      titleKey: 'step.stopDatabase',
      async run() {
        if (rt.pg) await rt.pg.destroy();
        return {};
      },
    },
    ...extra,
    {
      id: 'remove-files',
      titleKey: 'step.removeFiles',
      titleParams: { dir: `${rt.setup.where}:${rt.layout.root}` },
      needs: ['stop-releases', 'stop-database', ...extra.map((s) => s.id)],
      async run() {
        const l = rt.layout;
        await Promise.all([l.releases, l.backups, l.pg, l.secrets, l.run, l.logs, l.current, l.artifacts, l.bin].map((d) => rt.host.rm(d)));
        return {};
      },
    },
  ];
}

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

/** `--unset` drops an override; a name without one is refused (exit 2) with the overrides in force. */
export async function checkUnset(ctx: TargetContext, env: Promise<import('./releases.js').ReleaseEnv | undefined>, release: string, unset: readonly string[]): Promise<void> {
  if (!unset.length) return;
  const set = (await env)?.overrides?.set ?? {};
  const missing = unset.find((n) => !(n in set));
  if (missing) {
    throw new SlipwayError({ key: 'envRelease.noOverride', params: { name: missing, release }, place: `slipway env set ${ctx.envr.name} --unset ${missing}`, fix: 'envRelease.noOverride.fix', fixParams: { names: Object.keys(set).join(', ') || '-' }, exitCode: 2 });
  }
}

export interface MachineTargetOptions {
  /** How to reach the machine; called once per command. */
  connect(ctx: TargetContext): Promise<MachineSetup>;
  /** Whether the lock and journal live on the machine (a VM) or in this machine's state dir. */
  stateOnMachine: boolean;
  /** Steps `destroy` adds before removing files (e.g. the boot unit on a VM). */
  destroyExtra?(rt: MachineRuntime): Step[];
  /** Status rows only this kind of machine has. */
  statusExtra?(rt: MachineRuntime): Promise<{ key: string; value: string }[]>;
}

export class MachineTarget implements Target {
  private readonly runtimes = new WeakMap<TargetContext, Promise<MachineRuntime>>();

  constructor(readonly name: string, private readonly o: MachineTargetOptions) {}

  /** `slipway db open|close`: a port-forward to the environment's PostgreSQL (machine/db-window.ts). */
  readonly dbWindow = machineDbWindow(this);

  /** One runtime (one connection) per command. */
  runtime(ctx: TargetContext): Promise<MachineRuntime> {
    let rt = this.runtimes.get(ctx);
    if (!rt) {
      rt = this.o.connect(ctx).then((setup) => machineRuntime(ctx, setup));
      this.runtimes.set(ctx, rt);
    }
    return rt;
  }

  async state(ctx: TargetContext): Promise<EnvState> {
    if (!this.o.stateOnMachine) return { store: ctx.localHost, dir: ctx.stateDir, where: 'local' };
    const rt = await this.runtime(ctx);
    return { store: rt.host, dir: rt.layout.root, where: rt.setup.where };
  }

  async close(ctx: TargetContext): Promise<void> {
    const rt = this.runtimes.get(ctx);
    if (rt) await (await rt).host.close();
  }

  async deployPlan(ctx: TargetContext, opts: DeployOptions): Promise<Plan> {
    return this.planFor(ctx, 'deploy', { release: newReleaseId(), acceptedRisks: opts.acceptRisks, ...promotedMeta(opts.promoted) });
  }

  async promotable(ctx: TargetContext, opts: { release?: string }): Promise<PromotableRelease> {
    return machinePromotable(await this.runtime(ctx), opts.release);
  }

  async fetchArtifact(ctx: TargetContext, sha256: string, dest: string): Promise<void> {
    return fetchMachineArtifact(await this.runtime(ctx), sha256, dest);
  }

  async rollbackPlan(ctx: TargetContext, opts: RollbackOptions): Promise<Plan> {
    const rt = await this.runtime(ctx);
    const current = await rt.store.current();
    const to = opts.to;
    const target = to ? await rt.store.get(to) : await rt.store.lastGood(current);
    if (!target || (to && !(await rt.host.exists(rt.store.appDir(to))))) {
      throw new SlipwayError({ key: to ? 'rollback.unknownRelease' : 'rollback.nothingToRollBackTo', params: { release: to ?? '' }, fix: 'rollback.fix', exitCode: to ? 2 : 1 });
    }
    if (to && to === current && (await this.status(ctx)).state === 'serving') {
      throw new SlipwayError({ key: 'rollback.alreadyServing', params: { release: to, env: ctx.envr.name }, fix: 'rollback.alreadyServing.fix', exitCode: 2 });
    }
    return this.planFor(ctx, 'rollback', { release: target.id });
  }

  async destroyPlan(ctx: TargetContext): Promise<Plan> {
    return this.planFor(ctx, 'destroy', {});
  }

  /** `env set` starts from the serving release; `rollback --set` from the one it rolls back to. */
  async envPlan(ctx: TargetContext, opts: EnvReleaseOptions): Promise<Plan> {
    const rt = await this.runtime(ctx);
    const current = await rt.store.current();
    let from = current;
    if (opts.rollback) {
      const to = opts.rollback.to;
      const target = to ? await rt.store.get(to) : await rt.store.lastGood(current);
      if (!target || (to && !(await rt.host.exists(rt.store.appDir(to))))) {
        throw new SlipwayError({ key: to ? 'rollback.unknownRelease' : 'rollback.nothingToRollBackTo', params: { release: to ?? '' }, fix: 'rollback.fix', exitCode: to ? 2 : 1 });
      }
      from = target.id;
    }
    if (!from) throw new SlipwayError({ key: 'envRelease.nothingDeployed', params: { env: ctx.envr.name }, fix: 'envRelease.nothingDeployed.fix', fixParams: { env: ctx.envr.name }, exitCode: 2 });
    await checkUnset(ctx, rt.store.readEnv(from), from, opts.unset);
    return this.planFor(ctx, 'env', { release: newReleaseId(), from, set: opts.set, unset: opts.unset, rollback: !!opts.rollback, configHash: configHash(ctx) });
  }

  async planFor(ctx: TargetContext, kind: string, meta: StepData): Promise<Plan> {
    const rt = await this.runtime(ctx);
    const release = String(meta.release ?? '');
    if (kind === 'deploy') {
      const commit = await gitCommit(ctx);
      const m = withPromotion({ configHash: configHash(ctx), acceptedRisks: (meta.acceptedRisks as string[] | undefined) ?? [], ...(commit ? { gitCommit: commit } : {}) }, meta);
      // A promoted release unpacks the archive another environment verified; otherwise the working tree is packed.
      return { kind, meta, steps: deploySteps(rt, release, m, packerOf(rt, meta)), onFailure: (_c, e) => failed(rt, release, e) };
    }
    if (kind === 'rollback') return { kind, meta, steps: rollbackSteps(rt, release) };
    if (kind === 'destroy') return { kind, meta, steps: destroySteps(rt, this.o.destroyExtra?.(rt) ?? []) };
    if (kind === 'env') return envReleasePlan(rt, envMetaOf(meta));
    if (kind === 'rotate-password') return { kind, meta, steps: rotateSteps(rt, release), onFailure: (_c, e) => (release ? failed(rt, release, e) : Promise.resolve()) };
    if (kind === 'import') return { kind, meta, steps: importSteps(rt, String(meta.file ?? ''), String(meta.backupId ?? 'import')) };
    throw new Error(`${this.name} target has no plan of kind ${kind}`);
  }

  async importPlan(ctx: TargetContext, opts: { file: string }): Promise<Plan> {
    if (!ctx.envr.database) throw new SlipwayError({ key: 'db.noDatabase', params: { env: ctx.envr.name }, place: 'database', fix: 'db.noDatabase.fix', exitCode: 2 });
    return this.planFor(ctx, 'import', { file: opts.file, backupId: `before-import-${newReleaseId()}` });
  }

  async rotatePasswordPlan(ctx: TargetContext): Promise<Plan> {
    const rt = await this.runtime(ctx);
    if (!ctx.envr.database || ctx.envr.database.urlSecret) {
      throw new SlipwayError({ key: 'rotate.notManaged', params: { env: ctx.envr.name }, place: 'database', fix: 'rotate.notManaged.fix', exitCode: 2 });
    }
    // No release yet: only the database's password changes (nothing runs with the old one).
    const release = (await rt.store.current()) ? newReleaseId() : '';
    return this.planFor(ctx, 'rotate-password', { release });
  }

  async status(ctx: TargetContext): Promise<StatusReport> {
    const rt = await this.runtime(ctx);
    const [current, alive] = await Promise.all([rt.store.current(), rt.client.alive()]);
    const st = alive ? await rt.client.status() : undefined;
    const overrides = current ? (await rt.store.readEnv(current))?.overrides?.set : undefined;
    const proc = st?.processes.find((p) => p.release === st.active);
    const [dbRunning, dbInfo, lastRun, extra, exposed] = await Promise.all([
      rt.pg ? rt.pg.isRunning() : undefined,
      rt.pg ? rt.pg.info() : undefined,
      new Journal(rt.host, path.posix.join(this.o.stateOnMachine ? rt.layout.root : ctx.stateDir, 'journal'), new Redactor()).latest().catch(() => undefined),
      this.o.statusExtra?.(rt) ?? [],
      proc ? listensOnAll(rt, proc.port) : false,
    ]);
    const url = await this.endpoint(ctx);
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
    return { env: ctx.envr.name, target: this.name, state, ...(url ? { url } : {}), ...(current ? { activeRelease: current } : {}), rows, ...(run ? { lastRun: run } : {}) };
  }

  /** The ledger, newest first, each with what changed in env since the release before it. */
  async releases(ctx: TargetContext): Promise<ReleaseRecord[]> {
    const rt = await this.runtime(ctx);
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

  async evidence(ctx: TargetContext, opts: { release?: string }): Promise<EvidenceReport> {
    const rt = await this.runtime(ctx);
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

  async architecture(ctx: TargetContext): Promise<ArchitectureView> {
    return machineArchitecture(await this.runtime(ctx), this.name);
  }

  /** Dump files in the machine's backups directory and the releases recorded beside them. */
  async history(ctx: TargetContext): Promise<TargetHistory> {
    const rt = await this.runtime(ctx);
    const at = (dir: string) => (rt.setup.where === 'local' ? dir : `${rt.setup.where}:${dir}`);
    const [names, all] = await Promise.all([rt.host.list(rt.layout.backups), rt.store.list()]);
    const items = (
      await Promise.all(
        names.filter((n) => n.endsWith('.dump')).map(async (n) => {
          const st = await rt.host.stat(path.posix.join(rt.layout.backups, n));
          return st && st.size > 0 ? [{ id: n, createdAt: new Date(st.mtimeMs).toISOString() }] : [];
        }),
      )
    ).flat();
    const good = all.filter((r) => r.result === 'succeeded').map((r) => r.id);
    const serving = await servingMigrations(rt, all, at);
    return { backups: { where: at(rt.layout.backups), items }, releases: { where: at(rt.layout.releases), count: all.length, good }, serving };
  }

  async rehearse(ctx: TargetContext, opts: RehearsalOptions): Promise<RehearsalOutcome> {
    const { rehearseOnMachine } = await import('./rehearse.js');
    return rehearseOnMachine(await this.runtime(ctx), opts);
  }

  async host(ctx: TargetContext): Promise<Host> {
    return (await this.runtime(ctx)).host;
  }

  async observe(ctx: TargetContext, look: WindowLook): Promise<HostSample[]> {
    return [await lookAtMachine(await this.runtime(ctx), look)];
  }

  async markFailed(ctx: TargetContext, release: string, evidence: string[]): Promise<void> {
    await markReleaseFailed(await this.runtime(ctx), release, evidence);
  }

  async ownPids(ctx: TargetContext): Promise<number[]> {
    const rt = await this.runtime(ctx);
    try {
      const st = JSON.parse((await rt.host.readFile(rt.layout.supervisorState)) ?? '') as { pid: number; processes: { pid: number }[] };
      return [st.pid, ...st.processes.map((p) => p.pid)];
    } catch {
      return [];
    }
  }

  async *logs(ctx: TargetContext, opts: LogOptions): AsyncIterable<string> {
    const rt = await this.runtime(ctx);
    const current = await rt.store.current();
    if (!current) return;
    const file = path.posix.join(rt.layout.logs, `app-${current}.log`);
    const { text, size } = await rt.host.readFrom(file, 0);
    for (const l of text.split('\n').filter(Boolean).slice(-opts.lines)) yield ctx.redactor.redact(l);
    if (!opts.follow) return;
    let pos = size;
    while (!opts.signal.aborted) {
      await new Promise((r) => setTimeout(r, 300));
      const next = await rt.host.readFrom(file, pos).catch(() => ({ text: '', size: pos }));
      if (next.size <= pos) continue;
      pos = next.size;
      for (const l of next.text.split('\n').filter(Boolean)) yield ctx.redactor.redact(l);
    }
  }

  async endpoint(ctx: TargetContext): Promise<string | undefined> {
    const rt = await this.runtime(ctx);
    const bind = rt.opts.bind;
    const addr = bind === '0.0.0.0' || bind === '::' ? rt.setup.address : bind;
    return `http://${addr.includes(':') ? `[${addr}]` : addr}:${rt.opts.port}`;
  }
}
