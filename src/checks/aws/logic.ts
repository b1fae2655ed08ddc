/** Pure decisions behind the AWS checks, fed by realistic API responses in tests. */
import type { Severity } from '../types.js';

function parts(v: string): number[] {
  return v.split('.').map((x) => Number.parseInt(x, 10)).filter((n) => !Number.isNaN(n));
}

function compare(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

export interface EngineVersionPick {
  /** The requested version (or major) is offered as is. */
  ok: boolean;
  /** The version slipway would use: the exact match, or the newest of the requested major. */
  version?: string;
  /** When not ok: the nearest offered version to suggest. */
  suggestion?: string;
}

/**
 * Pick an offered PostgreSQL version for a request like `15` (a major) or `15.4`
 * (a full version). A missing minor suggests the newest of the same major (15.4 → 15.14),
 * a missing major the nearest offered major's newest version.
 */
export function pickEngineVersion(requested: string | number, offered: readonly string[]): EngineVersionPick {
  const req = String(requested).trim();
  const sorted = [...new Set(offered)].sort(compare);
  const major = parts(req)[0];
  const sameMajor = sorted.filter((v) => parts(v)[0] === major);
  const newestSame = sameMajor[sameMajor.length - 1];
  if (!req.includes('.')) {
    if (newestSame) return { ok: true, version: newestSame };
  } else {
    if (sorted.includes(req)) return { ok: true, version: req };
    if (newestSame) return { ok: false, suggestion: newestSame };
  }
  if (!sorted.length || major === undefined) return { ok: false };
  const majors = [...new Set(sorted.map((v) => parts(v)[0]!))];
  const nearestMajor = majors.reduce((best, m) => (Math.abs(m - major) < Math.abs(best - major) || (Math.abs(m - major) === Math.abs(best - major) && m > best) ? m : best), majors[0]!);
  const inNearest = sorted.filter((v) => parts(v)[0] === nearestMajor);
  return { ok: false, suggestion: inNearest[inNearest.length - 1] };
}

export interface StackVerdict {
  severity: Severity;
  /** Message key variant: failed, rollbackComplete, updateRollbackFailed, deleteFailed, stuck, busy, ok. */
  kind: 'ok' | 'failed' | 'rollbackComplete' | 'updateRollbackFailed' | 'deleteFailed' | 'stuck' | 'busy';
  minutes: number;
}

export function classifyStack(status: string, lastChange: Date, now: Date, stuckMinutes: number): StackVerdict {
  const minutes = Math.max(0, Math.round((now.getTime() - lastChange.getTime()) / 60000));
  if (status === 'UPDATE_ROLLBACK_FAILED') return { severity: 'blocker', kind: 'updateRollbackFailed', minutes };
  if (status === 'DELETE_FAILED') return { severity: 'blocker', kind: 'deleteFailed', minutes };
  if (status === 'ROLLBACK_COMPLETE') return { severity: 'blocker', kind: 'rollbackComplete', minutes };
  if (status.endsWith('_FAILED')) return { severity: 'blocker', kind: 'failed', minutes };
  if (status.endsWith('_IN_PROGRESS')) return minutes >= stuckMinutes ? { severity: 'blocker', kind: 'stuck', minutes } : { severity: 'warning', kind: 'busy', minutes };
  return { severity: 'passed', kind: 'ok', minutes };
}

/** Whether an ACM certificate (domain + SANs) covers `name` (one wildcard level). */
export function certCovers(names: readonly string[], name: string): boolean {
  const n = name.toLowerCase();
  return names.some((p) => {
    const q = p.toLowerCase();
    if (q === n) return true;
    return q.startsWith('*.') && n.endsWith(q.slice(1)) && !n.slice(0, -(q.length - 1)).includes('.');
  });
}

/** Distinct availability zones of subnets. */
export function zonesOf(subnets: readonly { AvailabilityZone?: string | undefined }[]): string[] {
  return [...new Set(subnets.map((s) => s.AvailabilityZone).filter((z): z is string => !!z))].sort();
}
