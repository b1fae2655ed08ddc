/**
 * One command against one environment: load and resolve the config, read secret values
 * into the redactor, pick the target, and — for commands that change things — take the
 * lock where the environment keeps its state (this machine, the VM, or the cloud account),
 * finish any interrupted run from the journal, run the plan, release the lock.
 * This layer sits above the targets; the engine below it knows no target.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { readSecrets, resolveEnvironment, type ResolvedEnvironment } from '../config/resolve.js';
import { ConfigError, SlipwayError } from '../engine/errors.js';
import { EventBus } from '../engine/events.js';
import { Journal } from '../engine/journal.js';
import { acquireLock, type LockStore } from '../engine/lock.js';
import { Redactor } from '../engine/redact.js';
import { recoverRun, runPlan, type RunResult } from '../engine/runner.js';
import type { Plan } from '../engine/step.js';
import { LocalHost } from '../host/local.js';
import { loadTarget } from '../targets/registry.js';
import { recordEvidence } from './evidence.js';
import { defaultStateDir, type EnvState, type EvidenceReport, type Target, type TargetContext, type TargetHistory } from '../targets/types.js';

export interface SessionOptions {
  config?: string;
  cwd?: string;
  env?: string;
  processEnv?: NodeJS.ProcessEnv;
  /** Secrets must all have values (deploy, rollback). */
  requireSecrets?: boolean;
}

export interface Session {
  loaded: LoadedConfig;
  envr: ResolvedEnvironment;
  target: Target;
  ctx: TargetContext;
  bus: EventBus;
  abort: AbortController;
  /** Where the lock and journal live (asked of the target once). */
  state(): Promise<EnvState>;
  /** Close connections the target opened (SSH). */
  close(): Promise<void>;
}

const opened = new Set<Session>();

/** Close every session's connections (the CLI calls this when a command ends, however it ends). */
export async function closeSessions(): Promise<void> {
  const all = [...opened];
  opened.clear();
  await Promise.all(all.map((s) => s.close().catch(() => undefined)));
}

export async function openSession(opts: SessionOptions): Promise<Session> {
  const loaded = await loadConfig({ ...(opts.config ? { file: opts.config } : {}), ...(opts.cwd ? { cwd: opts.cwd } : {}) });
  const envr = resolveEnvironment(loaded, opts.env);
  const [target, secrets] = await Promise.all([loadTarget(envr.target.target), readSecrets(envr, opts.processEnv)]);
  if (opts.requireSecrets && secrets.missing.length) {
    throw new ConfigError({
      key: 'secrets.missing',
      params: { names: secrets.missing.join(', ') },
      place: `${loaded.file} secrets`,
      fix: 'secrets.missing.fix',
      fixParams: { file: path.join(envr.configDir, `.env.${envr.name}`) },
    });
  }
  const redactor = new Redactor(secrets.values.values());
  const bus = new EventBus(redactor);
  const abort = new AbortController();
  const localHost = new LocalHost();
  const stateDir = defaultStateDir(envr);
  const ctx: TargetContext = { envr, secrets, events: bus, redactor, stateDir, localHost, signal: abort.signal };
  let state: Promise<EnvState> | undefined;
  const session: Session = {
    loaded,
    envr,
    target,
    ctx,
    bus,
    abort,
    state: () => (state ??= target.state?.(ctx) ?? Promise.resolve({ store: localHost, dir: stateDir, where: 'local' })),
    close: async () => {
      opened.delete(session);
      await target.close?.(ctx);
    },
  };
  opened.add(session);
  return session;
}

export interface MutationOptions {
  command: string;
  forceUnlock?: boolean;
  makePlan: () => Promise<Plan>;
}

export interface MutationOutcome {
  result: RunResult;
  plan: Plan;
  /** An interrupted earlier run that was finished first. */
  recovered?: { kind: string; mode: 'resume' | 'undo'; ok: boolean };
  /** A failed run's evidence (redacted): its failed steps' output, the error and the lines it carries. */
  evidence: string[];
}

export async function runMutation(s: Session, opts: MutationOptions): Promise<MutationOutcome> {
  const { ctx, bus } = s;
  const st = await s.state();
  const target = ctx.envr.target as { lockTtlMs?: number };
  const lock = await acquireLock((await lockOf(s)).store, (await lockOf(s)).file, {
    command: opts.command,
    ttlMs: target.lockTtlMs ?? 30_000,
    force: !!opts.forceUnlock,
    onWait: (o) => bus.log('info', 'lock.waiting', { user: o.user, machine: o.machine, command: o.command, expires: o.expiresAt }),
    onLost: (reason) => {
      // Without the lease another deploy may start: stop launching steps and undo what ran.
      bus.log('error', 'lock.lost', { reason });
      s.abort.abort(new SlipwayError({ key: 'lock.lost', params: { reason }, fix: 'lock.lost.fix' }));
    },
  });
  if (lock.tookOver) bus.log('warn', 'lock.tookOver', { ...lock.tookOver });
  const journal = new Journal(st.store, path.posix.join(st.dir, 'journal'), ctx.redactor);
  let recovered: MutationOutcome['recovered'];
  try {
    const prev = await journal.current();
    if (prev && !prev.outcome) {
      bus.log('warn', 'run.recovering', { kind: prev.kind, run: prev.run });
      const plan = await s.target.planFor(ctx, prev.kind, prev.meta);
      const { mode, result } = await recoverRun({ plan, journal, events: bus, signal: ctx.signal }, prev);
      recovered = { kind: prev.kind, mode, ok: result.ok };
      bus.log(result.ok || mode === 'undo' ? 'info' : 'warn', `run.recovered.${mode}`, { kind: prev.kind });
      await journal.close();
    } else if (prev) {
      await journal.close();
    }
    const plan = await opts.makePlan();
    const runId = `${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
    bus.emit({ type: 'run:start', command: opts.command, env: ctx.envr.name, runId });
    const t0 = Date.now();
    const recorder = recordEvidence(bus, ctx.redactor);
    const result = await runPlan({ plan, journal, events: bus, runId, meta: plan.meta ?? {}, signal: ctx.signal }).finally(() => recorder.stop());
    const outcome = result.ok ? 'succeeded' : result.undone ? 'undone' : 'failed';
    bus.emit({ type: 'run:end', ok: result.ok, durationMs: Date.now() - t0, outcome });
    await journal.close();
    await audit(s, st, { command: opts.command, run: runId, outcome, durationMs: Date.now() - t0, release: releaseOf(plan, result) }).catch(() => undefined);
    return { result, plan, ...(recovered ? { recovered } : {}), evidence: result.ok ? [] : recorder.of(result.error) };
  } finally {
    await lock.release();
  }
}

/** The release a run made or served: the plan's, or the one its steps reported. */
export function releaseOf(plan: Plan, result: RunResult): string | undefined {
  if (typeof plan.meta?.release === 'string') return plan.meta.release;
  const reported = [...result.data.values()].find((d) => typeof d.release === 'string');
  return reported?.release as string | undefined;
}

export interface AuditRecord {
  at: string;
  user: string;
  machine: string;
  command: string;
  run: string;
  release?: string;
  outcome: string;
  durationMs: number;
}

/** Append who did what, from where, with which result, where the environment keeps its state. */
async function audit(s: Session, st: EnvState, r: Omit<AuditRecord, 'at' | 'user' | 'machine'>): Promise<void> {
  const rec: AuditRecord = { at: new Date().toISOString(), user: os.userInfo().username, machine: os.hostname(), ...r };
  await st.store.appendDurable(path.posix.join(st.dir, 'audit.ndjson'), s.ctx.redactor.redact(JSON.stringify(rec)) + '\n', 0o644);
}

/** The audit records of an environment, oldest first. */
export async function history(s: Session): Promise<AuditRecord[]> {
  const st = await s.state();
  const text = (await st.store.readFile(path.posix.join(st.dir, 'audit.ndjson'))) ?? '';
  return text
    .split('\n')
    .filter(Boolean)
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as AuditRecord];
      } catch {
        return [];
      }
    });
}

/** What a release left behind that shows why it failed (`slipway diagnose`), from its target. */
export async function releaseEvidence(s: Session, release?: string): Promise<EvidenceReport> {
  if (!s.target.evidence) {
    await import('../knowledge/diagnose.js'); // its messages
    throw new SlipwayError({ key: 'knowledge.notSupported', params: { target: s.envr.target.target }, fix: 'cli.notForTarget.fix', exitCode: 2 });
  }
  return s.target.evidence(s.ctx, release ? { release } : {});
  }

/**
 * The environment's backups and releases, asked of the target where it keeps them (the VM,
 * the cloud account), for the preflight's safety checks. Undefined when the target keeps
 * none of its own (the checks then read this machine's state directory).
 */
export async function targetHistory(s: Session): Promise<TargetHistory | undefined> {
  if (!s.target.history) return undefined;
  try {
    return await s.target.history(s.ctx);
  } catch (e) {
    const where = await s.state().then((st) => st.where, () => s.target.name);
    const error = e instanceof Error ? e.message : String(e);
    return { backups: { where, error }, releases: { where, error }, serving: { where, error } };
  }
}

/** Where the environment's lock lives, and the lock file in it. */
export async function lockOf(s: Session): Promise<{ store: LockStore; file: string; where: string }> {
  const st = await s.state();
  return { store: st.lock ?? st.store, file: path.posix.join(st.dir, 'lock.json'), where: st.where };
}
