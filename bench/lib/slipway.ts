/** Driving the slipway CLI from a benchmark: `--json` events, preflight handling. */
import path from 'node:path';
import { run, type RunResult } from './proc.js';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const slipwayBin = path.join(repoRoot, 'bin', 'slipway.js');

/** Preflight findings about the machine's momentary state, not about the app: a benchmark may accept them. */
export const ENVIRONMENTAL_RISKS = new Set(['host.cpu', 'host.memory']);

export interface CliEvent {
  type: string;
  ts?: number;
  step?: string;
  status?: string;
  durationMs?: number;
  ok?: boolean;
  level?: string;
  message?: string;
  text?: string;
  findings?: { id: string; severity: string; accepted?: boolean; title?: string; evidence?: string }[];
  [k: string]: unknown;
}

export function parseEvents(stdout: string): CliEvent[] {
  const out: CliEvent[] = [];
  for (const line of stdout.split('\n')) {
    const s = line.trim();
    if (!s.startsWith('{')) continue;
    try {
      out.push(JSON.parse(s) as CliEvent);
    } catch {
      /* not an event */
    }
  }
  return out;
}

/** Timings of each step of a run, from its `step:start` / `step:end` events (epoch ms). */
export function stepTimes(events: readonly CliEvent[]): Map<string, { start: number; end?: number; status?: string }> {
  const m = new Map<string, { start: number; end?: number; status?: string }>();
  for (const e of events) {
    if (!e.step || e.ts === undefined) continue;
    if (e.type === 'step:start') m.set(e.step, { start: e.ts });
    if (e.type === 'step:end') {
      const cur = m.get(e.step);
      if (cur) Object.assign(cur, { end: e.ts, status: e.status });
    }
  }
  return m;
}

export interface CliRun extends RunResult {
  events: CliEvent[];
  /** Risks this run accepted (passed with --accept-risk). */
  accepted: string[];
}

function blockers(events: readonly CliEvent[]): string[] | undefined {
  const pre = events.find((e) => e.type === 'preflight');
  if (!pre?.findings) return undefined;
  return pre.findings.filter((f) => f.severity === 'blocker' && !f.accepted).map((f) => f.id);
}

/**
 * `slipway <command> local --config <file> --json [...]`. When the deploy preflight blocks only
 * on environmental risks (host CPU load or memory, e.g. because this benchmark is loading
 * the machine), run again accepting exactly those, and say so.
 */
export function slipway(command: string, config: string, extra: string[] = [], accept: Set<string> = new Set(), timeoutMs = 15 * 60_000): Promise<CliRun> {
  return slipwayIn('local', command, config, extra, accept, timeoutMs);
}

/** `slipway <command> <environment> --config <file> --json [...]`, with the same preflight handling as `slipway()`. */
export async function slipwayIn(environment: string, command: string, config: string, extra: string[] = [], accept: Set<string> = new Set(), timeoutMs = 15 * 60_000): Promise<CliRun> {
  for (let attempt = 0; ; attempt++) {
    const risks = [...accept];
    const argv = [process.execPath, slipwayBin, command, environment, '--config', config, '--json', ...extra, ...(risks.length ? ['--accept-risk', ...risks] : [])];
    const r = await run(argv, { cwd: repoRoot, timeoutMs });
    const events = parseEvents(r.stdout);
    const b = blockers(events);
    if (r.code !== 0 && b && b.length && attempt < 2 && b.every((id) => ENVIRONMENTAL_RISKS.has(id))) {
      for (const id of b) accept.add(id);
      console.log(`  preflight blocked on ${b.join(', ')} (machine state, not the app): running again with --accept-risk ${b.join(' ')}`);
      continue;
    }
    return { ...r, events, accepted: risks };
  }
}

/** What went wrong in a failed CLI run, briefly. */
export function failureText(r: CliRun): string {
  const errs = r.events.filter((e) => e.type === 'error' || e.level === 'error' || (e.type === 'run:end' && !e.ok));
  const pre = blockers(r.events);
  const lines = [
    `exit ${r.code}`,
    ...(pre?.length ? [`preflight blockers: ${pre.join(', ')}`] : []),
    ...errs.map((e) => JSON.stringify(e).slice(0, 600)),
    r.stderr.trim().split('\n').slice(-10).join('\n'),
  ];
  if (!errs.length) lines.push(r.stdout.trim().split('\n').slice(-10).join('\n'));
  return lines.filter(Boolean).join('\n');
}
