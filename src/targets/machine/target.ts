/**
 * A target that runs releases as processes behind a stable port on one machine, with a
 * PostgreSQL slipway owns there: this machine (`local`) or a Linux VM (`ssh`). The two
 * differ only in how they reach the machine (`MachineSetup`: a `Host`, a directory, the
 * service user); the plans and steps are these.
 */
import path from 'node:path';
import { SlipwayError } from '../../engine/errors.js';
import type { Plan, StepData, Step } from '../../engine/step.js';
import type { Host } from '../../host/types.js';
import type { ArchitectureView, DeployOptions, EnvReleaseOptions, EnvState, EvidenceReport, LogOptions, ReleaseRecord, RollbackOptions, StatusReport, Target, TargetContext, TargetHistory, WindowLook, PromotableRelease, RehearsalOptions, RehearsalOutcome } from '../types.js';
import { newReleaseId } from './releases.js';
import { checkUnset, envMetaOf, envReleasePlan } from './env-release.js';
import { notManaged, rotateSteps } from './rotate.js';
import { machineArchitecture } from './architecture.js';
import { machineDbWindow } from './db-window.js';
import { machineRuntime, type MachineRuntime, type MachineSetup } from './runtime.js';
import { lookAtMachine, markReleaseFailed } from './window.js';
import type { HostSample } from '../../engine/window.js';
import { fetchMachineArtifact, machinePromotable, packerOf, promotedMeta, withPromotion } from './promote.js';
import { servingMigrations } from './migrations.js';
import { gitCommit } from '../../host/git.js';
import {
  configHash,
  deploySteps,
  destroySteps,
  failed,
  rollbackSteps,
} from './plans.js';
import { machineEvidence, machineLogs, machineReleases, machineStatus } from './reports.js';
import { importSteps } from './steps.js';

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
      const commit = await gitCommit(ctx.localHost, ctx.envr.appDir);
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

  /** What this target refuses before the lock is taken or the machine contacted: rotating a database it does not run. */
  refusal(ctx: TargetContext, command: string): SlipwayError | undefined {
    if (command === 'rotate-password' && (!ctx.envr.database || ctx.envr.database.urlSecret)) {
      return notManaged(ctx.envr.name);
    }
    return undefined;
  }

  async rotatePasswordPlan(ctx: TargetContext): Promise<Plan> {
    const refused = this.refusal(ctx, 'rotate-password');
    if (refused) throw refused;
    const rt = await this.runtime(ctx);
    // No release yet: only the database's password changes (nothing runs with the old one).
    const release = (await rt.store.current()) ? newReleaseId() : '';
    return this.planFor(ctx, 'rotate-password', { release });
  }

  async status(ctx: TargetContext): Promise<StatusReport> {
    const rt = await this.runtime(ctx);
    return machineStatus(rt, ctx, { name: this.name, stateOnMachine: this.o.stateOnMachine, extra: () => this.o.statusExtra?.(rt) ?? [], endpoint: () => this.endpoint(ctx) });
  }

  /** The ledger, newest first, each with what changed in env since the release before it. */
  async releases(ctx: TargetContext): Promise<ReleaseRecord[]> {
    return machineReleases(await this.runtime(ctx));
  }

  async evidence(ctx: TargetContext, opts: { release?: string }): Promise<EvidenceReport> {
    return machineEvidence(await this.runtime(ctx), ctx, opts);
  }

  async architecture(ctx: TargetContext): Promise<ArchitectureView> {
    return machineArchitecture(await this.runtime(ctx), this.name);
  }

  /** Dump files in the machine's backups directory and the releases recorded beside them. */
  async history(ctx: TargetContext): Promise<TargetHistory> {
    const rt = await this.runtime(ctx);
    const at = (dir: string) => (rt.setup.where === 'local' ? dir : `${rt.setup.where}:${dir}`);
    const [names, all] = await Promise.all([rt.host.list(rt.layout.backups), rt.store.list()]);
    const dumps = names.filter((n) => n.endsWith('.dump'));
    const stats = await rt.host.statFiles(dumps.map((n) => path.posix.join(rt.layout.backups, n)));
    const items = dumps.flatMap((n, i) => {
      const st = stats[i];
      return st && st.size > 0 ? [{ id: n, createdAt: new Date(st.mtimeMs).toISOString() }] : [];
    });
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
    yield* machineLogs(await this.runtime(ctx), ctx, opts);
  }

  async endpoint(ctx: TargetContext): Promise<string | undefined> {
    const rt = await this.runtime(ctx);
    const bind = rt.opts.bind;
    const addr = bind === '0.0.0.0' || bind === '::' ? rt.setup.address : bind;
    return `http://${addr.includes(':') ? `[${addr}]` : addr}:${rt.opts.port}`;
  }
}