/**
 * `${secret:NAME}` references in verification requests (headers and body): checked against
 * the declared secrets when the config is resolved, replaced by their values only when a
 * request is sent. The config, journal and release files keep the reference, never the value.
 */
import { ConfigError } from '../engine/errors.js';
import { nearest } from '../engine/text.js';
import type { VerifyCheck } from './schema.js';

const REF = /\$\{secret:([^}]*)\}/g;

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** Every string of a check that may carry references, with its config path. */
function refStrings(c: VerifyCheck, at: string): [string, string][] {
  const out: [string, string][] = Object.entries(c.headers ?? {}).map(([k, v]) => [`${at}.headers.${k}`, v]);
  const walk = (v: unknown, p: string): void => {
    if (typeof v === 'string') out.push([p, v]);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${p}.${i}`));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${p}.${k}`);
  };
  walk(c.body, `${at}.body`);
  return out;
}

export function secretRefNames(text: string): string[] {
  return [...text.matchAll(REF)].map((m) => m[1]!);
}

/** Exit 2 with a did-you-mean when a check references a secret the environment does not declare. */
export function checkSecretRefs(checks: readonly VerifyCheck[], declared: readonly string[], file: string, base = 'verify'): void {
  checks.forEach((c, i) => {
    for (const [where, text] of refStrings(c, `${base}[${i}]`)) {
      for (const name of secretRefNames(text)) {
        if (declared.includes(name)) continue;
        const suggestion = nearest(name, declared);
        throw new ConfigError({
          key: 'config.unknownSecretRef',
          params: { path: where, name },
          place: `${file} ${where}`,
          fix: suggestion ? 'config.unknownSecretRef.fix' : 'config.unknownSecretRef.fixPlain',
          fixParams: { suggestion: suggestion ?? '', known: declared.join(', ') || '-' },
        });
      }
    }
  });
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
    text.replace(REF, (_m, name: string) => {
      const v = secrets.get(name);
      if (v === undefined) throw new Error(`secret ${name} has no value`);
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
