/**
 * The journal: an append-only NDJSON file per environment recording each run's steps
 * (start, data for undo, done/failed, undo). It is fsync'd at every entry so that the
 * next command after a crash — even `kill -9` — finds exactly how far the run got.
 * Entries are redacted before they are written. It lives where the environment keeps its
 * state (this machine, or the VM for an ssh environment, so a second machine sees a half-run).
 */
import path from 'node:path';
import type { JournalStore } from './ports.js';
import type { Redactor } from './redact.js';
import type { MessageParams } from './i18n.js';
import type { StepData } from './step.js';

/** A step as the plan declared it, journaled at `begin` so a report can show steps that never ran. */
export interface PlannedStep {
  id: string;
  titleKey: string;
  titleParams?: MessageParams;
  needs?: string[];
  commit?: boolean;
}

export type JournalEntry =
  | { t: 'begin'; run: string; kind: string; ts: number; meta: StepData; steps?: PlannedStep[] }
  | { t: 'step'; run: string; step: string; phase: StepPhase; ts: number; data?: StepData; error?: string }
  | { t: 'end'; run: string; ts: number; outcome: RunOutcome };

export type StepPhase = 'start' | 'data' | 'done' | 'failed' | 'undo-start' | 'undo-done' | 'undo-failed';
export type RunOutcome = 'succeeded' | 'failed' | 'undone' | 'abandoned';

export interface RunState {
  run: string;
  kind: string;
  meta: StepData;
  startedAt: number;
  steps: Map<string, { phase: StepPhase; data: StepData; done: boolean; error?: string }>;
  outcome?: RunOutcome;
}

export class Journal {
  readonly file: string;
  constructor(private readonly store: JournalStore, readonly dir: string, private readonly redactor: Redactor) {
    this.file = path.join(dir, 'current.ndjson');
  }

  async append(entry: JournalEntry): Promise<void> {
    await this.store.appendDurable(this.file, this.redactor.redact(JSON.stringify(entry)) + '\n', 0o600);
  }

  /** The run in `current.ndjson`, if any. */
  async current(): Promise<RunState | undefined> {
    const text = await this.store.readFile(this.file);
    return text === undefined ? undefined : replay(text);
  }

  /** Archive the finished run (keeps the last `keep` runs). */
  async close(keep = 20): Promise<void> {
    const state = await this.current();
    if (!state) return;
    const archive = path.join(this.dir, 'runs');
    await this.store.rename(this.file, path.join(archive, `${state.run}.ndjson`));
    const files = (await this.store.list(archive)).filter((f) => f.endsWith('.ndjson')).sort();
    for (const f of files.slice(0, Math.max(0, files.length - keep))) await this.store.rm(path.join(archive, f));
  }

  /** The entries of the last run: the one in `current.ndjson` (unfinished or not yet archived), else the newest archived. */
  async lastRunEntries(): Promise<JournalEntry[] | undefined> {
    const text = (await this.store.readFile(this.file)) ?? (await this.latestText());
    return text ? parseEntries(text) : undefined;
  }

  private async latestText(): Promise<string | undefined> {
    const archive = path.join(this.dir, 'runs');
    const last = (await this.store.list(archive)).filter((f) => f.endsWith('.ndjson')).sort().at(-1);
    return last ? this.store.readFile(path.join(archive, last)) : undefined;
  }

  /** The newest archived run. */
  async latest(): Promise<RunState | undefined> {
    const text = await this.latestText();
    return text ? replay(text) : undefined;
  }
}

/** The entries of one run's journal text, in order; a torn line (crash mid-write) is skipped. */
export function parseEntries(text: string): JournalEntry[] {
  const out: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as JournalEntry);
    } catch {
      continue;
    }
  }
  return out;
}

/** Rebuild a run's state from its entries; a torn last line (crash mid-write) is ignored. */
export function replay(text: string): RunState | undefined {
  let state: RunState | undefined;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let e: JournalEntry;
    try {
      e = JSON.parse(line) as JournalEntry;
    } catch {
      continue;
    }
    if (e.t === 'begin') state = { run: e.run, kind: e.kind, meta: e.meta, startedAt: e.ts, steps: new Map() };
    else if (!state || e.run !== state.run) continue;
    else if (e.t === 'step') {
      const prev = state.steps.get(e.step);
      const data = { ...(prev?.data ?? {}), ...(e.data ?? {}) };
      const phase = e.phase === 'data' ? (prev?.phase ?? 'start') : e.phase;
      state.steps.set(e.step, { phase, data, done: (prev?.done ?? false) || e.phase === 'done', ...(e.error ? { error: e.error } : {}) });
    } else if (e.t === 'end') state.outcome = e.outcome;
  }
  return state;
}
