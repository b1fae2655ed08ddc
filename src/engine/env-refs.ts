/**
 * `${NAME}` references in an environment's plain `env` values: another name the release gets
 * (`DATABASE_HOST: "${DB_HOST}"`, `DSN: "postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}/${DB_NAME}"`).
 * Resolved where the values exist — when a release's process starts — never written back to
 * the config, the journal or `env.json`. `${secret:NAME}` (verify requests) is another syntax.
 */
export const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function envRefNames(text: string): string[] {
  return [...text.matchAll(ENV_REF)].map((m) => m[1]!);
}

/**
 * Replace references by the values they name in `env` itself (one level: a value that is a
 * reference is taken as written). A name without a value yet (PORT before the supervisor picks
 * one) stays as written, for the next expansion.
 */
export function expandEnvRefs(env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) out[k] = v.includes('${') ? v.replace(ENV_REF, (ref, name: string) => env[name] ?? ref) : v;
  return out;
}
