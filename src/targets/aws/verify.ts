/** HTTP verification of a release against its endpoint: the health path plus the configured checks. */
import type { VerifyCheck } from '../../config/schema.js';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

function at(body: unknown, path: string): unknown {
  if (!path) return body;
  return path.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), body);
}

export async function runChecks(baseUrl: string, checks: VerifyCheck[]): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const c of checks) {
    const name = c.name ?? `${c.method} ${c.path}`;
    try {
      const r = await fetch(new URL(c.path, baseUrl), { method: c.method, signal: AbortSignal.timeout(c.timeoutMs), redirect: 'follow' });
      if (r.status !== c.status) {
        out.push({ name, ok: false, detail: `HTTP ${r.status}, expected ${c.status}` });
        continue;
      }
      let ok = true;
      let detail = `HTTP ${r.status}`;
      if (c.json?.length) {
        const body = (await r.json()) as unknown;
        for (const e of c.json) {
          const v = at(body, e.path);
          const bad =
            (e.equals !== undefined && v !== e.equals) ||
            (e.minItems !== undefined && !(Array.isArray(v) && v.length >= e.minItems)) ||
            (e.exists !== undefined && (v !== undefined) !== e.exists);
          if (bad) {
            ok = false;
            detail = `${e.path || '(body)'}: got ${JSON.stringify(v)?.slice(0, 80)}`;
            break;
          }
        }
      }
      out.push({ name, ok, detail });
    } catch (e) {
      out.push({ name, ok: false, detail: (e as Error).message });
    }
  }
  return out;
}
