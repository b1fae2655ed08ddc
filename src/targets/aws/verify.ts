/** HTTP verification of a release against its endpoint: the engine's checks, reported as the aws steps log them. */
import type { VerifyCheck } from '../../config/schema.js';
import { runVerify, type VerifyVia } from '../../engine/verify.js';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

export async function runChecks(baseUrl: string, checks: VerifyCheck[], via: VerifyVia = {}): Promise<CheckResult[]> {
  // An ALB commonly redirects http to https: follow, as a browser would.
  const results = await runVerify(baseUrl, checks, { redirects: 5, ...via });
  return results.map((r) => ({ name: r.name, ok: r.ok, detail: r.problem ?? `HTTP ${r.status}` }));
}
