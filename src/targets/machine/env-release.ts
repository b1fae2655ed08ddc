/**
 * Env releases (`slipway env set`, `slipway rollback --set`): a new release made of an
 * existing release's code — the same artifact, hard-linked, no rebuild — and that
 * release's env with changes on top, put behind the stable port through the same
 * health-gated cutover as a deploy (start, health, switch, verify, drain, record).
 * No backup and no migration: the code, and so the schema it expects, does not change.
 */
import { SlipwayError } from '../../engine/errors.js';
import { mergeOverrides } from '../../engine/env-diff.js';
import '../../engine/messages/env-releases.js';
import type { Json, Plan, Step, StepData } from '../../engine/step.js';
import type { Wave } from '../../config/schema.js';
import type { TargetContext } from '../types.js';
import { fleetScoped, hostPrefix, hostResolve, markFleetFailed, scoped, waveSteps, wavesOf } from './fleet.js';
import { applicableOverrides, baseOf, composeEnv } from './release-env.js';
import type { ReleaseEnv } from './releases.js';
import { asService, type MachineRuntime } from './runtime.js';
import { databaseStep, drainStep, finalizeStep, healthStep, startStep, supervisorStep, switchStep, verifyStep } from './steps.js';

/** What an env release is made of (journaled as the plan's meta; values are never secrets). */
export interface EnvReleaseMeta {
  release: string;
  /** The release whose code and env it starts from. */
  from: string;
  set: Record<string, string>;
  unset: string[];
  /** Made by `rollback --set`: the release it replaces is marked rolled back. */
  rollback: boolean;
  configHash: string;
}

export function envMetaOf(meta: StepData): EnvReleaseMeta {
  return {
    release: String(meta.release ?? ''),
    from: String(meta.from ?? ''),
    set: (meta.set as Record<string, string> | undefined) ?? {},
    unset: (meta.unset as string[] | undefined) ?? [],
    rollback: meta.rollback === true,
    configHash: String(meta.configHash ?? ''),
  };
}

export function envMetaJson(m: EnvReleaseMeta): Record<string, Json> {
  return { release: m.release, from: m.from, set: m.set, unset: m.unset, rollback: m.rollback, configHash: m.configHash };
}

/** The new release's directory: the source's code hard-linked (same files, same artifact), its env with the changes. */
export function reuseStep(rt: MachineRuntime, m: EnvReleaseMeta): Step {
  const { release, from } = m;
  return {
    id: 'build',
    titleKey: 'envRelease.step.reuse',
    titleParams: { release, from },
    async run(ctx): Promise<StepData> {
      const source = await rt.store.get(from);
      const sourceEnv = await rt.store.readEnv(from);
      if (!source || !sourceEnv || !(await rt.host.exists(rt.store.appDir(from)))) {
        throw new SlipwayError({ key: 'envRelease.sourceMissing', params: { release: from, where: rt.setup.where }, place: `${rt.setup.where}:${rt.store.releaseDir(from)}`, fix: 'envRelease.sourceMissing.fix', fixParams: { env: rt.ctx.envr.name }, exitCode: 2 });
      }
      await ctx.record({ release });
      const { kept, dropped } = applicableOverrides(rt, mergeOverrides(sourceEnv.overrides, m.set, m.unset));
      for (const name of dropped) ctx.warn('envRelease.overrideDropped', { name });
      const env = await composeEnv(rt, baseOf(sourceEnv), kept);
      const details: Record<string, Json> = { envFrom: from };
      for (const k of ['artifact', 'depsKey', 'packageManager'] as const) if (source.details[k] !== undefined) details[k] = source.details[k]!;
      await rt.store.write({
        id: release,
        createdAt: new Date().toISOString(),
        result: 'pending',
        configHash: m.configHash || source.configHash,
        ...(source.gitCommit ? { gitCommit: source.gitCommit } : {}),
        // The same code: the same migration files.
        details: { ...details, ...(source.details.migrations !== undefined ? { migrations: source.details.migrations } : {}) },
        acceptedRisks: [],
      });
      await rt.store.writeEnv(release, env);
      const app = rt.store.appDir(release);
      await rt.host.rm(app);
      if (rt.setup.serviceUser) await rt.host.exec(['chown', '-R', rt.setup.serviceUser, rt.store.releaseDir(release)]);
      // Hard links: instant, and the code is byte for byte the source's (installs and builds replace files, never edit them).
      const r = await rt.host.exec(['cp', '-al', rt.store.appDir(from), app], asService(rt));
      if (r.code !== 0) throw new SlipwayError({ key: 'envRelease.copyFailed', params: { from, release, reason: r.stderr.trim().slice(0, 300) }, place: `${rt.setup.where}:${app}`, fix: 'envRelease.copyFailed.fix' });
      ctx.log('envRelease.reused', { from, sha: String(details.artifact ?? '-').slice(0, 12), where: rt.setup.where });
      return { release, ...details };
    },
    async undo(ctx) {
      const id = (ctx.data('build')?.release as string | undefined) ?? release;
      if ((await rt.store.current()) === id) return;
      await rt.host.rm(rt.store.appDir(id));
      await rt.store.update(id, { result: 'failed', finishedAt: new Date().toISOString() });
    },
  };
}

/** The record step; for `rollback --set` the release it replaces is marked rolled back first. */
function recordStep(rt: MachineRuntime, m: EnvReleaseMeta, s: Step): Step {
  if (!m.rollback) return s;
  return {
    ...s,
    async run(ctx) {
      const was = await rt.store.current();
      if (was && was !== m.release) await rt.store.update(was, { result: 'rolled-back' });
      return s.run(ctx);
    },
  };
}


/** One machine: reuse → start → health → switch (the commit) → verify → drain → record. */
export function envReleasePlan(rt: MachineRuntime, m: EnvReleaseMeta): Plan {
  const steps: Step[] = [
    databaseStep(rt),
    supervisorStep(rt),
    reuseStep(rt, m),
    startStep(rt, m.release, ['build', 'database', 'supervisor']),
    healthStep(rt, m.release),
    switchStep(rt, m.release),
    verifyStep(rt, m.release),
    drainStep(rt, m.release),
    recordStep(rt, m, finalizeStep(rt, m.release, 'deploy')),
  ];
  return { kind: 'env', meta: envMetaJson(m), steps, onFailure: (_c, e) => markFleetFailed([rt], m.release, e) };
}

/** A fleet: every host gets the release (bounded by nothing heavier than a hard-linked copy), switched wave by wave, committed when all verified. */
export function fleetEnvReleasePlan(rts: MachineRuntime[], m: EnvReleaseMeta, waves: readonly Wave[] | undefined, extraMeta: Record<string, Json>): Plan {
  const n = rts.length;
  const first = rts[0]!;
  const builds = rts.map((_, i) => `${hostPrefix(i)}build`);
  const steps: Step[] = [fleetScoped(databaseStep(first), n, first.setup.where)];
  rts.forEach((rt, i) => {
    const r = hostResolve(i, n);
    steps.push(scoped(supervisorStep(rt), r, rt.setup.where), scoped(reuseStep(rt, m), r, rt.setup.where));
  });
  const serve = waveSteps(rts, m.release, wavesOf(n, waves), (i) => ['database', `${hostPrefix(i)}supervisor`, ...builds], 'deploy', (i) => [`${hostPrefix(i)}drain`]);
  steps.push(
    ...serve.map((s) => {
      const i = rts.findIndex((_, k) => s.id === `${hostPrefix(k)}finalize`);
      return i < 0 ? s : recordStep(rts[i]!, m, s);
    }),
  );
  return { kind: 'env', meta: { ...envMetaJson(m), ...extraMeta }, steps, onFailure: (_c, e) => markFleetFailed(rts, m.release, e) };
}

/** `--unset` drops an override; a name without one is refused (exit 2) with the overrides in force. */
export async function checkUnset(ctx: TargetContext, env: Promise<ReleaseEnv | undefined>, release: string, unset: readonly string[]): Promise<void> {
  if (!unset.length) return;
  const set = (await env)?.overrides?.set ?? {};
  const missing = unset.find((n) => !(n in set));
  if (missing) {
    throw new SlipwayError({ key: 'envRelease.noOverride', params: { name: missing, release }, place: `slipway env set ${ctx.envr.name} --unset ${missing}`, fix: 'envRelease.noOverride.fix', fixParams: { names: Object.keys(set).join(', ') || '-' }, exitCode: 2 });
  }
}
