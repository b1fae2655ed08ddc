/**
 * A one-off **admin SQL task** for `db rotate-password` on aws: a PostgreSQL client image run
 * with ECS RunTask in the environment's subnets and app security group (like the migration
 * task), logged in as the RDS master user, running a fixed SQL script.
 *
 * No password is ever on a command line, in overrides, in `environment`, logs or state: the
 * task definition carries them only as `secrets` (`valueFrom` = `<arn>:password::<versionId>`,
 * pinned to a Secrets Manager version), ECS puts them in the container's environment, and the
 * SQL reads them inside psql (`\getenv pw NEWPW`, psql ≥ 15, then `:'pw'`). The script itself
 * (no secret in it) is the plain env SLIPWAY_SQL, fed to psql on stdin.
 *
 * Image: the official `postgres` image from ECR Public (the tasks' subnets need a route to ECR
 * Public, as they need one to ECR). It has no RDS CA bundle, so TLS is `sslmode=require`
 * (encrypted, the server not verified) — the connection stays inside the VPC.
 */
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { sdk } from '../../engine/aws-sdk.js';
import type { AwsClients } from './clients.js';
import { runOneOff, waitOneOff, type MigrationOutcome, type OneOffRun } from './migrate.js';

export const ADMIN_CONTAINER = 'dbadmin';

/** The client image: psql ≥ 15 (for `\getenv`), never older than the server. */
export function adminImage(major: number): string {
  return `public.ecr.aws/docker/library/postgres:${Math.max(15, major)}-alpine`;
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** SQL: `login` (a member of `owner` whose sessions start as the owner) logs in with NEWPW. */
export function setLoginSql(login: string, owner: string): string {
  return [
    '\\getenv pw NEWPW',
    `SELECT format('CREATE ROLE %I LOGIN IN ROLE %I', ${literal(login)}, ${literal(owner)}) WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(login)})`,
    '\\gexec',
    `ALTER ROLE ${ident(login)} SET role = ${literal(owner)};`,
    `ALTER ROLE ${ident(login)} WITH LOGIN PASSWORD :'pw';`,
  ].join('\n');
}

/** SQL: `login` has no password any more (idempotent; a missing role is fine). */
export function dropPasswordSql(login: string): string {
  return `DO $$BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(login)}) THEN ALTER ROLE ${ident(login)} PASSWORD NULL; END IF; END$$;`;
}

export interface AdminTaskInput {
  family: string;
  image: string;
  executionRoleArn: string;
  logGroup: string;
  region: string;
  db: { host: string; port: string; name: string; master: string };
  secretArn: string;
  /** The version whose password is the master user's. */
  masterVersion: string;
  /** The version whose password the SQL reads as NEWPW (only for setLoginSql). */
  newVersion?: string;
  sql: string;
  tags?: { key: string; value: string }[];
}

/** The admin task definition (pure): passwords only as pinned `secrets`. */
export function adminTaskDefinition(i: AdminTaskInput): RegisterTaskDefinitionCommandInput {
  const secrets = [{ name: 'PGPASSWORD', valueFrom: `${i.secretArn}:password::${i.masterVersion}` }, ...(i.newVersion ? [{ name: 'NEWPW', valueFrom: `${i.secretArn}:password::${i.newVersion}` }] : [])];
  return {
    family: i.family,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    runtimePlatform: { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' },
    cpu: '256',
    memory: '512',
    executionRoleArn: i.executionRoleArn,
    containerDefinitions: [
      {
        name: ADMIN_CONTAINER,
        image: i.image,
        essential: true,
        memory: 512,
        command: ['sh', '-c', 'printf "%s\\n" "$SLIPWAY_SQL" | psql -X -v ON_ERROR_STOP=1'],
        environment: [
          { name: 'PGHOST', value: i.db.host },
          { name: 'PGPORT', value: i.db.port },
          { name: 'PGDATABASE', value: i.db.name },
          { name: 'PGUSER', value: i.db.master },
          { name: 'PGSSLMODE', value: 'require' },
          { name: 'PGCONNECT_TIMEOUT', value: '15' },
          { name: 'PGAPPNAME', value: 'slipway-rotate' },
          { name: 'SLIPWAY_SQL', value: i.sql },
        ],
        secrets,
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': i.logGroup, 'awslogs-region': i.region, 'awslogs-stream-prefix': 'app' } },
      },
    ],
    ...(i.tags?.length ? { tags: i.tags } : {}),
  };
}

/** Register the admin task definition and start it in `run`; both ARNs. */
export async function startAdminTask(c: AwsClients, td: RegisterTaskDefinitionCommandInput, run: OneOffRun, startedBy: string, onRegistered: (arn: string) => Promise<void>): Promise<{ taskDefinitionArn: string; taskArn: string }> {
  const { RegisterTaskDefinitionCommand } = sdk.ecs();
  const arn = (await c.ecs.send(new RegisterTaskDefinitionCommand(td))).taskDefinition!.taskDefinitionArn!;
  await onRegistered(arn);
  return { taskDefinitionArn: arn, taskArn: await runOneOff(c, run, arn, startedBy) };
}

/** Wait for the admin task to stop; exit code 0 is success. A timeout stops it. */
export function waitAdminTask(c: AwsClients, run: OneOffRun, taskArn: string, signal?: AbortSignal): Promise<MigrationOutcome> {
  return waitOneOff(c, run, ADMIN_CONTAINER, taskArn, signal, 'admin task');
}

export async function deregisterAdmin(c: AwsClients, arn: string): Promise<void> {
  const { DeregisterTaskDefinitionCommand } = sdk.ecs();
  await c.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn })).catch(() => undefined);
}
