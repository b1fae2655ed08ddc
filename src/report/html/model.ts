/**
 * The data a deploy report shows, and the timeline of a run rebuilt from its journal entries.
 * Everything here is plain data gathered by the session layer (src/session/report.ts);
 * the renderer (render.ts) turns it into one HTML string. Nothing here reads a file or the network.
 */
import type { Finding } from '../../checks/types.js';
import type { MessageParams } from '../../engine/i18n.js';
import type { JournalEntry, RunOutcome } from '../../engine/journal.js';
import type { ArchitectureView, ReleaseRecord } from '../../targets/types.js';

export type StepStatus = 'done' | 'skipped' | 'failed' | 'interrupted' | 'not-run';

export interface TimelineStep {
  id: string;
  titleKey: string;
  titleParams?: MessageParams;
  status: StepStatus;
  /** Epoch ms; absent for a step that never started. */
  start?: number;
  end?: number;
  /** The plan's commit point. */
  commit: boolean;
  undo?: { start: number; end?: number; ok: boolean };
  error?: string;
}

export interface RunTimeline {
  run: string;
  kind: string;
  startedAt: number;
  /** The last entry's time (the end, or where an interrupted run stopped). */
  endedAt: number;
  outcome: RunOutcome | 'interrupted';
  steps: TimelineStep[];
  /** The release the run made or served, from its meta. */
  release?: string;
}

export interface PreflightView {
  at: string;
  go: boolean;
  findings: Finding[];
  accepted: string[];
}

export interface CostLineView {
  key: string;
  params: MessageParams;
  monthlyUsd: number;
}

export interface CostView {
  region: string;
  priceDate: string;
  lines: CostLineView[];
  totalUsd: number;
  savings: CostLineView[];
}

/**
 * A further section added by another part of slipway (the extension point for e.g. a
 * diagnosis): a title key and rows of plain text, escaped like everything else.
 */
export interface ExtraSection {
  id: string;
  titleKey: string;
  rows: { label: string; text: string }[];
}

export interface ReportData {
  env: string;
  target: string;
  app: string;
  generatedAt: string;
  status?: { state: string; url?: string; activeRelease?: string };
  run?: RunTimeline;
  architecture?: ArchitectureView;
  /** Why the architecture could not be read. */
  architectureError?: string;
  preflight?: PreflightView;
  releases: ReleaseRecord[];
  cost?: CostView;
  extra?: ExtraSection[];
}

/** The timeline of the first run in `entries` (one run's journal file). */
export function timelineOf(entries: readonly JournalEntry[]): RunTimeline | undefined {
  const begin = entries.find((e): e is Extract<JournalEntry, { t: 'begin' }> => e.t === 'begin');
  if (!begin) return undefined;
  const steps = new Map<string, TimelineStep>();
  for (const p of begin.steps ?? []) {
    steps.set(p.id, { id: p.id, titleKey: p.titleKey, ...(p.titleParams ? { titleParams: p.titleParams } : {}), status: 'not-run', commit: !!p.commit });
  }
  let last = begin.ts;
  let outcome: RunTimeline['outcome'] = 'interrupted';
  for (const e of entries) {
    if (e.run !== begin.run) continue;
    last = Math.max(last, e.ts);
    if (e.t === 'end') outcome = e.outcome;
    if (e.t !== 'step') continue;
    let s = steps.get(e.step);
    if (!s) {
      s = { id: e.step, titleKey: e.step, status: 'not-run', commit: false };
      steps.set(e.step, s);
    }
    switch (e.phase) {
      case 'start':
        s.start ??= e.ts;
        s.status = 'interrupted';
        break;
      case 'done':
        s.end = e.ts;
        s.status = e.data?.skipped === true ? 'skipped' : 'done';
        break;
      case 'failed':
        s.end = e.ts;
        s.status = 'failed';
        if (e.error) s.error = e.error;
        break;
      case 'undo-start':
        s.undo = { start: e.ts, ok: false };
        break;
      case 'undo-done':
      case 'undo-failed':
        s.undo = { start: s.undo?.start ?? e.ts, end: e.ts, ok: e.phase === 'undo-done' };
        if (e.error) s.error = e.error;
        break;
      default:
        break;
    }
  }
  const release = typeof begin.meta.release === 'string' ? begin.meta.release : undefined;
  return { run: begin.run, kind: begin.kind, startedAt: begin.ts, endedAt: last, outcome, steps: [...steps.values()], ...(release ? { release } : {}) };
}
