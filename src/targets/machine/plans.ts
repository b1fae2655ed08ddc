/**
 * The machine target's plans: the steps of a deploy, a rollback and a destroy, the record a
 * failed deploy leaves, and what a deploy records of where it came from (config hash, commit).
 */
import { createHash } from 'node:crypto';
import { SlipwayError } from '../../engine/errors.js';
import type { Step } from '../../engine/step.js';
import type { TargetContext } from '../types.js';
import type { MachineRuntime } from './runtime.js';
import type { BuildMeta, PackedApp } from './build.js';
import { probeHealthDbStep } from './probe-health-db.js';
import { backupStep, buildStep, databaseStep, drainStep, finalizeStep, healthStep, migrateStep, startStep, supervisorStep, switchStep, verifyStep } from './steps.js';

export function configHash(ctx: TargetContext): string {
  const { envr } = ctx;
  const shape = { app: envr.app, database: envr.database, env: envr.env, secrets: envr.secretNames, verify: envr.verify, target: envr.target };
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 12);
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

export function deploySteps(rt: MachineRuntime, release: string, meta: BuildMeta, packed?: () => Promise<PackedApp>): Step[] {
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

export function rollbackSteps(rt: MachineRuntime, release: string): Step[] {
  return [databaseStep(rt), supervisorStep(rt), ...serveSteps(rt, release, ['database', 'supervisor'], 'rollback')];
}

export async function failed(rt: MachineRuntime, release: string, error: unknown): Promise<void> {
  const rec = await rt.store.get(release);
  if (rec && (rec.result === 'pending' || rec.result === 'failed')) {
    const evidence = error instanceof SlipwayError ? [error.text()] : [String(error)];
    await rt.store.update(release, { result: 'failed', finishedAt: rec.finishedAt ?? new Date().toISOString(), evidence: rt.ctx.redactor.redactDeep(evidence) });
  }
}

export function destroySteps(rt: MachineRuntime, extra: Step[]): Step[] {
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
