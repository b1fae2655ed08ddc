/**
 * A fleet: several machines serving one environment, each with its own supervisor and
 * release store, switched wave by wave. The plan is built from the single-machine steps,
 * each namespaced by its host (`h2/switch`), plus a few that run once for the fleet: the
 * database (external), the backup and the migration (on the first host), and the commit.
 *
 * The commit point is not a host's switch but the step after every wave's verify: until
 * every host serves the new release, a failure (or the next command after a crash) undoes
 * every host that switched; hosts of later waves never start the new release.
 */
import { SlipwayError } from '../../engine/errors.js';
import { t } from '../../engine/i18n.js';
import '../../engine/messages/fleet.js';
import type { Plan, Step, StepContext } from '../../engine/step.js';
import type { Wave } from '../../config/schema.js';
import type { BuildMeta, PackedApp } from './build.js';
import { probeHealthDbStep } from './probe-health-db.js';
import type { MachineRuntime } from './runtime.js';
import {
  backupStep,
  buildStep,
  databaseStep,
  drainStep,
  finalizeStep,
  healthStep,
  migrateStep,
  startStep,
  supervisorStep,
  switchStep,
  verifyStep,
} from './steps.js';

/** Host numbers per wave (0-based), from cumulative counts or shares; the last wave always reaches every host. */
export function wavesOf(hosts: number, waves: readonly Wave[] = [1, '100%']): number[][] {
  const out: number[][] = [];
  let done = 0;
  for (const w of [...waves, '100%' as const]) {
    const upTo = Math.min(hosts, typeof w === 'number' ? w : Math.ceil((hosts * Number(w.slice(0, -1))) / 100));
    if (upTo <= done) continue;
    out.push(Array.from({ length: upTo - done }, (_, i) => done + i));
    done = upTo;
  }
  return out;
}

/** The id prefix of a host's steps. */
export const hostPrefix = (i: number): string => `h${i + 1}/`;

/** Steps that run once for the whole fleet keep their ids; the rest are the host's. */
const FLEET_STEPS = new Set(['database', 'backup', 'migrate', 'commit', 'pack']);

export type Resolve = (id: string) => string[];

/** A step of one host: ids namespaced, and what it asks of other steps looked up in its host's namespace. */
export function scoped(s: Step, resolve: Resolve, host: string): Step {
  const wrap = (c: StepContext): StepContext => ({
    ...c,
    data: (id) => {
      for (const r of resolve(id)) {
        const d = c.data(r);
        if (d) return d;
      }
      return undefined;
    },
    isDone: (id) => resolve(id).some((r) => c.isDone(r)),
  });
  const id = resolve(s.id)[0]!;
  return {
    ...s,
    id,
    titleKey: 'fleet.step.onHost',
    titleParams: { host, title: t(s.titleKey, s.titleParams) },
    needs: (s.needs ?? []).flatMap(resolve),
    run: (c) => s.run(wrap(c)),
    ...(s.undo ? { undo: (c: StepContext) => s.undo!(wrap(c)) } : {}),
  };
}

export function hostResolve(i: number, hosts: number): Resolve {
  return (id) => {
    if (id === 'switch' && i < 0) return Array.from({ length: hosts }, (_, k) => `${hostPrefix(k)}switch`);
    if (FLEET_STEPS.has(id)) return [id];
    return [`${hostPrefix(i < 0 ? 0 : i)}${id}`];
  };
}

/** One step run once for the fleet, on the first host (`switch` means any host's). */
export function fleetScoped(s: Step, hosts: number, where: string): Step {
  return { ...scoped(s, hostResolve(-1, hosts), where), titleKey: s.titleKey, ...(s.titleParams ? { titleParams: s.titleParams } : {}) };
}

function addNeeds(s: Step, needs: string[]): Step {
  return { ...s, needs: [...new Set([...(s.needs ?? []), ...needs])] };
}

/** start → health → switch (not a commit here) → verify on every host, wave after wave; then commit, drain, record. */
export function waveSteps(rts: MachineRuntime[], release: string, waves: number[][], startNeeds: (i: number) => string[], kind: 'deploy' | 'rollback', finalizeNeeds: (i: number) => string[]): Step[] {
  const out: Step[] = [];
  let previous: string[] = [];
  waves.forEach((wave) => {
    const verifies: string[] = [];
    for (const i of wave) {
      const rt = rts[i]!;
      const r = hostResolve(i, rts.length);
      const where = rt.setup.where;
      out.push(
        addNeeds(scoped(startStep(rt, release, []), r, where), [...startNeeds(i), ...previous]),
        scoped(healthStep(rt, release), r, where),
        scoped({ ...switchStep(rt, release), commit: false }, r, where),
        scoped(verifyStep(rt), r, where),
      );
      verifies.push(`${hostPrefix(i)}verify`);
    }
    previous = verifies;
  });
  const allVerified = rts.map((_, i) => `${hostPrefix(i)}verify`);
  out.push({
    id: 'commit',
    titleKey: 'fleet.step.commit',
    titleParams: { count: rts.length, release },
    needs: allVerified,
    commit: true,
    async run() {
      return { hosts: rts.length };
    },
  });
  rts.forEach((rt, i) => {
    const r = hostResolve(i, rts.length);
    out.push(addNeeds(scoped(drainStep(rt, release), r, rt.setup.where), ['commit']), addNeeds(scoped(finalizeStep(rt, release, kind), r, rt.setup.where), finalizeNeeds(i)));
  });
  return out;
}

/** Bounded parallelism for the uploads and installs of a fleet. */
function limiter(n: number): <T>(f: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(f: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await f();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

/** Hosts a fleet uploads to and installs on at once. */
export const UPLOAD_CONCURRENCY = 4;

export function fleetDeployPlan(rts: MachineRuntime[], release: string, meta: BuildMeta, pack: () => Promise<PackedApp>, waves: readonly Wave[] | undefined, planMeta: Plan['meta']): Plan {
  const n = rts.length;
  const first = rts[0]!;
  let packed: Promise<PackedApp> | undefined;
  const once = (): Promise<PackedApp> => (packed ??= pack());
  const limit = limiter(UPLOAD_CONCURRENCY);
  const builds = rts.map((_, i) => `${hostPrefix(i)}build`);
  const steps: Step[] = [fleetScoped(databaseStep(first), n, first.setup.where)];
  rts.forEach((rt, i) => {
    const r = hostResolve(i, n);
    const build = buildStep(rt, release, meta, once);
    steps.push(scoped(supervisorStep(rt), r, rt.setup.where), scoped({ ...build, run: (c) => limit(() => build.run(c)) }, r, rt.setup.where));
  });
  steps.push(
    fleetScoped(backupStep(first, release), n, first.setup.where),
    fleetScoped(migrateStep(first, release), n, first.setup.where),
    scoped(probeHealthDbStep(first, release), hostResolve(0, n), first.setup.where),
    ...waveSteps(rts, release, wavesOf(n, waves), (i) => ['migrate', `${hostPrefix(i)}supervisor`, ...builds], 'deploy', (i) => [`${hostPrefix(i)}drain`, ...(i === 0 ? [`${hostPrefix(0)}probe-health-db`] : [])]),
  );
  return {
    kind: 'deploy',
    ...(planMeta ? { meta: planMeta } : {}),
    steps,
    onFailure: (_c, e) => markFleetFailed(rts, release, e),
  };
}

export function fleetRollbackPlan(rts: MachineRuntime[], release: string, waves: readonly Wave[] | undefined, planMeta: Plan['meta']): Plan {
  const n = rts.length;
  const first = rts[0]!;
  const steps: Step[] = [fleetScoped(databaseStep(first), n, first.setup.where)];
  rts.forEach((rt, i) => steps.push(scoped(supervisorStep(rt), hostResolve(i, n), rt.setup.where)));
  steps.push(...waveSteps(rts, release, wavesOf(n, waves), (i) => ['database', `${hostPrefix(i)}supervisor`], 'rollback', (i) => [`${hostPrefix(i)}drain`]));
  return { kind: 'rollback', ...(planMeta ? { meta: planMeta } : {}), steps };
}

/** Each host's plan of the same kind, run side by side (destroy). */
export function fleetParallelPlan(kind: string, plans: Plan[], names: string[]): Plan {
  const steps = plans.flatMap((p, i) => p.steps.map((s) => scoped(s, (id) => [`${hostPrefix(i)}${id}`], names[i]!)));
  return { kind, steps };
}

/** After a failed run, the release is recorded failed (with the redacted error) on every host that recorded it. */
export async function markFleetFailed(rts: readonly MachineRuntime[], release: string, e: unknown): Promise<void> {
  const evidence = e instanceof SlipwayError ? [e.text()] : [String(e)];
  await Promise.all(
    rts.map(async (rt) => {
      const rec = await rt.store.get(release).catch(() => undefined);
      if (rec && (rec.result === 'pending' || rec.result === 'failed')) {
        await rt.store.update(release, { result: 'failed', finishedAt: rec.finishedAt ?? new Date().toISOString(), evidence: rt.ctx.redactor.redactDeep(evidence) });
      }
    }),
  );
}
