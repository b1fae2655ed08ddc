/**
 * Runs a plan: steps start as soon as their needs are done (independent steps in
 * parallel), every transition is journaled, and a failure undoes what was done in
 * reverse order. After a crash, `recover` reads the journal and either resumes the
 * run (its commit step was done) or undoes it (it was not).
 */
import type { EventBus } from './events.js';
import type { Journal, RunState, StepPhase } from './journal.js';
import { orderSteps, type Plan, type Step, type StepContext, type StepData } from './step.js';
import { errorMessage, SlipwayError } from './errors.js';
import type { MessageParams } from './i18n.js';

export interface RunOptions {
  plan: Plan;
  journal: Journal;
  events: EventBus;
  runId: string;
  meta?: StepData;
  signal?: AbortSignal;
}

export type RunResult = { ok: true; data: Map<string, StepData> } | { ok: false; error: unknown; undone: boolean; data: Map<string, StepData> };

interface Tracker {
  runId: string;
  data: Map<string, StepData>;
  phase: Map<string, StepPhase>;
  /** Steps that completed forward (even if undone since). */
  completed: Set<string>;
  started: string[];
}

/** Kill this process at a step boundary (tests): SLIPWAY_FAILPOINT=<step>:<before|after>. */
function failpoint(step: string, when: 'before' | 'after'): void {
  const fp = process.env.SLIPWAY_FAILPOINT;
  if (fp && fp === `${step}:${when}`) process.kill(process.pid, 'SIGKILL');
}

function makeContext(step: string, t: Tracker, opts: RunOptions, signal: AbortSignal): StepContext {
  return {
    step,
    runId: t.runId,
    events: opts.events,
    signal,
    async record(data) {
      t.data.set(step, { ...(t.data.get(step) ?? {}), ...data });
      await opts.journal.append({ t: 'step', run: t.runId, step, phase: 'data', ts: Date.now(), data });
    },
    data: (s) => t.data.get(s),
    isDone: (s) => t.completed.has(s),
    log: (key: string, params?: MessageParams) => opts.events.log('info', key, params, step),
    warn: (key: string, params?: MessageParams) => opts.events.log('warn', key, params, step),
  };
}

async function runStep(s: Step, t: Tracker, opts: RunOptions, signal: AbortSignal): Promise<void> {
  failpoint(s.id, 'before');
  const ts = Date.now();
  t.phase.set(s.id, 'start');
  if (!t.started.includes(s.id)) t.started.push(s.id);
  await opts.journal.append({ t: 'step', run: t.runId, step: s.id, phase: 'start', ts });
  opts.events.emit({ type: 'step:start', step: s.id, titleKey: s.titleKey, ...(s.titleParams ? { params: s.titleParams } : {}) });
  try {
    const out = await s.run(makeContext(s.id, t, opts, signal));
    if (out) t.data.set(s.id, { ...(t.data.get(s.id) ?? {}), ...out });
    t.phase.set(s.id, 'done');
    t.completed.add(s.id);
    await opts.journal.append({ t: 'step', run: t.runId, step: s.id, phase: 'done', ts: Date.now(), ...(out ? { data: out } : {}) });
    // A step that ran nothing (no migrate command, no database to back up) says so instead of ✓.
    opts.events.emit({ type: 'step:end', step: s.id, status: out?.skipped === true ? 'skipped' : 'done', durationMs: Date.now() - ts });
  } catch (e) {
    t.phase.set(s.id, 'failed');
    await opts.journal.append({ t: 'step', run: t.runId, step: s.id, phase: 'failed', ts: Date.now(), error: errorMessage(e) });
    opts.events.emit({ type: 'step:end', step: s.id, status: 'failed', durationMs: Date.now() - ts, detail: errorMessage(e) });
    throw e;
  }
  failpoint(s.id, 'after');
}

/** Run steps whose needs are met, in parallel, until all are done or one fails. */
async function forward(steps: Step[], t: Tracker, opts: RunOptions, signal: AbortSignal): Promise<unknown> {
  const pending = new Set(steps.filter((s) => t.phase.get(s.id) !== 'done').map((s) => s.id));
  const byId = new Map(steps.map((s) => [s.id, s]));
  const running = new Map<string, Promise<void>>();
  let failure: unknown;
  while (pending.size || running.size) {
    if (failure === undefined && !signal.aborted) {
      for (const id of [...pending]) {
        const s = byId.get(id)!;
        if ((s.needs ?? []).every((n) => t.phase.get(n) === 'done' || !byId.has(n))) {
          pending.delete(id);
          running.set(
            id,
            runStep(s, t, opts, signal).then(
              () => void running.delete(id),
              (e: unknown) => {
                running.delete(id);
                failure ??= e;
              },
            ),
          );
        }
      }
    }
    if (!running.size) break;
    await Promise.race(running.values());
  }
  if (failure === undefined && signal.aborted) failure = new SlipwayError({ key: 'run.aborted', exitCode: 1 });
  return failure;
}

/** Undo every step this run touched, newest first. */
async function undoAll(steps: Step[], t: Tracker, opts: RunOptions, signal: AbortSignal): Promise<boolean> {
  const byId = new Map(steps.map((s) => [s.id, s]));
  let clean = true;
  for (const id of [...t.started].reverse()) {
    const s = byId.get(id);
    const phase = t.phase.get(id);
    if (!s?.undo || phase === 'undo-done') continue;
    await opts.journal.append({ t: 'step', run: t.runId, step: id, phase: 'undo-start', ts: Date.now() });
    opts.events.emit({ type: 'step:undo', step: id, status: 'start' });
    try {
      await s.undo(makeContext(id, t, opts, signal));
      t.phase.set(id, 'undo-done');
      await opts.journal.append({ t: 'step', run: t.runId, step: id, phase: 'undo-done', ts: Date.now() });
      opts.events.emit({ type: 'step:undo', step: id, status: 'done' });
    } catch (e) {
      clean = false;
      await opts.journal.append({ t: 'step', run: t.runId, step: id, phase: 'undo-failed', ts: Date.now(), error: errorMessage(e) });
      opts.events.emit({ type: 'step:undo', step: id, status: 'failed', detail: errorMessage(e) });
    }
  }
  return clean;
}

async function finish(steps: Step[], t: Tracker, opts: RunOptions, signal: AbortSignal): Promise<RunResult> {
  const failure = await forward(steps, t, opts, signal);
  if (failure === undefined) {
    await opts.journal.append({ t: 'end', run: t.runId, ts: Date.now(), outcome: 'succeeded' });
    return { ok: true, data: t.data };
  }
  const undoSignal = new AbortController().signal; // undo runs even when the run was aborted
  const clean = await undoAll(steps, t, opts, undoSignal);
  if (opts.plan.onFailure) {
    await opts.plan.onFailure(
      { runId: t.runId, events: opts.events, signal: undoSignal, data: (s) => t.data.get(s), isDone: (s) => t.completed.has(s), log: (k, p) => opts.events.log('info', k, p), warn: (k, p) => opts.events.log('warn', k, p) },
      failure,
    ).catch(() => undefined);
  }
  await opts.journal.append({ t: 'end', run: t.runId, ts: Date.now(), outcome: clean ? 'undone' : 'failed' });
  return { ok: false, error: failure, undone: clean, data: t.data };
}

export async function runPlan(opts: RunOptions): Promise<RunResult> {
  const steps = orderSteps(opts.plan.steps);
  const planned = steps.map((s) => ({ id: s.id, titleKey: s.titleKey, ...(s.titleParams ? { titleParams: s.titleParams } : {}), ...(s.needs?.length ? { needs: [...s.needs] } : {}), ...(s.commit ? { commit: true } : {}) }));
  await opts.journal.append({ t: 'begin', run: opts.runId, kind: opts.plan.kind, ts: Date.now(), meta: opts.meta ?? {}, steps: planned });
  const t: Tracker = { runId: opts.runId, data: new Map(), phase: new Map(), completed: new Set(), started: [] };
  return finish(steps, t, opts, opts.signal ?? new AbortController().signal);
}

export type Recovery = 'resume' | 'undo';

/** What to do with an interrupted run: resume when its commit step was done, else undo. */
export function recoveryFor(plan: Plan, state: RunState): Recovery {
  const commit = plan.steps.find((s) => s.commit);
  return commit && state.steps.get(commit.id)?.phase === 'done' ? 'resume' : 'undo';
}

/** Finish an interrupted run found in the journal. */
export async function recoverRun(opts: Omit<RunOptions, 'runId' | 'meta'>, state: RunState): Promise<{ mode: Recovery; result: RunResult }> {
  const steps = orderSteps(opts.plan.steps);
  const t: Tracker = { runId: state.run, data: new Map(), phase: new Map(), completed: new Set(), started: [] };
  for (const [id, s] of state.steps) {
    t.data.set(id, s.data);
    t.phase.set(id, s.phase === 'failed' ? 'start' : s.phase);
    if (s.done) t.completed.add(id);
    t.started.push(id);
  }
  const mode = recoveryFor(opts.plan, state);
  const o: RunOptions = { ...opts, runId: state.run };
  const signal = opts.signal ?? new AbortController().signal;
  if (mode === 'resume') return { mode, result: await finish(steps, t, o, signal) };
  const clean = await undoAll(steps, t, o, new AbortController().signal);
  await opts.journal.append({ t: 'end', run: state.run, ts: Date.now(), outcome: clean ? 'undone' : 'failed' });
  return { mode, result: { ok: false, error: new SlipwayError({ key: 'run.recoveredUndo', exitCode: 1 }), undone: clean, data: t.data } };
}
