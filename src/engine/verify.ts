/** Verification checks: HTTP requests against the stable URL, with status and JSON expectations. */
import type { JsonExpectation, VerifyCheck } from './verify-types.js';
import { resolveRequest } from './secret-refs.js';
import { httpRequest, type HttpOptions } from './net.js';

/** How checks reach the endpoint, and the secrets their `${secret:NAME}` references name. */
export interface VerifyVia extends Pick<HttpOptions, 'connect' | 'ca' | 'redirects'> {
  secrets?: ReadonlyMap<string, string>;
  /** Told every secret value a request carries (the run's redactor). */
  register?: (value: string) => void;
}

export interface VerifyResult {
  name: string;
  ok: boolean;
  status?: number;
  problem?: string;
  ms: number;
}

export function valueAt(body: unknown, dotted: string): unknown {
  if (!dotted) return body;
  let cur: unknown = body;
  for (const part of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Problems with a JSON body against the expectations (empty = all met). */
export function evaluateJson(body: unknown, expectations: readonly JsonExpectation[]): string[] {
  const problems: string[] = [];
  for (const e of expectations) {
    const v = valueAt(body, e.path);
    const where = e.path || '(body)';
    if (e.exists !== undefined && (v !== undefined) !== e.exists) problems.push(`${where}: expected ${e.exists ? 'present' : 'absent'}`);
    if (e.equals !== undefined && v !== e.equals) problems.push(`${where}: expected ${JSON.stringify(e.equals)}, got ${JSON.stringify(v)}`);
    if (e.minItems !== undefined && (!Array.isArray(v) || v.length < e.minItems))
      problems.push(`${where}: expected an array of at least ${e.minItems}, got ${Array.isArray(v) ? `${v.length} items` : JSON.stringify(v)}`);
  }
  return problems;
}

export async function runCheck(baseUrl: string, c: VerifyCheck, via: VerifyVia = {}): Promise<VerifyResult> {
  const name = c.name ?? `${c.method} ${c.path}`;
  const t0 = Date.now();
  const { secrets, register, ...net } = via;
  try {
    const req = resolveRequest(c, secrets ?? new Map(), register);
    const r = await httpRequest(baseUrl.replace(/\/$/, '') + c.path, { ...req, timeoutMs: c.timeoutMs, ...net });
    const problems: string[] = [];
    if (r.status !== c.status) problems.push(`status ${r.status}, expected ${c.status}`);
    if (c.json?.length) {
      let body: unknown;
      try {
        body = JSON.parse(r.body);
        problems.push(...evaluateJson(body, c.json));
      } catch {
        problems.push('body is not JSON');
      }
    }
    return { name, ok: problems.length === 0, status: r.status, ...(problems.length ? { problem: problems.join('; ') } : {}), ms: Date.now() - t0 };
  } catch (e) {
    return { name, ok: false, problem: e instanceof Error ? e.message : String(e), ms: Date.now() - t0 };
  }
}

export async function runVerify(baseUrl: string, checks: readonly VerifyCheck[], via: VerifyVia = {}): Promise<VerifyResult[]> {
  return Promise.all(checks.map((c) => runCheck(baseUrl, c, via)));
}
