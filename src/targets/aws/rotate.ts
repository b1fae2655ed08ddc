/**
 * `slipway db rotate-password` on aws: alternating logins (AWS's "alternating users" rotation
 * strategy, as the local/ssh targets do it). The master secret's `username` says which login is
 * live — the RDS master user `<user>` or `<user>_alt` (a member of `<user>` whose sessions start
 * as `<user>`) — and the tasks read login and password from the same secret version.
 *
 * 1. rotate-pending: the new password (the one generation rule) and the other login go into the
 *    master secret as a new version staged AWSPENDING — before anything else changes (a crash
 *    leaves it in Secrets Manager, never in a local file, log or argument).
 * 2. set-login: the login not in use gets the new password; the live one is untouched, so the
 *    running tasks keep connecting. Live `<user>` → `<user>_alt` by a one-off admin SQL task
 *    (db-admin.ts: psql as the master, passwords only as pinned task-definition `secrets`);
 *    live `<user>_alt` → `<user>` by ModifyDBInstance MasterUserPassword (waited until applied).
 * 3. register-task-definition: the active release's task definition with DB_USER/PGUSER and
 *    the passwords pinned to the new version (`<arn>:username::<versionId>`).
 * 4. update-service → wait-stable (health-gated, circuit breaker) → verify.
 * 5. promote-secret (the switch, the commit point): the version becomes AWSCURRENT (the old one
 *    AWSPREVIOUS), so unpinned revisions (deploys, rollbacks) read the new login too.
 * 6. record-release, then revoke-old: the old login's password is taken away — the master's
 *    set to a random one nobody stores (the next rotation sets a new one), `_alt`'s set to NULL
 *    by an admin task. From here the old password is no longer accepted.
 *
 * The service never runs with a password the database rejects: both logins work from step 2
 * until step 6, and step 6 runs only once the new revision serves.
 *
 * Crash-safety: before the switch a failure or an interrupted rotation is undone (the service
 * put back on the previous revision, the new revision deregistered, the new login's password
 * taken away again — `_alt`'s set to NULL, the master's to a random one, as before — and the
 * pending stage removed); after it, the next command finishes it forward.
 */
import { randomUUID } from 'node:crypto';
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { generatePassword } from '../../db/password.js';
import { sdk } from '../../engine/aws-sdk.js';
import { SlipwayError } from '../../engine/errors.js';
import '../../engine/messages/rotate.js';
import { poll } from '../../engine/poll.js';
import type { Plan, Step, StepContext, StepData } from '../../engine/step.js';
import { awsErrorName, awsPoll } from './clients.js';
import type { AwsCtx } from './context.js';
import { outputsOf, str } from './context.js';
import { describeDb, type DbSecretValue } from './database.js';
import { adminImage, adminTaskDefinition, deregisterAdmin, dropPasswordSql, setLoginSql, startAdminTask, waitAdminTask, ADMIN_CONTAINER } from './db-admin.js';
import { releaseId } from './ledger.js';
import { taskLogLines } from './migrate.js';
import { applyService, deregisterRevision, registerRevision } from './rollout.js';
import { stackOutputsStep } from './rollback.js';
import { revertService, serviceSpec, watchSteps } from './steps-release.js';
import { recordStep } from './steps-watch.js';

const PENDING = 'AWSPENDING';
const CURRENT = 'AWSCURRENT';
/** The step after which the rotation finishes forward. */
const SWITCH = 'promote-secret';

/** The alternate login of the master user. */
export function altLogin(master: string): string {
  return `${master}_alt`;
}

async function stagesOf(a: AwsCtx): Promise<Record<string, string[]>> {
  const { DescribeSecretCommand } = sdk.sm();
  try {
    return (await a.c.sm.send(new DescribeSecretCommand({ SecretId: a.n.dbSecret }))).VersionIdsToStages ?? {};
  } catch (e) {
    if (awsErrorName(e) !== 'ResourceNotFoundException') throw e;
    throw new SlipwayError({ key: 'rotate.aws.noSecret', params: { env: a.envr.name, secret: a.n.dbSecret }, fix: 'rotate.aws.noSecret.fix', fixParams: { env: a.envr.name } });
  }
}

const holding = (stages: Record<string, string[]>, stage: string) => Object.entries(stages).find(([, s]) => s.includes(stage))?.[0];

async function secretValue(a: AwsCtx, version: { VersionId: string } | { VersionStage: string }): Promise<DbSecretValue> {
  const { GetSecretValueCommand } = sdk.sm();
  const r = await a.c.sm.send(new GetSecretValueCommand({ SecretId: a.n.dbSecret, ...version }));
  const v = JSON.parse(r.SecretString ?? '{}') as DbSecretValue;
  a.tc.redactor.add(v.password);
  if (v.url) a.tc.redactor.add(v.url);
  return v;
}

async function secretArn(a: AwsCtx): Promise<string> {
  const { DescribeSecretCommand } = sdk.sm();
  return (await a.c.sm.send(new DescribeSecretCommand({ SecretId: a.n.dbSecret }))).ARN!;
}

const DB_SECRET_KEYS = new Set(['username', 'password', 'url']);
const LOGIN_ENV = new Set(['DB_USER', 'PGUSER']);

/**
 * The task definition to register: the active one's, its database secrets pinned to `version`
 * — login included: DB_USER/PGUSER become `username` secrets of that version (revisions
 * registered before the login was a secret had them as plain env).
 */
export function pinnedTaskDefinition(td: RegisterTaskDefinitionCommandInput & Record<string, unknown>, secretArn: string, version: string): RegisterTaskDefinitionCommandInput {
  const { taskDefinitionArn: _a, revision: _r, status: _s, requiresAttributes: _q, compatibilities: _c, registeredAt: _t, registeredBy: _b, deregisteredAt: _d, ...input } = td;
  const base = secretArn.replace(/-[A-Za-z0-9]{6}$/, '');
  const pin = (s: { name?: string; valueFrom?: string }) => {
    const m = /^(arn:[^:]+:secretsmanager:[^:]+:[^:]+:secret:[^:]+):([^:]*):([^:]*):([^:]*)$/.exec(s.valueFrom ?? '');
    if (!m || !(m[1] === secretArn || m[1] === base) || !DB_SECRET_KEYS.has(m[2]!)) return s;
    return { ...s, valueFrom: `${m[1]}:${m[2]}::${version}` };
  };
  return {
    ...input,
    containerDefinitions: (input.containerDefinitions ?? []).map((c) => {
      const reads = (c.secrets ?? []).some((s) => pin(s) !== s);
      const login = reads ? (c.environment ?? []).filter((e) => LOGIN_ENV.has(e.name ?? '')).map((e) => ({ name: e.name!, valueFrom: `${secretArn}:username::` })) : [];
      return {
        ...c,
        environment: reads ? (c.environment ?? []).filter((e) => !LOGIN_ENV.has(e.name ?? '')) : c.environment,
        secrets: [...(c.secrets ?? []), ...login].map(pin).sort((x, y) => (x.name ?? '').localeCompare(y.name ?? '')),
      };
    }),
  } as RegisterTaskDefinitionCommandInput;
}

async function waitApplied(a: AwsCtx, id: string, signal: AbortSignal): Promise<void> {
  let status = '?';
  const r = await poll(async () => {
    const db = await describeDb(a.c.rds, id);
    status = `${db?.DBInstanceStatus ?? 'missing'}${db?.PendingModifiedValues?.MasterUserPassword ? ', password pending' : ''}`;
    return db?.DBInstanceStatus === 'available' && !db.PendingModifiedValues?.MasterUserPassword ? { done: true } : undefined;
  }, awsPoll('resource', signal, 1800_000));
  if (r.kind !== 'done') throw new SlipwayError({ key: 'rotate.aws.modifyTimeout', params: { db: id, status }, fix: 'rotate.aws.modifyTimeout.fix', fixParams: { env: a.envr.name } });
}

function dbId(a: AwsCtx, ctx: Pick<StepContext, 'data'>): string {
  const id = outputsOf(ctx, 'database').DbInstanceId;
  if (!id) throw new SlipwayError({ key: 'rotate.aws.noSecret', params: { env: a.envr.name, secret: 'database stack' }, fix: 'rotate.aws.noSecret.fix', fixParams: { env: a.envr.name } });
  return id;
}

/** The master user's password: `password` (from a secret version), or, to take it away, a random one nobody stores. */
async function setMasterPassword(a: AwsCtx, ctx: Pick<StepContext, 'data' | 'signal'>, password: string): Promise<string> {
  const { ModifyDBInstanceCommand } = sdk.rds();
  const id = dbId(a, ctx);
  a.tc.redactor.add(password);
  await a.c.rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: id, MasterUserPassword: password, ApplyImmediately: true }));
  await waitApplied(a, id, ctx.signal);
  return id;
}

/**
 * Run one admin SQL task as the master user (its password = `masterVersion`'s), `sql` reading
 * NEWPW from `newVersion`. Its task definition is deregistered afterwards; a failure throws.
 */
async function runAdmin(a: AwsCtx, ctx: Pick<StepContext, 'data' | 'signal' | 'runId'>, rec: (d: StepData) => Promise<void>, job: { masterVersion: string; newVersion?: string; sql: string; login: string }): Promise<string> {
  const db = outputsOf(ctx, 'database');
  const roles = outputsOf(ctx, 'service');
  const spec = serviceSpec(a, ctx);
  const logGroup = roles.LogGroupName ?? a.n.logGroup;
  const td = adminTaskDefinition({
    family: `${a.n.family}-dbadmin`,
    image: adminImage(a.envr.database?.version ?? 15),
    executionRoleArn: roles.ExecutionRoleArn!,
    logGroup,
    region: a.c.region,
    db: { host: db.DbEndpointAddress!, port: db.DbEndpointPort ?? '5432', name: a.envr.database!.name, master: a.envr.database!.user },
    secretArn: await secretArn(a),
    masterVersion: job.masterVersion,
    ...(job.newVersion ? { newVersion: job.newVersion } : {}),
    sql: job.sql,
    tags: a.tags.map((t) => ({ key: t.Key, value: t.Value })),
  });
  const run = { cluster: spec.cluster, subnets: spec.subnets, securityGroups: spec.securityGroups, timeoutMs: a.envr.target.migrateTimeoutSeconds * 1000 };
  let tdArn: string | undefined;
  try {
    const started = await startAdminTask(a.c, td, run, `slipway-${ctx.runId}`.slice(0, 36), async (arn) => {
      tdArn = arn;
      await rec({ adminTaskDefinition: arn });
    });
    await rec({ adminTask: started.taskArn });
    const r = await waitAdminTask(a.c, run, started.taskArn, ctx.signal);
    if (!r.ok) {
      const lines = (await taskLogLines(a.c, logGroup, ADMIN_CONTAINER, started.taskArn, 10)).map((l) => a.tc.redactor.redact(l));
      throw new SlipwayError({ key: 'rotate.aws.adminFailed', params: { task: started.taskArn.split('/').pop() ?? started.taskArn, reason: r.reason, login: job.login }, fix: 'rotate.aws.adminFailed.fix', fixParams: { group: logGroup, env: a.envr.name }, evidence: lines });
    }
    return started.taskArn;
  } finally {
    if (tdArn) await deregisterAdmin(a.c, tdArn);
  }
}

export function rotatePlan(a: AwsCtx): Plan {
  const master = a.envr.database?.user ?? '';
  const committed = (ctx: Pick<StepContext, 'isDone'>) => ctx.isDone(SWITCH);
  const steps: Step[] = [
    stackOutputsStep(a),
    {
      id: 'rotate-pending',
      titleKey: 'rotate.aws.step.pending',
      needs: ['stack-outputs'],
      async run(ctx): Promise<StepData> {
        const { PutSecretValueCommand, UpdateSecretVersionStageCommand } = sdk.sm();
        const stages = await stagesOf(a);
        const current = holding(stages, CURRENT)!;
        const cur = await secretValue(a, { VersionId: current });
        const live = cur.username || master;
        const login = live === master ? altLogin(master) : master;
        // A version left AWSPENDING by a rotation whose undo did not finish: never reuse it.
        const left = holding(stages, PENDING);
        if (left && left !== current) await a.c.sm.send(new UpdateSecretVersionStageCommand({ SecretId: a.n.dbSecret, VersionStage: PENDING, RemoveFromVersionId: left }));
        const token = randomUUID();
        await ctx.record({ pending: token, current, live, login });
        const password = generatePassword();
        a.tc.redactor.add(password);
        const url = cur.host ? `postgres://${encodeURIComponent(login)}:${encodeURIComponent(password)}@${cur.host}:${cur.port ?? 5432}/${cur.dbname}` : undefined;
        if (url) a.tc.redactor.add(url);
        await a.c.sm.send(new PutSecretValueCommand({ SecretId: a.n.dbSecret, ClientRequestToken: token, SecretString: JSON.stringify({ ...cur, username: login, password, ...(url ? { url } : {}) }), VersionStages: [PENDING] }));
        ctx.log('rotate.aws.logins', { live, login });
        return { pending: token, current, live, login };
      },
      async undo(ctx) {
        const { UpdateSecretVersionStageCommand } = sdk.sm();
        const pending = str(ctx, 'rotate-pending', 'pending');
        if (!pending || committed(ctx)) return;
        const stages = await stagesOf(a);
        if (stages[pending]?.includes(PENDING) && !stages[pending]?.includes(CURRENT)) {
          await a.c.sm.send(new UpdateSecretVersionStageCommand({ SecretId: a.n.dbSecret, VersionStage: PENDING, RemoveFromVersionId: pending }));
        }
      },
    },
    {
      id: 'set-login',
      titleKey: 'rotate.aws.step.login',
      needs: ['rotate-pending'],
      async run(ctx): Promise<StepData> {
        const login = str(ctx, 'rotate-pending', 'login')!;
        const pending = str(ctx, 'rotate-pending', 'pending')!;
        if (login === master) {
          const value = await secretValue(a, { VersionId: pending });
          await ctx.record({ how: 'modify' });
          const id = await setMasterPassword(a, ctx, value.password);
          ctx.log('rotate.aws.loginSet', { login, how: `RDS ${id}` });
          return { how: 'modify', db: id };
        }
        await ctx.record({ how: 'sql' });
        const task = await runAdmin(a, ctx, (d) => ctx.record(d), { masterVersion: str(ctx, 'rotate-pending', 'current')!, newVersion: pending, sql: setLoginSql(login, master), login: str(ctx, 'rotate-pending', 'live')! });
        ctx.log('rotate.aws.loginSet', { login, how: `task ${task.split('/').pop() ?? task}` });
        return { how: 'sql', adminTask: task };
      },
      async undo(ctx) {
        // The new login gets no password again (the live one was never touched).
        const how = str(ctx, 'set-login', 'how');
        if (!how || committed(ctx)) return;
        if (how === 'sql' && !str(ctx, 'set-login', 'adminTaskDefinition')) return; // no admin task was started
        const login = str(ctx, 'rotate-pending', 'login')!;
        if (how === 'modify') await setMasterPassword(a, ctx, generatePassword());
        else await runAdmin(a, ctx, async () => undefined, { masterVersion: str(ctx, 'rotate-pending', 'current')!, sql: dropPasswordSql(login), login: str(ctx, 'rotate-pending', 'live')! });
        ctx.log('rotate.revoked', { login });
      },
    },
    {
      id: 'register-task-definition',
      titleKey: 'rotate.aws.step.register',
      needs: ['set-login'],
      async run(ctx): Promise<StepData> {
        const { DescribeTaskDefinitionCommand } = sdk.ecs();
        const active = await a.ledger.get((await a.ledger.activeId()) ?? '');
        const from = typeof active?.details.taskDefinitionArn === 'string' ? active.details.taskDefinitionArn : undefined;
        if (!active || !from) throw new SlipwayError({ key: 'rotate.aws.noRelease', params: { env: a.envr.name }, fix: 'rotate.noRelease.fix', fixParams: { env: a.envr.name } });
        const d = await a.c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: from, include: ['TAGS'] }));
        const version = str(ctx, 'rotate-pending', 'pending')!;
        const td = pinnedTaskDefinition({ ...(d.taskDefinition as RegisterTaskDefinitionCommandInput & Record<string, unknown>), ...(d.tags?.length ? { tags: d.tags } : {}) }, await secretArn(a), version);
        const id = releaseId();
        await ctx.record({ release: id, previous: from, from: active.id });
        const { finishedAt: _f, evidence: _e, active: _x, ...base } = active;
        await a.ledger.put({ ...base, id, createdAt: new Date().toISOString(), result: 'pending', details: { ...active.details, previous: from, rotatedFrom: active.id, dbSecretVersion: version } });
        const arn = await registerRevision(a.c, td);
        await ctx.record({ taskDefinitionArn: arn });
        await a.ledger.update(id, { details: { ...active.details, previous: from, rotatedFrom: active.id, dbSecretVersion: version, taskDefinitionArn: arn, revision: Number(arn.split(':').pop()) } });
        ctx.log('aws.release.registered', { revision: arn.split('/').pop() ?? arn, release: id });
        return { release: id, taskDefinitionArn: arn, previous: from };
      },
      async undo(ctx) {
        if (committed(ctx)) return; // past the switch: the rotation finishes forward
        const arn = str(ctx, 'register-task-definition', 'taskDefinitionArn');
        const id = str(ctx, 'register-task-definition', 'release');
        if (arn) await deregisterRevision(a.c, arn);
        if (id) {
          const rec = await a.ledger.get(id).catch(() => undefined);
          if (rec?.result === 'pending') await a.ledger.update(id, { result: 'failed', finishedAt: new Date().toISOString() }).catch(() => undefined);
        }
      },
    },
    {
      id: 'update-service',
      titleKey: 'aws.step.update-service',
      needs: ['register-task-definition'],
      async run(ctx): Promise<StepData> {
        const target = str(ctx, 'register-task-definition', 'taskDefinitionArn')!;
        await ctx.record({ previous: str(ctx, 'register-task-definition', 'previous') ?? '', startedAt: new Date().toISOString() });
        const how = await applyService(a.c, serviceSpec(a, ctx), target);
        ctx.log('aws.service.applied', { how, service: a.n.service, revision: target.split('/').pop() ?? target });
        return { how };
      },
      async undo(ctx) {
        if (committed(ctx)) return;
        await revertService(a, ctx, str(ctx, 'update-service', 'previous'));
      },
    },
    ...watchSteps(a, {}, 'register-task-definition'),
    {
      id: SWITCH,
      titleKey: 'rotate.aws.step.promote',
      needs: ['verify'],
      commit: true,
      async run(ctx): Promise<StepData> {
        const { UpdateSecretVersionStageCommand } = sdk.sm();
        const pending = str(ctx, 'rotate-pending', 'pending')!;
        const stages = await stagesOf(a);
        const current = holding(stages, CURRENT);
        if (current !== pending) await a.c.sm.send(new UpdateSecretVersionStageCommand({ SecretId: a.n.dbSecret, VersionStage: CURRENT, MoveToVersionId: pending, ...(current ? { RemoveFromVersionId: current } : {}) }));
        if ((await stagesOf(a))[pending]?.includes(PENDING)) await a.c.sm.send(new UpdateSecretVersionStageCommand({ SecretId: a.n.dbSecret, VersionStage: PENDING, RemoveFromVersionId: pending }));
        return { current: pending, previous: current ?? '' };
      },
    },
    { ...recordStep(a, 'register-task-definition', 'deploy'), needs: [SWITCH] },
    {
      id: 'revoke-old',
      titleKey: 'rotate.aws.step.revoke',
      needs: ['record-release'],
      async run(ctx): Promise<StepData> {
        const old = str(ctx, 'rotate-pending', 'live')!;
        if (old === master) await setMasterPassword(a, ctx, generatePassword());
        else await runAdmin(a, ctx, (d) => ctx.record(d), { masterVersion: str(ctx, 'rotate-pending', 'pending')!, sql: dropPasswordSql(old), login: str(ctx, 'rotate-pending', 'login')! });
        ctx.log('rotate.revoked', { login: old });
        return { revoked: old };
      },
    },
  ];
  return { kind: 'rotate-password', meta: {}, steps };
}
