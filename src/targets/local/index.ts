/**
 * The local target: releases as processes behind a stable port on this machine, a
 * PostgreSQL owned by slipway, a supervisor that outlives the CLI.
 */
import { createHash } from 'node:crypto';
import { open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { replay } from '../../engine/journal.js';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SlipwayError } from '../../engine/errors.js';
import type { Plan, StepData, Step } from '../../engine/step.js';
import type { DeployOptions, LogOptions, ReleaseRecord, StatusReport, Target, TargetContext } from '../types.js';
import { newReleaseId } from './releases.js';
import { localRuntime, type LocalRuntime } from './runtime.js';
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

const run = promisify(execFile);

export function configHash(ctx: TargetContext): string {
  const { envr } = ctx;
  const shape = { app: envr.app, database: envr.database, env: envr.env, secrets: envr.secretNames, verify: envr.verify, target: envr.target };
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 12);
}

async function gitCommit(dir: string): Promise<string | undefined> {
  try {
    return (await run('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: dir })).stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Start a release and put it behind the stable port: the part deploy and rollback share. */
function serveSteps(rt: LocalRuntime, release: string, startNeeds: string[], kind: 'deploy' | 'rollback'): Step[] {
  return [
    startStep(rt, release, startNeeds),
    healthStep(rt, release),
    switchStep(rt, release),
    verifyStep(rt),
    drainStep(rt, release),
    finalizeStep(rt, release, kind),
  ];
}

function deploySteps(rt: LocalRuntime, release: string, meta: { configHash: string; gitCommit?: string; acceptedRisks: string[] }): Step[] {
  return [
    databaseStep(rt),
    supervisorStep(rt),
    buildStep(rt, release, meta),
    backupStep(rt, release),
    migrateStep(rt, release),
    ...serveSteps(rt, release, ['migrate', 'supervisor'], 'deploy'),
  ];
}

function rollbackSteps(rt: LocalRuntime, release: string): Step[] {
  return [databaseStep(rt), supervisorStep(rt), ...serveSteps(rt, release, ['database', 'supervisor'], 'rollback')];
}

async function failed(rt: LocalRuntime, release: string, error: unknown): Promise<void> {
  const rec = await rt.store.get(release);
  if (rec && (rec.result === 'pending' || rec.result === 'failed')) {
    const evidence = error instanceof SlipwayError ? [error.text()] : [String(error)];
    await rt.store.update(release, { result: 'failed', finishedAt: rec.finishedAt ?? new Date().toISOString(), evidence: rt.ctx.redactor.redactDeep(evidence) });
  }
}

function destroySteps(rt: LocalRuntime): Step[] {
  return [
    {
      id: 'stop-releases',
      titleKey: 'step.stopReleases',
      async run() {
        if (await rt.client.alive()) await rt.client.shutdown().catch(() => undefined);
        // A supervisor that no longer answers: stop it and its processes by pid.
        const text = await readFile(rt.layout.supervisorState, 'utf8').catch(() => '');
        if (text) {
          const st = JSON.parse(text) as { pid: number; processes: { pid: number }[] };
          for (const pid of [...st.processes.map((p) => p.pid), st.pid]) {
            for (const target of [-pid, pid]) {
              try {
                process.kill(target, 'SIGKILL');
              } catch {
                /* gone */
              }
            }
          }
        }
        await rm(rt.layout.socket, { force: true });
        return {};
      },
    },
    {
      id: 'stop-database',
      titleKey: 'step.stopDatabase',
      async run() {
        if (rt.pg) await rt.pg.stop();
        return {};
      },
    },
    {
      id: 'remove-files',
      titleKey: 'step.removeFiles',
      titleParams: { dir: rt.layout.root },
      needs: ['stop-releases', 'stop-database'],
      async run() {
        for (const d of [rt.layout.releases, rt.layout.backups, rt.layout.pg, rt.layout.secrets, rt.layout.run, rt.layout.logs, rt.layout.current]) {
          await rm(d, { recursive: true, force: true });
        }
        return {};
      },
    },
  ];
}

/** The newest finished run in the journal archive (what the last deploy/rollback did). */
async function latestRun(journalDir: string): Promise<StatusReport['lastRun']> {
  const dir = path.join(journalDir, 'runs');
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.ndjson')).sort();
  const last = files.at(-1);
  if (!last) return undefined;
  const state = replay(await readFile(path.join(dir, last), 'utf8'));
  return state ? { kind: state.kind, outcome: state.outcome ?? 'interrupted', at: new Date(state.startedAt).toISOString() } : undefined;
}

export class LocalTarget implements Target {
  readonly name = 'local';

  async deployPlan(ctx: TargetContext, opts: DeployOptions): Promise<Plan> {
    return this.planFor(ctx, 'deploy', { release: newReleaseId(), acceptedRisks: opts.acceptRisks });
  }

  async rollbackPlan(ctx: TargetContext, to: string | undefined): Promise<Plan> {
    const rt = localRuntime(ctx);
    const current = await rt.store.current();
    const target = to ? await rt.store.get(to) : await rt.store.lastGood(current);
    if (!target || (to && !(await rt.host.exists(rt.store.appDir(to))))) {
      throw new SlipwayError({ key: to ? 'rollback.unknownRelease' : 'rollback.nothingToRollBackTo', params: { release: to ?? '' }, fix: 'rollback.fix', exitCode: to ? 2 : 1 });
    }
    return this.planFor(ctx, 'rollback', { release: target.id });
  }

  async destroyPlan(ctx: TargetContext): Promise<Plan> {
    return this.planFor(ctx, 'destroy', {});
  }

  async planFor(ctx: TargetContext, kind: string, meta: StepData): Promise<Plan> {
    const rt = localRuntime(ctx);
    const release = String(meta.release ?? '');
    if (kind === 'deploy') {
      const commit = await gitCommit(ctx.envr.appDir);
      const m = { configHash: configHash(ctx), acceptedRisks: (meta.acceptedRisks as string[] | undefined) ?? [], ...(commit ? { gitCommit: commit } : {}) };
      return { kind, meta, steps: deploySteps(rt, release, m), onFailure: (_c, e) => failed(rt, release, e) };
    }
    if (kind === 'rollback') return { kind, meta, steps: rollbackSteps(rt, release) };
    if (kind === 'destroy') return { kind, meta, steps: destroySteps(rt) };
    if (kind === 'import') return { kind, meta, steps: importSteps(rt, String(meta.file ?? ''), String(meta.backupId ?? 'import')) };
    throw new Error(`local target has no plan of kind ${kind}`);
  }

  async importPlan(ctx: TargetContext, opts: { file: string }): Promise<Plan> {
    if (!ctx.envr.database) throw new SlipwayError({ key: 'db.noDatabase', params: { env: ctx.envr.name }, place: 'database', fix: 'db.noDatabase.fix', exitCode: 2 });
    return this.planFor(ctx, 'import', { file: opts.file, backupId: `before-import-${newReleaseId()}` });
  }

  async status(ctx: TargetContext): Promise<StatusReport> {
    const rt = localRuntime(ctx);
    const current = await rt.store.current();
    const alive = await rt.client.alive();
    const st = alive ? await rt.client.status() : undefined;
    const proc = st?.processes.find((p) => p.release === st.active);
    const dbRunning = rt.pg ? await rt.pg.isRunning() : undefined;
    const url = `http://${rt.opts.host}:${rt.opts.port}`;
    const lastRun = await latestRun(rt.layout.journal);
    const state: StatusReport['state'] = !current ? 'not-deployed' : st?.active && proc?.state === 'running' ? (dbRunning === false ? 'degraded' : 'serving') : 'stopped';
    const rows = [
      { key: 'status.url', value: url },
      { key: 'status.release', value: st?.active ?? current ?? '-' },
      { key: 'status.process', value: proc ? `pid ${proc.pid}, port ${proc.port}, ${proc.state}, restarts ${proc.restarts}` : '-' },
      { key: 'status.supervisor', value: st ? `pid ${st.pid} since ${st.startedAt}` : 'stopped' },
      { key: 'status.database', value: rt.pg ? (dbRunning ? `running (${(await rt.pg.info())?.port ?? '?'})` : 'stopped') : ctx.envr.database?.urlSecret ? 'external' : '-' },
      ...(lastRun ? [{ key: 'status.lastRun', value: `${lastRun.kind} ${lastRun.outcome} (${lastRun.at})` }] : []),
      { key: 'status.stateDir', value: rt.layout.root },
    ];
    return { env: ctx.envr.name, target: this.name, state, url, ...(current ? { activeRelease: current } : {}), rows, ...(lastRun ? { lastRun } : {}) };
  }

  async releases(ctx: TargetContext): Promise<ReleaseRecord[]> {
    return localRuntime(ctx).store.list();
  }

  async *logs(ctx: TargetContext, opts: LogOptions): AsyncIterable<string> {
    const rt = localRuntime(ctx);
    const current = await rt.store.current();
    if (!current) return;
    const file = path.join(rt.layout.logs, `app-${current}.log`);
    const text = await readFile(file, 'utf8').catch(() => '');
    const lines = text.split('\n').filter(Boolean);
    for (const l of lines.slice(-opts.lines)) yield ctx.redactor.redact(l);
    if (!opts.follow) return;
    let pos = (await stat(file).catch(() => ({ size: 0 }))).size;
    while (!opts.signal.aborted) {
      await new Promise((r) => setTimeout(r, 300));
      const size = (await stat(file).catch(() => ({ size: pos }))).size;
      if (size <= pos) continue;
      const fh = await open(file, 'r');
      const buf = Buffer.alloc(size - pos);
      await fh.read(buf, 0, buf.length, pos);
      await fh.close();
      pos = size;
      for (const l of buf.toString('utf8').split('\n').filter(Boolean)) yield ctx.redactor.redact(l);
    }
  }

  async endpoint(ctx: TargetContext): Promise<string | undefined> {
    const rt = localRuntime(ctx);
    return `http://${rt.opts.host}:${rt.opts.port}`;
  }
}

export function createTarget(): Target {
  return new LocalTarget();
}
