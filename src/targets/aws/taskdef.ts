/**
 * The task definition of a release, built as data (pure): Fargate cpu/memory, the app
 * container with plain env (DB_HOST/DB_PORT/DB_NAME — never DB_USERNAME, pitfall 7), secrets
 * only by `valueFrom` — the login too (DB_USER/PGUSER = the master secret's `username`: `db
 * rotate-password` alternates between `<user>` and `<user>_alt`, so login and password always
 * come from the same secret version), TLS to RDS verified against the RDS CA bundle, awslogs.
 *
 * TLS to RDS for an app that does nothing special: node-postgres reads PGSSLMODE (verify-full →
 * `ssl: true`, i.e. Node's default trust with hostname check) but not PGSSLROOTCERT, so the
 * bundle is also given to Node itself as NODE_EXTRA_CA_CERTS, which Node adds to its default
 * trust at start-up. PGSSLROOTCERT stays for libpq (psql, pg_dump, pg-native) and for apps that
 * load the CA themselves. Migration tasks run this task definition, so they get the same env.
 */
import { createHash } from 'node:crypto';
import { expandEnvRefs } from '../../engine/env-refs.js';
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';

export interface TaskDefInput {
  family: string;
  container: string;
  image: string;
  cpu: number;
  memory: number;
  port: number;
  executionRoleArn: string;
  taskRoleArn: string;
  logGroup: string;
  region: string;
  env: Record<string, string>;
  db?: { host: string; port: string; name: string; user: string; secretArn: string; caBundlePath: string };
  /** App secret names and where they are stored. */
  appSecrets?: { arn: string; versionId: string; names: string[] };
  /** Extra secrets whose full `valueFrom` is known (e.g. database.urlSecret). */
  tags?: { key: string; value: string }[];
}

export function containerEnv(i: TaskDefInput): { name: string; value: string }[] {
  const env: Record<string, string> = { NODE_ENV: 'production', ...i.env, PORT: String(i.port) };
  if (i.db) {
    Object.assign(env, {
      DB_HOST: i.db.host,
      DB_PORT: i.db.port,
      DB_NAME: i.db.name,
      PGHOST: i.db.host,
      PGPORT: i.db.port,
      PGDATABASE: i.db.name,
      PGSSLMODE: 'verify-full',
      PGSSLROOTCERT: i.db.caBundlePath,
      NODE_EXTRA_CA_CERTS: i.db.caBundlePath,
    });
  }
  // `${NAME}` references: plain ones are filled in here; a whole-value reference to a secret becomes a secret entry.
  const expanded = expandEnvRefs(env);
  for (const k of secretAliases(i).keys()) delete expanded[k];
  return Object.entries(expanded)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value }));
}

/** Secrets by name → where ECS reads them from. */
function secretSources(i: TaskDefInput): Map<string, string> {
  const out = new Map<string, string>();
  if (i.db) {
    out.set('DB_USER', `${i.db.secretArn}:username::`);
    out.set('PGUSER', `${i.db.secretArn}:username::`);
    out.set('DB_PASSWORD', `${i.db.secretArn}:password::`);
    out.set('PGPASSWORD', `${i.db.secretArn}:password::`);
    out.set('DATABASE_URL', `${i.db.secretArn}:url::`);
  }
  for (const n of i.appSecrets?.names ?? []) out.set(n, `${i.appSecrets!.arn}:${n}::${i.appSecrets!.versionId}`);
  return out;
}

/** `env` keys whose value is exactly `${SECRET}`: they get that secret's source. */
function secretAliases(i: TaskDefInput): Map<string, string> {
  const sources = secretSources(i);
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(i.env)) {
    const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(v);
    const from = m ? sources.get(m[1]!) : undefined;
    if (from) out.set(k, from);
  }
  return out;
}

export function containerSecrets(i: TaskDefInput): { name: string; valueFrom: string }[] {
  return [...secretSources(i), ...secretAliases(i)].map(([name, valueFrom]) => ({ name, valueFrom })).sort((a, b) => a.name.localeCompare(b.name));
}

export function buildTaskDefinition(i: TaskDefInput): RegisterTaskDefinitionCommandInput {
  return {
    family: i.family,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    runtimePlatform: { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' },
    cpu: String(i.cpu),
    memory: String(i.memory),
    executionRoleArn: i.executionRoleArn,
    taskRoleArn: i.taskRoleArn,
    containerDefinitions: [
      {
        name: i.container,
        image: i.image,
        essential: true,
        memory: i.memory,
        portMappings: [{ containerPort: i.port, protocol: 'tcp' }],
        environment: containerEnv(i),
        secrets: containerSecrets(i),
        stopTimeout: 30,
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': i.logGroup, 'awslogs-region': i.region, 'awslogs-stream-prefix': 'app' },
        },
      },
    ],
    ...(i.tags?.length ? { tags: i.tags } : {}),
  };
}

/** A stable hash of everything that makes a release (no secret values: only their version ids). */
export function fingerprint(td: RegisterTaskDefinitionCommandInput): string {
  const { tags: _t, ...rest } = td;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 16);
}

/** The config part of the fingerprint: everything but the image. */
export function configHash(td: RegisterTaskDefinitionCommandInput): string {
  const c = td.containerDefinitions?.[0];
  return fingerprint({ ...td, containerDefinitions: c ? [{ ...c, image: '' }] : [] });
}
