/**
 * The verification window's pure parts: durations and percentages as the config and the
 * CLI write them, the traffic counts the proxy keeps, and the decision whether what was
 * observed after a switch is a breach (5xx share, log patterns, health). No I/O here.
 */

export { parseDuration } from './duration.js';

/** A share as a fraction: `1%` → 0.01, `0.5%` → 0.005; undefined unless 0%…100%. */
export function parsePercent(v: string | number): number | undefined {
  if (typeof v === 'number') return undefined; // `0.01` would be ambiguous (1% or 0.01%?): the config asks for `1%`
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n <= 100 ? n / 100 : undefined;
}

/** A log pattern: a plain substring (case-sensitive), or `/regex/flags`. Undefined when the regex does not compile. */
export function compilePattern(p: string): ((line: string) => boolean) | undefined {
  const m = /^\/(.+)\/([a-z]*)$/s.exec(p);
  if (!m) return (line) => line.includes(p);
  try {
    const re = new RegExp(m[1]!, m[2]!.replace(/[gy]/g, ''));
    return (line) => re.test(line);
  } catch {
    return undefined;
  }
}

/** The lines that match any of the patterns. */
export function matchLines(lines: readonly string[], patterns: readonly string[]): string[] {
  const tests = patterns.map(compilePattern).filter((f): f is (l: string) => boolean => !!f);
  return lines.filter((l) => tests.some((f) => f(l)));
}

/** What the proxy counted for one release since it was switched to. */
export interface TrafficCounts {
  /** When the release was switched to (the machine's clock, ISO). */
  since: string;
  total: number;
  /** By status class: `2xx`, `3xx`, `4xx`, `5xx` (and `1xx`). */
  classes: Record<string, number>;
  /** 5xx answers by `METHOD /path` (no query string), bounded; the rest under `(other routes)`. */
  routes5xx: Record<string, number>;
}

/** One host, one look: health through its stable port, the proxy's counts, new log lines that match. */
export interface HostSample {
  host: string;
  release?: string;
  /** HTTP status of the health path, or undefined when it could not be asked (then `error`). */
  health?: number;
  error?: string;
  /** Undefined when the machine's supervisor does not count (an older one): the 5xx share is then not judged. */
  traffic?: TrafficCounts;
  /** Lines of the app's log, written since the switch, that match a pattern (redacted). */
  logMatches: string[];
  /** The environment's verify checks, when they were run (`slipway verify`). */
  checks?: { name: string; ok: boolean; problem?: string }[];
}

export interface WindowPolicy {
  /** Highest 5xx share tolerated, as a fraction (0.01 for `1%`). */
  maxErrorRate: number;
  /** The share is judged only over at least this many requests (one error on 2 requests is no signal). */
  minRequests: number;
  /** Consecutive failed health probes of a host that make a breach. */
  failures: number;
}

/** Default `maxErrorRate` when the config gives none. */
export const DEFAULT_MAX_ERROR_RATE = 0.05;
/** Requests a release must have answered before its 5xx share counts. */
export const MIN_REQUESTS = 20;

const pct = (n: number, d: number): string => `${Math.round((n / d) * 1000) / 10}%`;

/** `5xx 37/120 (31%) on GET /api/x` when the share is over the limit, else undefined. */
export function errorRateBreach(t: TrafficCounts, policy: Pick<WindowPolicy, 'maxErrorRate' | 'minRequests'>): string | undefined {
  const errors = t.classes['5xx'] ?? 0;
  if (t.total < policy.minRequests || errors === 0 || errors / t.total <= policy.maxErrorRate) return undefined;
  const top = Object.entries(t.routes5xx).sort((a, b) => b[1] - a[1]);
  const routes = top.slice(0, 3).map(([r, n]) => (top.length > 1 ? `${r} (${n})` : r));
  return `5xx ${errors}/${t.total} (${pct(errors, t.total)})${routes.length ? ` on ${routes.join(', ')}` : ''}`;
}

/** Counts of several hosts added up (the fleet's share), `since` the earliest. */
export function sumTraffic(list: readonly TrafficCounts[]): TrafficCounts | undefined {
  if (!list.length) return undefined;
  const out: TrafficCounts = { since: list.map((t) => t.since).sort()[0]!, total: 0, classes: {}, routes5xx: {} };
  for (const t of list) {
    out.total += t.total;
    for (const [k, n] of Object.entries(t.classes)) out.classes[k] = (out.classes[k] ?? 0) + n;
    for (const [k, n] of Object.entries(t.routes5xx)) out.routes5xx[k] = (out.routes5xx[k] ?? 0) + n;
  }
  return out;
}

const healthy = (s: HostSample): boolean => s.health !== undefined && s.health >= 200 && s.health < 300 && !s.error;

export interface HostVerdict {
  host: string;
  release?: string;
  /** The last health probe's HTTP status. */
  health?: number;
  ok: boolean;
  /** Why it failed, one line each (the evidence). */
  problems: string[];
  /** The 5xx share as counted, for the verdict line (`5xx 0/240`), or `not counted`. */
  errors: string;
}

export interface WindowVerdict {
  breach: boolean;
  hosts: HostVerdict[];
  /** Every problem, prefixed by its host when there are several. */
  evidence: string[];
}

/**
 * Judge the looks so far (oldest first; each look has one sample per host): a host fails on
 * `failures` consecutive bad health probes, a 5xx share over the limit (over at least
 * `minRequests`), any matching log line, or a failed verify check. With several hosts the
 * summed share is judged too, so errors spread thinly over a fleet still count.
 */
export function judgeWindow(looks: readonly HostSample[][], policy: WindowPolicy): WindowVerdict {
  const last = looks[looks.length - 1] ?? [];
  const hosts: HostVerdict[] = last.map((s, i) => {
    const problems: string[] = [];
    let bad = 0;
    for (let k = looks.length - 1; k >= 0; k--) {
      const o = looks[k]![i];
      if (!o || healthy(o)) break;
      bad++;
    }
    if (bad >= policy.failures) problems.push(s.error ? `health: ${s.error}` : `health: HTTP ${s.health ?? '-'} (${bad}×)`);
    if (s.traffic) {
      const e = errorRateBreach(s.traffic, policy);
      if (e) problems.push(e);
    }
    for (const c of s.checks ?? []) if (!c.ok) problems.push(`verify ${c.name}: ${c.problem ?? 'failed'}`);
    // Every matching line seen during the window, not only the last look's.
    const lines = [...new Set(looks.flatMap((l) => l[i]?.logMatches ?? []))];
    if (lines.length) problems.push(`log: ${lines.length} line(s) match`, ...lines.slice(0, 5).map((l) => `  ${l}`));
    const t = s.traffic;
    return { host: s.host, ...(s.release ? { release: s.release } : {}), ...(s.health !== undefined ? { health: s.health } : {}), ok: problems.length === 0, problems, errors: t ? `5xx ${t.classes['5xx'] ?? 0}/${t.total}` : 'not counted' };
  });
  const evidence = hosts.flatMap((h) => h.problems.map((p) => (hosts.length > 1 ? `${h.host}: ${p}` : p)));
  if (hosts.length > 1 && hosts.every((h) => h.ok)) {
    const sum = sumTraffic(last.flatMap((s) => (s.traffic ? [s.traffic] : [])));
    const e = sum && errorRateBreach(sum, policy);
    if (e) evidence.push(`fleet: ${e}`);
  }
  return { breach: evidence.length > 0, hosts, evidence };
}
