/**
 * The knowledge base: failure signatures slipway recognises in the evidence of a failed
 * release — ECS stop reasons and exit codes, CloudWatch and release logs, migration output,
 * PostgreSQL errors, Node start-up errors, npm. Each names a cause and a fix (message keys
 * `knowledge.<id>.cause` / `.fix` in src/engine/messages/knowledge.ts, en and zh-CN).
 * Order matters: a line belongs to the first signature that matches it.
 */

/** What kind of failure a line shows (a migration that cannot connect is not a bad migration). */
export type FailureKind = 'connection' | 'auth' | 'config' | 'generic';

export type Matcher =
  /** A regular expression over one evidence line. */
  | { re: RegExp }
  /** A PostgreSQL SQLSTATE as libpq/psql (`FATAL:  28P01:`), node-postgres (`code: '28P01'`) or logs (`SQLSTATE 28P01`) print it. */
  | { pgCode: string }
  /** A process or container exit code (`exit 137`, `exited with code 137`, `"exitCode": 137`). */
  | { exitCode: number }
  /** An ECS stopped reason or stop code (`task … stopped: <reason>`, `stoppedReason`). */
  | { stopReason: RegExp };

export interface Signature {
  id: string;
  kind: FailureKind;
  match: Matcher[];
  /** The runbook pitfall (1–12) this signature is, if any. */
  pitfall?: number;
  /** Signatures that say less about the same evidence: dropped when this one is found. */
  supersedes?: string[];
}

export const SIGNATURES: readonly Signature[] = [
  // ── runbook pitfalls that show in CloudFormation / CLI output ──
  { id: 'runbook.yaml-encoding', kind: 'config', pitfall: 1, match: [{ re: /'gbk' codec can't decode|Unable to load paramfile|UnicodeDecodeError|is not valid UTF-8|invalid byte sequence for encoding "UTF8"/i }] },
  { id: 'aws.rds-az-coverage', kind: 'config', pitfall: 2, match: [{ re: /doesn't meet Availability Zone \(AZ\) coverage requirement/i }] },
  { id: 'aws.rds-version', kind: 'config', pitfall: 3, match: [{ re: /Cannot find version [\d.]+ for postgres/i }] },
  { id: 'aws.rds-password-format', kind: 'config', pitfall: 4, match: [{ re: /MasterUserPassword is not a valid password|Only printable ASCII characters besides '\/', '@', '"', ' ' may be used/i }] },
  { id: 'aws.service-linked-role', kind: 'config', pitfall: 5, match: [{ re: /Unable to assume the service linked role/i }] },
  { id: 'aws.task-role', kind: 'config', pitfall: 9, match: [{ re: /ECS was unable to assume the role|unable to assume role.*(?:task|execution)|is not authorized to perform: iam:PassRole/i }] },
  { id: 'ecs.circuit-breaker', kind: 'generic', pitfall: 10, match: [{ re: /Deployment Circuit Breaker was triggered|circuit-breaker:/i }] },
  { id: 'docker.build-failed', kind: 'generic', pitfall: 6, match: [{ re: /process "\/bin\/sh -c (?:npm|yarn|pnpm) (?:run )?build" did not complete successfully/i }] },

  // ── ECS ──
  { id: 'ecs.image-pull', kind: 'generic', match: [{ stopReason: /CannotPullContainerError|CannotPullImageManifestError|pull image manifest has been retried/i }] },
  { id: 'ecs.secrets', kind: 'config', match: [{ stopReason: /ResourceInitializationError: unable to pull secrets or registry auth: (?:execution resource retrieval failed: unable to retrieve secret|.*(?:AccessDenied|ResourceNotFoundException|not authorized|ParameterNotFound))/i }] },
  { id: 'ecs.network', kind: 'connection', match: [{ stopReason: /ResourceInitializationError|Timeout waiting for network interface provisioning|ENI .*(?:failed|limit)|failed to (?:configure|attach) ENI/i }] },
  { id: 'ecs.elb-health', kind: 'generic', match: [{ stopReason: /failed ELB health checks/i }, { re: /Target\.(?:ResponseCodeMismatch|Timeout|FailedHealthChecks)|Health checks failed with these codes/i }] },
  { id: 'ecs.container-health', kind: 'generic', match: [{ stopReason: /failed container health checks/i }] },
  // After the health checks: a container stopped for failing them is killed (137) too.
  { id: 'ecs.oom', kind: 'generic', match: [{ stopReason: /OutOfMemoryError|Container killed due to memory usage/i }, { exitCode: 137 }] },

  // ── PostgreSQL (more specific first: pg_hba and a missing role are SQLSTATE 28000 too) ──
  { id: 'pg.no-ssl', kind: 'connection', pitfall: 11, supersedes: ['pg.auth'], match: [{ re: /no pg_hba\.conf entry for host .*no encryption/i }] },
  { id: 'pg.hba-rejected', kind: 'connection', supersedes: ['pg.auth'], match: [{ re: /no pg_hba\.conf entry for host|pg_hba\.conf rejects connection/i }] },
  { id: 'pg.ssl', kind: 'connection', pitfall: 11, match: [{ re: /self[- ]signed certificate|unable to verify the first certificate|unable to get local issuer certificate|The server does not support SSL connections|SSL (?:connection is required|off)|server does not support SSL, but SSL was required|certificate has expired|Hostname\/IP does not match certificate/i }] },
  { id: 'pg.role-missing', kind: 'auth', supersedes: ['pg.auth'], match: [{ re: /role "[^"]*" does not exist/i }] },
  { id: 'pg.auth', kind: 'auth', pitfall: 8, match: [{ re: /password authentication failed|28000.*ClientAuthentication/i }, { pgCode: '28P01' }, { pgCode: '28000' }] },
  { id: 'pg.no-database', kind: 'connection', match: [{ re: /database "[^"]*" does not exist/i }, { pgCode: '3D000' }] },
  { id: 'pg.extension-unavailable', kind: 'generic', pitfall: 12, supersedes: ['pg.pgcrypto-missing'], match: [{ re: /extension "[^"]*" is not available|could not open extension control file/i }] },
  { id: 'pg.pgcrypto-missing', kind: 'generic', pitfall: 12, match: [{ re: /function (?:digest|gen_random_bytes|crypt|gen_salt|hmac|pgp_sym_encrypt)\([^)]*\) does not exist/i }] },
  { id: 'pg.undefined-table', kind: 'generic', match: [{ re: /relation "[^"]*" does not exist/i }, { pgCode: '42P01' }] },
  { id: 'pg.null-rows', kind: 'generic', match: [{ re: /column "[^"]*"(?: of relation "[^"]*")? contains null values/i }] },
  { id: 'pg.permission', kind: 'auth', match: [{ re: /permission denied for (?:table|schema|relation|sequence|database|function)|must be owner of/i }, { pgCode: '42501' }] },
  { id: 'pg.refused', kind: 'connection', match: [{ re: /connect ECONNREFUSED \S+:5432|connection to server at .* failed: Connection refused|could not connect to server/i }] },

  // ── the app's configuration ──
  { id: 'app.config-incomplete', kind: 'config', pitfall: 7, match: [{ re: /(?:Database )?configuration is incomplete/i }] },
  {
    id: 'node.env-missing',
    kind: 'config',
    match: [
      // convict
      { re: /must be of type \w+: value was undefined|configuration param '[^']+' missing from config|: must be one of the possible values/i },
      // envalid
      { re: /Missing environment variables?:|Invalid environment variables?:|EnvMissingError|EnvError/ },
      // zod / t3-env / NestJS Joi
      { re: /ZodError|"code":\s*"invalid_type"[^\n]*"received":\s*"undefined"|Required at "?[A-Z][A-Z0-9_]+|Config validation error: "[A-Z0-9_]+" is required|❌ Invalid environment variables/ },
      { re: /\b[A-Z][A-Z0-9_]{2,} (?:is required|is not set|must be set|is missing)\b/ },
    ],
  },

  // ── Node start-up ──
  { id: 'node.port-in-use', kind: 'generic', match: [{ re: /EADDRINUSE|address already in use/i }] },
  { id: 'node.build-missing', kind: 'generic', pitfall: 6, supersedes: ['node.module-not-found'], match: [{ re: /Cannot find module '[^']*\/(?:dist|build|out|lib)\/[^']*'/ }] },
  { id: 'node.module-not-found', kind: 'generic', match: [{ re: /Cannot find (?:module|package) '[^']+'|ERR_MODULE_NOT_FOUND|MODULE_NOT_FOUND/ }] },
  { id: 'node.require-esm', kind: 'generic', match: [{ re: /ERR_REQUIRE_ESM|ERR_REQUIRE_ASYNC_MODULE|require\(\) of ES Module/ }] },

  // ── npm ──
  { id: 'npm.eresolve', kind: 'generic', match: [{ re: /ERESOLVE (?:unable to resolve dependency tree|could not resolve)|code ERESOLVE/ }] },
  { id: 'npm.engine', kind: 'generic', match: [{ re: /EBADENGINE|Unsupported engine|The engine "node" is incompatible/ }] },
  { id: 'npm.lock-out-of-sync', kind: 'generic', match: [{ re: /`npm ci` can only install packages when your package\.json and package-lock\.json|Missing: \S+ from lock file|lockfile needs to be updated, but yarn was run with `--frozen-lockfile`|ERR_PNPM_OUTDATED_LOCKFILE/ }] },
];

const bySig = new Map(SIGNATURES.map((s) => [s.id, s]));
export function signature(id: string): Signature | undefined {
  return bySig.get(id);
}

function codeRe(code: string): RegExp {
  return new RegExp(`(?:code:?\\s*['"]?|SQLSTATE\\s*[:=]?\\s*['"]?|(?:FATAL|ERROR|PANIC):?\\s+)${code}\\b`);
}
const codeRes = new Map<string, RegExp>();
const EXIT = /\bexit(?:ed)?(?:\s+with)?(?:\s+code)?[:\s]+(-?\d+)\b|"?exitCode"?\s*[:=]\s*(\d+)/gi;

function exitCodes(line: string): number[] {
  return [...line.matchAll(EXIT)].map((m) => Number(m[1] ?? m[2]));
}

export function matches(m: Matcher, line: string): boolean {
  if ('re' in m) return m.re.test(line);
  if ('stopReason' in m) return m.stopReason.test(line);
  if ('pgCode' in m) {
    let re = codeRes.get(m.pgCode);
    if (!re) codeRes.set(m.pgCode, (re = codeRe(m.pgCode)));
    return re.test(line);
  }
  return exitCodes(line).includes(m.exitCode);
}

/** The first signature a line shows, if any. */
export function classify(line: string): Signature | undefined {
  return SIGNATURES.find((s) => s.match.some((m) => matches(m, line)));
}
