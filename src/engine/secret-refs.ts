/**
 * `${secret:NAME}` references in verification requests: found, and replaced by the secrets'
 * values only when a request is sent (the config, journal and release files keep the
 * reference). Checking them against the declared secrets is the config layer's job.
 */
import { SlipwayError } from './errors.js';
import type { VerifyCheck } from './verify-types.js';

export const SECRET_REF = /\$\{secret:([^}]*)\}/g;

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

export function secretRefNames(text: string): string[] {
  return [...text.matchAll(SECRET_REF)].map((m) => m[1]!);
}

export interface ResolvedRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * The request a check sends, with references replaced by the secrets' values. `register` is
 * told every value used, so the caller's redactor masks it in all output.
 */
export function resolveRequest(c: VerifyCheck, secrets: ReadonlyMap<string, string>, register: (value: string) => void = () => {}): ResolvedRequest {
  const fill = (text: string): string =>
    text.replace(SECRET_REF, (_m, name: string) => {
      const v = secrets.get(name);
      if (v === undefined) throw new SlipwayError({ key: 'secrets.missing', params: { names: name }, place: `verify ${c.method} ${c.path}`, fix: 'secrets.missing.fix', fixParams: { file: '.env.<environment>' } });
      register(v);
      return v;
    });
  const fillDeep = (v: Json): Json =>
    typeof v === 'string' ? fill(v) : Array.isArray(v) ? v.map(fillDeep) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fillDeep(x)])) : v;
  const headers = Object.fromEntries(Object.entries(c.headers ?? {}).map(([k, v]) => [k.toLowerCase(), fill(v)]));
  if (c.body === undefined) return { method: c.method, headers };
  if (typeof c.body === 'string') return { method: c.method, headers, body: fill(c.body) };
  headers['content-type'] ??= 'application/json';
  return { method: c.method, headers, body: JSON.stringify(fillDeep(c.body as Json)) };
}
