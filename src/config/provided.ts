/** The environment variables a target sets for the app itself (the env contract and `${NAME}` references use them). */

/** Names every slipway target sets for the app. */
export const TARGET_BASE_ENV = ['PORT', 'NODE_ENV', 'APP_VERSION', 'SLIPWAY_RELEASE'];
/** Names the target sets when the environment has a database. */
export const TARGET_DATABASE_ENV = ['DB_HOST', 'DB_PORT', 'DB_NAME', 'DB_USER', 'DB_PASSWORD', 'DATABASE_URL'];
/**
 * aws also sets the libpq-style connection names and verified TLS to RDS (PGSSLMODE=verify-full;
 * PGSSLROOTCERT and NODE_EXTRA_CA_CERTS = the RDS CA bundle), see targets/aws/taskdef.ts.
 */
export const AWS_DATABASE_ENV = ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGSSLMODE', 'PGSSLROOTCERT', 'NODE_EXTRA_CA_CERTS'];

/** The names the target itself provides to the app. */
/** What this needs of a resolved environment: whether it has a database, and its target kind. */
export interface ProvidedEnvInput {
  readonly database?: unknown;
  readonly target: { readonly target: string };
}

export function targetProvidedEnv(envr: ProvidedEnvInput): string[] {
  const db = envr.database ? [...TARGET_DATABASE_ENV, ...(envr.target.target === 'aws' ? AWS_DATABASE_ENV : [])] : [];
  return [...TARGET_BASE_ENV, ...db];
}
