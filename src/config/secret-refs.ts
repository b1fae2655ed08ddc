/**
 * `${secret:NAME}` references in verification requests (headers and body): checked against
 * the declared secrets when the config is resolved (exit 2 with a did-you-mean). Filling them
 * in happens in the engine (`engine/secret-refs.ts`), only when a request is sent.
 */
import { ConfigError } from '../engine/errors.js';
import { nearest } from '../engine/text.js';
import { secretRefNames } from '../engine/secret-refs.js';
import type { VerifyCheck } from './schema.js';


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
