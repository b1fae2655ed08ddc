/**
 * An ssh environment with `hosts:` — a fleet. Each host is reached and prepared exactly as a
 * single VM is (the same `MachineTarget`, one connection per host); what is the fleet's:
 * one artifact packed here and uploaded to every host (bounded, sha256 checked there), one
 * release id, waves (`rollout.waves`), one plan, and one lock and journal — on the first
 * host, so every machine that can deploy finds them where it finds the fleet (not on a
 * laptop), and a second clone sees a half-finished run. The database must be one every host
 * reaches (external).
 */
import { SlipwayError } from '../../engine/errors.js';
import '../../engine/messages/fleet.js';
import type { Plan, StepData } from '../../engine/step.js';
import type { FleetHost, SshEnvironment } from '../../config/schema.js';
import type { Host } from '../../host/types.js';
import { packerOf, promotedMeta, withPromotion } from '../machine/promote.js';
import { fleetDeployPlan, fleetParallelPlan, fleetRollbackPlan } from '../machine/fleet.js';
import type { MachineRuntime } from '../machine/runtime.js';
import type { MachineTarget } from '../machine/target.js';
import { configHash } from '../machine/plans.js';
import { gitCommit } from '../../host/git.js';
import { checkUnset, envMetaOf, fleetEnvReleasePlan } from '../machine/env-release.js';
import { newReleaseId } from '../machine/releases.js';
import { notManaged } from '../machine/rotate.js';
import type { ArchitectureView, DeployOptions, EnvReleaseOptions, EnvState, EvidenceReport, LogOptions, ReleaseRecord, RollbackOptions, StatusReport, Target, TargetContext, TargetHistory, WindowLook, PromotableRelease, MachineUnderCheck } from '../types.js';
import type { HostSample } from '../../engine/window.js';

/** How the config names each host (`deploy@vm-a`, `deploy@vm-b:22`). */
function hostNames(t: SshEnvironment): string[] {
  return t.hosts!.map((h) => (typeof h === 'string' ? h : `${h.user}@${h.address}:${h.port}`));
}

/** Whether an environment is a fleet (`hosts:`). */
export function isFleet(ctx: TargetContext): boolean {
  return (ctx.envr.target as SshEnvironment).hosts !== undefined;
}

/** One host's view of the environment: `host:` set to it, its own `dir` when it has one. */
function hostEnvironment(t: SshEnvironment, h: FleetHost): SshEnvironment {
  const { hosts: _hosts, rollout: _rollout, ...rest } = t;
  if (typeof h === 'string') return { ...rest, host: h };
  const { dir, ...address } = h;
  return { ...rest, host: address, ...(dir ? { dir } : {}) };
}

export class SshFleet {
  private readonly contexts = new WeakMap<TargetContext, TargetContext[]>();

  constructor(private readonly single: MachineTarget) {}

  /** A context per host (cached, so each host keeps one connection per command). */
  hostContexts(ctx: TargetContext): TargetContext[] {
    let out = this.contexts.get(ctx);
    if (out) return out;
    const t = ctx.envr.target as SshEnvironment;
    const hosts = t.hosts!;
    const db = ctx.envr.database;
    if (hosts.length > 1 && db && !db.urlSecret) {
      throw new SlipwayError({ key: 'fleet.managedDb', params: { env: ctx.envr.name, count: hosts.length }, place: `environments.${ctx.envr.name}.database`, fix: 'fleet.managedDb.fix', fixParams: { env: ctx.envr.name }, exitCode: 2 });
    }
    out = hosts.map((h) => ({ ...ctx, envr: { ...ctx.envr, target: hostEnvironment(t, h) } }));
    this.contexts.set(ctx, out);
    return out;
  }

  runtimes(ctx: TargetContext): Promise<MachineRuntime[]> {
    return Promise.all(this.hostContexts(ctx).map((c) => this.single.runtime(c)));
  }

  private first(ctx: TargetContext): TargetContext {
    return this.hostContexts(ctx)[0]!;
  }

  async state(ctx: TargetContext): Promise<EnvState> {
    return this.single.state(this.first(ctx));
  }

  async close(ctx: TargetContext): Promise<void> {
    await Promise.all(this.hostContexts(ctx).map((c) => this.single.close(c).catch(() => undefined)));
  }

  async deployPlan(ctx: TargetContext, opts: DeployOptions): Promise<Plan> {
    return this.planFor(ctx, 'deploy', { release: newReleaseId(), acceptedRisks: opts.acceptRisks, hostNames: hostNames(ctx.envr.target as SshEnvironment), ...promotedMeta(opts.promoted) });
  }

  /** The first host keeps the ledger, and every host got the same archive: the first host's is read. */
  promotable(ctx: TargetContext, opts: { release?: string }): Promise<PromotableRelease> {
    return this.single.promotable(this.first(ctx), opts);
  }

  fetchArtifact(ctx: TargetContext, sha256: string, dest: string): Promise<void> {
    return this.single.fetchArtifact(this.first(ctx), sha256, dest);
  }

  async rollbackPlan(ctx: TargetContext, opts: RollbackOptions): Promise<Plan> {
    const rts = await this.runtimes(ctx);
    const env = ctx.envr.name;
    const currents = await Promise.all(rts.map((rt) => rt.store.current()));
    let to = opts.to;
    if (!to) {
      if (new Set(currents).size > 1) {
        const hosts = rts.map((rt, i) => `${rt.setup.where} → ${currents[i] ?? '-'}`).join(', ');
        throw new SlipwayError({ key: 'fleet.mixedReleases', params: { env, hosts }, place: `environments.${env}.hosts`, fix: 'fleet.mixedReleases.fix', fixParams: { env }, exitCode: 2 });
      }
      const target = await rts[0]!.store.lastGood(currents[0]);
      if (!target) throw new SlipwayError({ key: 'rollback.nothingToRollBackTo', params: { release: '' }, fix: 'rollback.fix', exitCode: 1 });
      to = target.id;
    } else if (!(await rts[0]!.store.get(to))) {
      throw new SlipwayError({ key: 'rollback.unknownRelease', params: { release: to }, fix: 'rollback.fix', exitCode: 2 });
    }
    const release = to;
    const missing = (await Promise.all(rts.map(async (rt) => ((await rt.host.exists(rt.store.appDir(release))) ? undefined : rt.setup.where)))).filter((w): w is string => !!w);
    if (missing.length) {
      throw new SlipwayError({ key: 'fleet.releaseMissing', params: { release, hosts: missing.join(', ') }, place: `environments.${env}.hosts`, fix: 'fleet.releaseMissing.fix', fixParams: { env }, exitCode: 2 });
    }
    // Hosts that already serve the release are left alone: a rollback converges the others to it.
    const serving = await Promise.all(rts.map(async (rt, i) => currents[i] === release && (await rt.client.alive()) && (await rt.client.status()).active === release));
    const hosts = rts.map((_, i) => i).filter((i) => !serving[i]);
    if (!hosts.length) throw new SlipwayError({ key: 'rollback.alreadyServing', params: { release, env }, fix: 'rollback.alreadyServing.fix', exitCode: 2 });
    return this.planFor(ctx, 'rollback', { release, hosts, hostNames: hostNames(ctx.envr.target as SshEnvironment) });
  }

  async destroyPlan(ctx: TargetContext): Promise<Plan> {
    return this.planFor(ctx, 'destroy', {});
  }

  /** Every host gets the new release: they must serve one release (or `rollback --to` names it), and have its code. */
  async envPlan(ctx: TargetContext, opts: EnvReleaseOptions): Promise<Plan> {
    const rts = await this.runtimes(ctx);
    const env = ctx.envr.name;
    const currents = await Promise.all(rts.map((rt) => rt.store.current()));
    const mixed = new Set(currents).size > 1;
    const hostsList = () => rts.map((rt, i) => `${rt.setup.where} → ${currents[i] ?? '-'}`).join(', ');
    let from = currents[0];
    if (opts.rollback?.to) {
      if (!(await rts[0]!.store.get(opts.rollback.to))) throw new SlipwayError({ key: 'rollback.unknownRelease', params: { release: opts.rollback.to }, fix: 'rollback.fix', exitCode: 2 });
      from = opts.rollback.to;
    } else if (mixed) {
      if (opts.rollback) throw new SlipwayError({ key: 'fleet.mixedReleases', params: { env, hosts: hostsList() }, place: `environments.${env}.hosts`, fix: 'fleet.mixedReleases.fix', fixParams: { env }, exitCode: 2 });
      throw new SlipwayError({ key: 'envRelease.mixed', params: { env, hosts: hostsList() }, place: `environments.${env}.hosts`, fix: 'envRelease.mixed.fix', fixParams: { env }, exitCode: 2 });
    } else if (opts.rollback) {
      const target = await rts[0]!.store.lastGood(currents[0]);
      if (!target) throw new SlipwayError({ key: 'rollback.nothingToRollBackTo', params: { release: '' }, fix: 'rollback.fix', exitCode: 1 });
      from = target.id;
    }
    if (!from) throw new SlipwayError({ key: 'envRelease.nothingDeployed', params: { env }, fix: 'envRelease.nothingDeployed.fix', fixParams: { env }, exitCode: 2 });
    const source = from;
    const missing = (await Promise.all(rts.map(async (rt) => ((await rt.host.exists(rt.store.appDir(source))) ? undefined : rt.setup.where)))).filter((w): w is string => !!w);
    if (missing.length) throw new SlipwayError({ key: 'fleet.releaseMissing', params: { release: source, hosts: missing.join(', ') }, place: `environments.${env}.hosts`, fix: 'fleet.releaseMissing.fix', fixParams: { env }, exitCode: 2 });
    await checkUnset(ctx, rts[0]!.store.readEnv(source), source, opts.unset);
    return this.planFor(ctx, 'env', { release: newReleaseId(), from: source, set: opts.set, unset: opts.unset, rollback: !!opts.rollback, configHash: configHash(ctx), hostNames: hostNames(ctx.envr.target as SshEnvironment) });
  }

  async planFor(ctx: TargetContext, kind: string, meta: StepData): Promise<Plan> {
    // A run's steps are per host (`h2/…`): an interrupted one is finished only over the hosts it covered.
    const now = hostNames(ctx.envr.target as SshEnvironment);
    if (Array.isArray(meta.hostNames) && JSON.stringify(meta.hostNames) !== JSON.stringify(now)) {
      const env = ctx.envr.name;
      throw new SlipwayError({ key: 'fleet.hostsChanged', params: { env, run: (meta.hostNames as string[]).join(', '), now: now.join(', ') }, place: `environments.${env}.hosts`, fix: 'fleet.hostsChanged.fix', fixParams: { env }, exitCode: 2 });
    }
    const rts = await this.runtimes(ctx);
    const release = String(meta.release ?? '');
    const waves = (ctx.envr.target as SshEnvironment).rollout?.waves;
    if (kind === 'deploy') {
      const commit = await gitCommit(ctx.localHost, ctx.envr.appDir);
      const m = withPromotion({ configHash: configHash(ctx), acceptedRisks: (meta.acceptedRisks as string[] | undefined) ?? [], ...(commit ? { gitCommit: commit } : {}) }, meta);
      return fleetDeployPlan(rts, release, m, packerOf(rts[0]!, meta), waves, meta);
    }
    if (kind === 'rollback') {
      const only = Array.isArray(meta.hosts) ? new Set(meta.hosts as number[]) : undefined;
      return fleetRollbackPlan(only ? rts.filter((_, i) => only.has(i)) : rts, release, waves, meta);
    }
    if (kind === 'env') return fleetEnvReleasePlan(rts, envMetaOf(meta), waves, { hostNames: now });
    if (kind === 'destroy') {
      const plans = await Promise.all(this.hostContexts(ctx).map((c) => this.single.planFor(c, 'destroy', {})));
      return { ...fleetParallelPlan('destroy', plans, rts.map((rt) => rt.setup.where)), meta };
    }
    // The database is one for the fleet: an import goes through the first host.
    if (kind === 'import') return this.single.planFor(this.first(ctx), kind, meta);
    throw new Error(`ssh fleet has no plan of kind ${kind}`);
  }

  async importPlan(ctx: TargetContext, opts: { file: string }): Promise<Plan> {
    return this.single.importPlan(this.first(ctx), opts);
  }

  /** Each host's release and health, and the fleet's state: serving only when every host serves one release. */
  async status(ctx: TargetContext): Promise<StatusReport> {
    const contexts = this.hostContexts(ctx);
    const reports = await Promise.all(contexts.map((c) => this.single.status(c).then((r) => ({ ok: true as const, r }), (e: unknown) => ({ ok: false as const, e }))));
    const names = hostNames(ctx.envr.target as SshEnvironment);
    const hostRows = reports.map((x, i) => ({
      key: names[i]!,
      value: x.ok ? `${x.r.activeRelease ?? '-'} (${x.r.state})` : `unreachable: ${x.e instanceof SlipwayError ? x.e.text() : x.e instanceof Error ? x.e.message : String(x.e)}`,
    }));
    const ok = reports.flatMap((x) => (x.ok ? [x.r] : []));
    const releases = new Set(ok.map((r) => r.activeRelease));
    const serving = ok.filter((r) => r.state === 'serving').length;
    const state: StatusReport['state'] =
      ok.length === reports.length && serving === ok.length && releases.size === 1 ? 'serving' : serving > 0 ? 'degraded' : ok.every((r) => r.state === 'not-deployed') ? 'not-deployed' : 'stopped';
    const head = reports[0]!.ok ? reports[0]!.r : undefined;
    const active = releases.size === 1 && ok.length === reports.length ? ok[0]?.activeRelease : undefined;
    const keep = new Set(['status.url', 'status.database', 'status.envOverrides', 'status.lastRun', 'status.stateDir']);
    return {
      env: ctx.envr.name,
      target: 'ssh',
      state,
      ...(head?.url ? { url: head.url } : {}),
      ...(active ? { activeRelease: active } : {}),
      rows: [...(head?.rows.filter((r) => keep.has(r.key)) ?? []), ...hostRows],
      ...(head?.lastRun ? { lastRun: head.lastRun } : {}),
    };
  }

  releases(ctx: TargetContext): Promise<ReleaseRecord[]> {
    return this.single.releases(this.first(ctx));
  }

  /** Every host's app log, each line prefixed with its host; followed, lines come as each host writes them. */
  logs(ctx: TargetContext, opts: LogOptions): AsyncIterable<string> {
    const names = hostNames(ctx.envr.target as SshEnvironment);
    const contexts = this.hostContexts(ctx);
    for (const c of contexts) void this.single.runtime(c).catch(() => undefined); // connect to every host at once
    const streams = contexts.map((c, i) => prefixed(names[i]!, this.single.logs(c, opts)));
    return opts.follow ? merged(streams) : concatenated(streams);
  }

  endpoint(ctx: TargetContext): Promise<string | undefined> {
    return this.single.endpoint(this.first(ctx));
  }

  host(ctx: TargetContext): Promise<Host> {
    return this.single.host(this.first(ctx));
  }

  /** Every host looked at side by side; an unreachable one is a failed health probe, not an error. */
  async observe(ctx: TargetContext, look: WindowLook): Promise<HostSample[]> {
    const names = hostNames(ctx.envr.target as SshEnvironment);
    return (
      await Promise.all(
        this.hostContexts(ctx).map((c, i) =>
          this.single.observe(c, look).catch((e: unknown): HostSample[] => [{ host: names[i]!, error: ctx.redactor.redact(e instanceof Error ? e.message : String(e)), logMatches: [] }]),
        ),
      )
    ).flat();
  }

  async markFailed(ctx: TargetContext, release: string, evidence: string[]): Promise<void> {
    await Promise.all(this.hostContexts(ctx).map((c) => this.single.markFailed(c, release, evidence).catch(() => undefined)));
  }

  ownPids(ctx: TargetContext): Promise<number[]> {
    return this.single.ownPids(this.first(ctx));
  }

  /** Every host, for the preflight's host checks (run on each at once). */
  machines(ctx: TargetContext): Promise<MachineUnderCheck[]> {
    return Promise.all(
      this.hostContexts(ctx).map(async (c) => {
        const [host, ownPids] = await Promise.all([this.single.host(c), this.single.ownPids(c).catch(() => [])]);
        return { host, ownPids, envr: c.envr };
      }),
    );
  }

  /**
   * The first host keeps the ledger, so its backups, releases and their evidence are the fleet's.
   * Its serving release is enough for the migration lint too: a fleet deploy builds one artifact
   * for every host and switches them to the same release, so the first host's migration files
   * are every host's (and the database they migrate is one).
   */
  history(ctx: TargetContext): Promise<TargetHistory> {
    return this.single.history(this.first(ctx));
  }

  evidence(ctx: TargetContext, opts: { release?: string }): Promise<EvidenceReport> {
    return this.single.evidence(this.first(ctx), opts);
  }

  /** The report draws the first host (the ledger's); `status` lists every host. */
  architecture(ctx: TargetContext): Promise<ArchitectureView> {
    return this.single.architecture(this.first(ctx));
  }
}

async function* prefixed(host: string, lines: AsyncIterable<string>): AsyncIterable<string> {
  try {
    for await (const l of lines) yield `[${host}] ${l}`;
  } catch (e) {
    // One unreachable host does not hide the others' lines.
    yield `[${host}] ${e instanceof SlipwayError ? e.text() : e instanceof Error ? e.message : String(e)}`;
  }
}

async function* concatenated(streams: AsyncIterable<string>[]): AsyncIterable<string> {
  for (const s of streams) yield* s;
}

/** Lines of several streams as they come. */
async function* merged(streams: AsyncIterable<string>[]): AsyncIterable<string> {
  const its = streams.map((s) => s[Symbol.asyncIterator]());
  const next = (i: number) => its[i]!.next().then((r) => ({ i, r }));
  const pending = new Map(its.map((_, i) => [i, next(i)]));
  while (pending.size) {
    const { i, r } = await Promise.race(pending.values());
    if (r.done) {
      pending.delete(i);
      continue;
    }
    pending.set(i, next(i));
    yield r.value;
  }
}

/**
 * What a fleet does not run, known from the configuration alone, so it is refused before any
 * host is contacted or the lock taken: `db rotate-password` (a fleet's database is one every
 * host reaches, rotated where it is managed) and `db rehearse` (it restores on one machine).
 */
export function fleetRefusal(ctx: TargetContext, command: string): SlipwayError | undefined {
  if (!isFleet(ctx)) return undefined;
  const env = ctx.envr.name;
  const db = ctx.envr.database;
  const hosts = hostNames(ctx.envr.target as SshEnvironment);
  const refuse = (name: string, fix: string, fixParams: Record<string, string>) =>
    new SlipwayError({ key: 'fleet.notForFleet', params: { command: name, env, hosts: hosts.join(', ') }, place: `environments.${env}.hosts`, fix, fixParams, exitCode: 2 });
  if (command === 'rotate-password') {
    if (!db) return notManaged(env);
    return refuse('db rotate-password', 'fleet.rotatePassword.fix', { env, secret: db.urlSecret ?? 'DATABASE_URL' });
  }
  if (command === 'rehearse') return refuse('db rehearse', 'fleet.rehearse.fix', { first: hosts[0] ?? '-' });
  return undefined;
}

/** The ssh target: a single VM, or a fleet when the environment has `hosts:`. */
export function fleetAware(single: MachineTarget & Pick<Target, 'trustHost'>): Target {
  const fleet = new SshFleet(single);
  const pick = (ctx: TargetContext) => (isFleet(ctx) ? fleet : single);
  return {
    name: 'ssh',
    deployPlan: (ctx, o) => pick(ctx).deployPlan(ctx, o),
    rollbackPlan: (ctx, o) => pick(ctx).rollbackPlan(ctx, o),
    envPlan: (ctx, o) => pick(ctx).envPlan(ctx, o),
    destroyPlan: (ctx, o) => (isFleet(ctx) ? fleet.destroyPlan(ctx) : single.destroyPlan(ctx)),
    planFor: (ctx, kind, meta) => pick(ctx).planFor(ctx, kind, meta),
    status: (ctx) => pick(ctx).status(ctx),
    releases: (ctx) => pick(ctx).releases(ctx),
    logs: (ctx, o) => pick(ctx).logs(ctx, o),
    endpoint: (ctx) => pick(ctx).endpoint(ctx),
    importPlan: (ctx, o) => pick(ctx).importPlan(ctx, o),
    state: (ctx) => pick(ctx).state(ctx),
    host: (ctx) => pick(ctx).host(ctx),
    ownPids: (ctx) => pick(ctx).ownPids(ctx),
    machines: (ctx) => (isFleet(ctx) ? fleet.machines(ctx) : Promise.resolve([])),
    history: (ctx) => pick(ctx).history(ctx),
    promotable: (ctx, o) => pick(ctx).promotable(ctx, o),
    fetchArtifact: (ctx, sha, dest) => pick(ctx).fetchArtifact(ctx, sha, dest),
    evidence: (ctx, o) => pick(ctx).evidence(ctx, o),
    architecture: (ctx) => pick(ctx).architecture(ctx),
    observe: (ctx, look) => pick(ctx).observe(ctx, look),
    markFailed: (ctx, release, evidence) => pick(ctx).markFailed(ctx, release, evidence),
    close: (ctx) => pick(ctx).close(ctx),
    dbWindow: single.dbWindow,
    // One VM: its own PostgreSQL. A fleet refuses both (fleetRefusal), and the CLI asks `refusal` before contacting a host.
    refusal: (ctx, command) => fleetRefusal(ctx, command) ?? single.refusal(ctx, command),
    rotatePasswordPlan: (ctx) => (isFleet(ctx) ? Promise.reject(fleetRefusal(ctx, 'rotate-password')) : single.rotatePasswordPlan(ctx)),
    rehearse: (ctx, o) => (isFleet(ctx) ? Promise.reject(fleetRefusal(ctx, 'rehearse')) : single.rehearse(ctx, o)),
    ...(single.trustHost ? { trustHost: single.trustHost.bind(single) } : {}),
  };
}
