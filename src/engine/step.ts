/**
 * A deploy is a plan of named steps with dependencies. Independent steps run in
 * parallel; every step that changes something has an undo. Steps persist what their
 * undo needs (`ctx.record`) *before* acting, so an undo after `kill -9` knows what to
 * clean up. Undo functions are idempotent and tolerate a half-finished run.
 */
import type { EventBus } from './events.js';
import type { MessageParams } from './i18n.js';

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
/** Step data as written to the journal (undefined fields are dropped). */
export type StepData = { [k: string]: Json | undefined };

export interface StepContext {
  readonly step: string;
  readonly runId: string;
  readonly events: EventBus;
  readonly signal: AbortSignal;
  /** Persist data for this step's undo / for later steps (merged into its record). */
  record(data: StepData): Promise<void>;
  /** Data recorded by a step of this run (undefined when it has not run). */
  data(step: string): StepData | undefined;
  /** Whether a step of this run has completed. */
  isDone(step: string): boolean;
  log(key: string, params?: MessageParams): void;
  warn(key: string, params?: MessageParams): void;
}

export interface Step {
  id: string;
  /** Message key of the title shown in the task tree. */
  titleKey: string;
  titleParams?: MessageParams;
  needs?: readonly string[];
  /**
   * The commit point of the plan: once it is done, a failure or crash no longer
   * undoes the plan but finishes it forward (resume) — e.g. traffic has switched.
   */
  commit?: boolean;
  run(ctx: StepContext): Promise<StepData | void>;
  undo?(ctx: StepContext): Promise<void>;
}

export interface Plan {
  /** `deploy`, `rollback`, `destroy` … */
  kind: string;
  /** Journaled with the run, so a crashed run's plan can be rebuilt (`Target.planFor`). */
  meta?: StepData;
  steps: Step[];
  /** Called after an undo completes (or after a forward failure past the commit). */
  onFailure?(ctx: Omit<StepContext, 'record' | 'step'>, error: unknown): Promise<void>;
}

/** Check the plan is a DAG over known ids; return steps in a valid order. */
export function orderSteps(steps: readonly Step[]): Step[] {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const out: Step[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (s: Step, chain: string[]): void => {
    const st = state.get(s.id);
    if (st === 'done') return;
    if (st === 'visiting') throw new Error(`step cycle: ${[...chain, s.id].join(' -> ')}`);
    state.set(s.id, 'visiting');
    for (const n of s.needs ?? []) {
      const dep = byId.get(n);
      if (!dep) throw new Error(`step ${s.id} needs unknown step ${n}`);
      visit(dep, [...chain, s.id]);
    }
    state.set(s.id, 'done');
    out.push(s);
  };
  for (const s of steps) visit(s, []);
  return out;
}
