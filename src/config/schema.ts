/**
 * The one schema for slipway configuration. Types, validation, the JSON Schema in
 * `schema/slipway.schema.json` and the configuration reference all come from here.
 */
import { z } from 'zod';
import { checkSettingsSchema, domainSchema, storageSchema } from './checks-schema.js';
import { awsOptions, checkAwsValues } from './aws-schema.js';
import { compilePattern, parseDuration, parsePercent } from '../engine/window.js';

// A command parses its config once: compiling zod's fast path (new Function per object schema) costs more than it saves.
z.config({ jitless: true });

export { checkSettingsSchema, domainSchema, storageSchema };

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name: letters, digits and _, not starting with a digit');

const slug = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'lower-case letters, digits and -, starting with a letter, at most 40 characters');

const port = z.number().int().min(1).max(65535);

/** A JSON expectation on a verification response: the value at a dotted path. */
export const jsonExpectationSchema = z
  .strictObject({
    path: z.string().describe('Dotted path into the JSON body, e.g. `status` or `items.0.id`; empty for the body itself.'),
    equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional().describe('The value must equal this.'),
    minItems: z.number().int().min(0).optional().describe('The value must be an array with at least this many items.'),
    exists: z.boolean().optional().describe('The value must exist (true) or be absent (false).'),
  })
  .describe('An expectation on the JSON body of a verification response.');

export const verifyCheckSchema = z
  .strictObject({
    name: z.string().optional().describe('A short name shown in the report; defaults to "METHOD path".'),
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
    path: z.string().startsWith('/', 'a path starting with /'),
    headers: z
      .record(z.string(), z.string())
      .optional()
      .describe('Request headers. Values may contain `${secret:NAME}` (a declared secret), resolved when the request is sent and redacted everywhere.'),
    body: z
      .union([z.string(), z.record(z.string(), z.json())])
      .optional()
      .describe('Request body: a string, or a JSON object (sent with `content-type: application/json` unless a header says otherwise). Strings may contain `${secret:NAME}`.'),
    status: z.number().int().min(100).max(599).default(200).describe('Expected HTTP status.'),
    json: z.array(jsonExpectationSchema).optional(),
    timeoutMs: z.number().int().positive().default(5000),
  })
  .describe('An HTTP check run against the stable URL after the switch.');

export const appSchema = z
  .strictObject({
    name: slug.describe('Application name; used for process, directory, stack and resource names.'),
    dir: z.string().default('.').describe('App directory, relative to the config file.'),
    install: z
      .string()
      .optional()
      .describe('Install command run in each new release; default `npm ci` when a lockfile exists, else `npm install`.'),
    build: z.string().optional().describe('Build command run once per release, e.g. `npm run build`.'),
    start: z.string().describe('Start command, e.g. `node dist/server.js`. Must not be a dev server.'),
    port: port.default(3000).describe('Port the app listens on inside its container; slipway sets PORT.'),
    healthPath: z.string().startsWith('/').default('/health').describe('Health endpoint; must answer 2xx when ready.'),
    probeHealthWithoutDb: z
      .boolean()
      .default(true)
      .describe('Before switching traffic, start the release once more with its database unreachable and warn if the health endpoint still answers 2xx (machine targets).'),
    dockerfile: z.string().optional().describe('Dockerfile for container targets, relative to `dir`.'),
  })
  .describe('The application to deploy.');

const pgMajor = z.number().int().min(12).max(18).describe('PostgreSQL major version.');

export const databaseSchema = z
  .strictObject({
    version: pgMajor.default(15),
    name: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier').describe('Database name.'),
    user: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier').describe('Database user.'),
    migrate: z.string().optional().describe('Migration command, run from the new release with its env, e.g. `npm run migrate`.'),
    urlSecret: envName
      .optional()
      .describe('Use an existing database: the name of a secret holding its postgres:// URL. Without it the target provides one.'),
    mode: z
      .enum(['managed', 'external'])
      .optional()
      .describe('`managed`: slipway runs PostgreSQL for the environment (default). `external`: a database you run, its URL in the secret `urlSecret` (default `DATABASE_URL`).'),
    rehearse: z
      .enum(['optional', 'required'])
      .optional()
      .describe('`required`: a deploy that migrates needs a passing `slipway db rehearse` of the same migration set, recorded on this machine (the preflight blocks otherwise).'),
    rehearseLockSeconds: z.number().positive().optional().describe('`db rehearse` reports locks held longer than this many seconds (default 5).'),
  })
  .describe('The PostgreSQL database the app uses.');

const envMap = z.record(envName, z.string()).describe('Plain (non-secret) environment variables.');
const secretNames = z.array(envName).describe('Names of secret environment variables; values come from the process environment or `.env.<environment>`.');

/** `30s`, `5m`, `1h`, `0` (off), or a number of seconds. */
export const durationSchema = z.union([z.number().int().min(0), z.string().regex(/^\d+(?:s|m|h)?$/, 'a duration: 30s, 5m, 1h, or 0 for off')]);

/** Seconds of a duration (`5m` → 300). */
export function durationSeconds(d: z.output<typeof durationSchema>): number {
  return parseDuration(d) ?? 0;
}

/** A share like `1%` or `0.5%`. */
export const percentSchema = z.union([z.string(), z.number()]).superRefine((v, c) => {
  if (typeof v === 'number') c.addIssue({ code: 'custom', message: `a share written with %: \`${v}\` could mean ${v}% or ${v * 100}%; write e.g. 1% or 0.5%` });
  else if (parsePercent(v) === undefined) c.addIssue({ code: 'custom', message: 'a percentage from 0% to 100%, written with % (e.g. 1% or 0.5%)' });
});

export const verifySettingsSchema = z
  .strictObject({
    checks: z.array(verifyCheckSchema).optional().describe('Replaces the top-level verify checks for this environment.'),
    window: durationSchema
      .optional()
      .describe('After a deploy, watch the release this long (`5m`) and roll back automatically on a breach (`deploy --watch` overrides; `0` is off).'),
    maxErrorRate: percentSchema
      .optional()
      .describe("Highest share of 5xx answers slipway's proxy may count for the new release during the window (`1%`), judged once it answered at least 20 requests; default 5%. local and ssh."),
    logPatterns: z
      .array(z.string().min(1).refine((p) => compilePattern(p) !== undefined, 'a substring, or /regex/ that compiles'))
      .optional()
      .describe('A line of the app\'s log written after the switch that contains one of these (`FATAL`, or `/regex/i`) is a breach. local and ssh.'),
  })
  .describe('Verification of an environment: its checks and the window watched after a deploy.');

const common = {
  env: envMap.optional(),
  secrets: secretNames.optional(),
  verify: z
    .union([z.array(verifyCheckSchema), verifySettingsSchema])
    .optional()
    .describe('A list of checks (replaces the top-level ones), or `{ checks, window, maxErrorRate, logPatterns }`.'),
  database: databaseSchema
    .extend({ version: pgMajor.optional() })
    .partial()
    .optional()
    .describe('Overrides of the top-level database settings.'),
  check: checkSettingsSchema.partial().optional(),
  domains: z.array(domainSchema).optional(),
  storage: storageSchema.optional(),
  keepReleases: z.number().int().min(1).max(100).default(5).describe('Releases kept; the last good one is never deleted.'),
};

export const localTargetSchema = z
  .strictObject({
    target: z.literal('local'),
    ...common,
    port: port.default(8080).describe('Stable port the environment serves on; traffic switches behind it.'),
    host: z.string().default('127.0.0.1').describe('Address the stable port binds to.'),
    stateDir: z.string().optional().describe('Where releases, backups and the database live; default `.slipway/<env>` beside the config.'),
    healthTimeoutMs: z.number().int().positive().default(30000),
    drainTimeoutMs: z.number().int().positive().default(10000),
    lockTtlMs: z.number().int().min(1000).default(30_000).describe('Lease of the deploy lock: renewed every third of it while a command runs; a lock whose holder stopped renewing is taken over after it.'),
  })
  .describe('This machine: releases as processes behind a stable port, PostgreSQL owned by slipway.');

/** `user@host`, `host`, `host:port` or `user@host:port` (IPv6 in brackets). */
export const sshAddressSchema = z.union([
  z
    .string()
    .regex(/^(?:[a-z_][a-z0-9_.-]*@)?(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/, 'user@host, host, host:port or user@host:port'),
  z.strictObject({
    address: z.string().min(1).describe('Host name or IP address of the VM.'),
    port: port.default(22).describe('SSH port.'),
    user: z.string().regex(/^[a-z_][a-z0-9_.-]*$/).default('root').describe('Login user.'),
  }),
]);

/** One host of a fleet: an address, or an object that may also give the host its own directory. */
export const fleetHostSchema = z.union([
  sshAddressSchema.options[0],
  z.strictObject({
    address: z.string().min(1).describe('Host name or IP address of the VM.'),
    port: port.default(22).describe('SSH port.'),
    user: z.string().regex(/^[a-z_][a-z0-9_.-]*$/).default('root').describe('Login user.'),
    dir: z.string().startsWith('/', 'an absolute path on the VM').optional().describe("This host's directory, when it differs from the environment's `dir`."),
  }),
]);

/** A wave: a number of hosts (cumulative), or a share of the fleet like `50%`. */
export const waveSchema = z.union([z.number().int().min(1), z.string().regex(/^(?:100|[1-9]\d?)%$/, 'a share of the hosts: 1% … 100%')]);

export const rolloutSchema = z
  .strictObject({
    waves: z
      .array(waveSchema)
      .min(1)
      .describe('How many hosts have switched after each wave, cumulatively: `[1, 50%, 100%]` is one host (a canary), then half, then all. A last wave short of all hosts is followed by one for the rest.'),
  })
  .describe('How a deploy or rollback reaches the hosts of a fleet (default: one host, then the rest).');

export const sshTargetSchema = z
  .strictObject({
    target: z.literal('ssh'),
    ...common,
    host: sshAddressSchema.optional().describe('The VM: `deploy@203.0.113.10`, `203.0.113.10:2222` or `{ address, port, user }` (user default root, port 22). Give `host` or `hosts`.'),
    hosts: z
      .array(fleetHostSchema)
      .min(1)
      .optional()
      .describe('A fleet: several VMs serving the same release, switched wave by wave (`rollout`). Needs an external database. The first host keeps the lock, the journal and the release ledger.'),
    rollout: rolloutSchema.optional(),
    identityFile: z.string().optional().describe('Private key to log in with; default the ssh agent (SSH_AUTH_SOCK). Passwords are not supported.'),
    knownHostsFile: z.string().optional().describe('known_hosts file the host key is checked against; default ~/.ssh/known_hosts.'),
    port: port.default(8080).describe('Stable port on the VM (nginx proxies the domain to it); traffic switches behind it.'),
    bind: z.string().default('127.0.0.1').describe('Address the stable port binds to on the VM; 127.0.0.1 behind nginx, 0.0.0.0 to serve directly.'),
    dir: z
      .string()
      .startsWith('/', 'an absolute path on the VM')
      .optional()
      .describe('Where the environment lives on the VM; default `/srv/slipway/<app>/<env>`.'),
    serviceUser: z
      .string()
      .regex(/^[a-z_][a-z0-9_-]*$/)
      .optional()
      .describe('User the supervisor and the app run as; default the login user, or `slipway` when logging in as root (created if missing). Never root.'),
    systemd: z.enum(['auto', 'off']).default('auto').describe('`auto`: install systemd units so the app and its managed PostgreSQL come back after a reboot, where the VM has systemd.'),
    healthTimeoutMs: z.number().int().positive().default(30000),
    drainTimeoutMs: z.number().int().positive().default(10000),
    lockTtlMs: z.number().int().min(1000).default(30_000).describe('Lease of the deploy lock on the VM (see the local target).'),
  })
  .superRefine((t, c) => {
    if ((t.host === undefined) === (t.hosts === undefined)) {
      c.addIssue({ code: 'custom', path: t.host === undefined ? ['host'] : ['hosts'], message: t.host === undefined ? 'give `host` (one VM) or `hosts` (a fleet)' : 'give `host` or `hosts`, not both' });
    }
    if (t.rollout && !t.hosts) c.addIssue({ code: 'custom', path: ['rollout'], message: '`rollout` needs `hosts` (a fleet)' });
  })
  .describe('A Linux VM over SSH: the same releases, supervisor and PostgreSQL as local, on the VM.');

export const awsTargetSchema = z
  .strictObject({
    target: z.literal('aws'),
    ...common,
    ...awsOptions,
  })
  .superRefine(checkAwsValues)
  .superRefine((t, c) => {
    // The 5xx share and the log lines come from slipway's own proxy and supervisor, which an aws environment does not run.
    for (const k of ['maxErrorRate', 'logPatterns'] as const) {
      if (t.verify && !Array.isArray(t.verify) && t.verify[k] !== undefined) c.addIssue({ code: 'custom', path: ['verify', k], message: `verify.${k} needs slipway's proxy: local and ssh environments only (aws watches health)` });
    }
  })
  .describe('AWS: ECS Fargate + RDS PostgreSQL + ECR via CloudFormation.');

export const environmentSchema = z.discriminatedUnion('target', [localTargetSchema, sshTargetSchema, awsTargetSchema]);

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    app: appSchema,
    database: databaseSchema.optional(),
    env: envMap.default({}),
    secrets: secretNames.default([]),
    verify: z.array(verifyCheckSchema).default([]),
    environments: z.record(slug, environmentSchema).describe('Named environments, each with a target.'),
  })
  .describe('slipway configuration');

export type SlipwayConfig = z.output<typeof configSchema>;
export type SlipwayConfigInput = z.input<typeof configSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type LocalEnvironment = z.output<typeof localTargetSchema>;
export type SshEnvironment = z.output<typeof sshTargetSchema>;
export type FleetHost = z.output<typeof fleetHostSchema>;
export type Wave = z.output<typeof waveSchema>;
export type AwsEnvironment = z.output<typeof awsTargetSchema>;
export type VerifyCheck = z.output<typeof verifyCheckSchema>;
export type JsonExpectation = z.output<typeof jsonExpectationSchema>;
export type DatabaseConfig = z.output<typeof databaseSchema>;
export type AppConfig = z.output<typeof appSchema>;
export type CheckSettings = z.output<typeof checkSettingsSchema>;
export type DomainConfig = z.output<typeof domainSchema>;
export type StorageConfig = z.output<typeof storageSchema>;
export type TargetName = EnvironmentConfig['target'];
