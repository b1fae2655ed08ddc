/**
 * `slipway db rotate-password` on aws: the RDS master password the tasks use.
 *
 * 1. rotate-pending: the new password (the one generation rule) goes into the master secret
 *    as a new version staged AWSPENDING — before anything else changes (a crash leaves it in
 *    Secrets Manager, never in a local file, log or argument).
 * 2. register-task-definition: the active release's task definition, with its database
 *    secrets pinned to that version (`<arn>:password::<versionId>`): the tasks it starts read
 *    the new password whatever the stages say.
 * 3. modify-db (the commit point): ModifyDBInstance MasterUserPassword, ApplyImmediately,
 *    waited until RDS has applied it; from here the old password is rejected.
 * 4. promote-secret: the version becomes AWSCURRENT (the old one AWSPREVIOUS), so any task of
 *    an older revision (a rollback, a replacement) reads the new password too.
 * 5. update-service → wait-stable (health-gated, circuit breaker) → verify → record.
 *
 * Crash-safety: before the commit an interrupted rotation is undone (the DB set back to the
 * AWSCURRENT password if the modify had started, the pending stage removed, the revision
 * deregistered); after it, the next command finishes it forward. A failed rollout after the
 * commit puts the service back on the previous revision, which reads AWSCURRENT = the new
 * password: DB and tasks agree either way.
 *
 * The limit (see docs/aws.md): RDS has one master user and the tasks log in as it, so between
 * step 3 and the old tasks' replacement their *new* connections are rejected (open ones stay).
 */
import { randomUUID } from 'node:crypto';
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { generatePassword } from '../../db/password.js';
import { SlipwayError } from '../../engine/errors.js';
import '../../engine/messages/rotate.js';
import { poll } from '../../engine/poll.js';
import type { Plan, Step, StepContext, StepData } from '../../engine/step.js';
import { awsErrorName, awsPoll } from './clients.js';
import type { AwsCtx } from './context.js';
import { outputsOf, str } from './context.js';
import { describeDb, type DbSecretValue } from './database.js';
import { releaseId } from './ledger.js';
import { applyService, deregisterRevision, registerRevision } from './rollout.js';
import { stackOutputsStep } from './rollback.js';
import { revertService, serviceSpec, watchSteps } from './steps-release.js';
import { recordStep } from './steps-watch.js';
import { sdk } from '../../engine/aws-sdk.js';

const PENDING = 'AWSPENDING';
const CURRENT = 'AWSCURRENT';

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

/** The task definition to register: the active one's, database secrets pinned to `version`. */
export function pinnedTaskDefinition(td: RegisterTaskDefinitionCommandInput & Record<string, unknown>, secretArn: string, version: string): RegisterTaskDefinitionCommandInput {
  const { taskDefinitionArn: _a, revision: _r, status: _s, requiresAttributes: _q, compatibilities: _c, registeredAt: _t, registeredBy: _b, deregisteredAt: _d, ...input } = td;
  const base = secretArn.replace(/-[A-Za-z0-9]{6}$/, '');
  return {
    ...input,
    containerDefinitions: (input.containerDefinitions ?? []).map((c) => ({
      ...c,
      secrets: (c.secrets ?? []).map((s) => {
        const m = /^(arn:[^:]+:secretsmanager:[^:]+:[^:]+:secret:[^:]+):([^:]*):([^:]*):([^:]*)$/.exec(s.valueFrom ?? '');
        if (!m || !(m[1] === secretArn || m[1] === base)) return s;
        return { ...s, valueFrom: `${m[1]}:${m[2]}::${version}` };
      }),
    })),
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

async function setMasterPassword(a: AwsCtx, ctx: Pick<StepContext, 'data' | 'signal'>, password: string): Promise<string> {
  const { ModifyDBInstanceCommand } = sdk.rds();
  const id = outputsOf(ctx, 'database').DbInstanceId;
  if (!id) throw new SlipwayError({ key: 'rotate.aws.noSecret', params: { env: a.envr.name, secret: 'database stack' }, fix: 'rotate.aws.noSecret.fix', fixParams: { env: a.envr.name } });
  await a.c.rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: id, MasterUserPassword: password, ApplyImmediately: true }));
  await waitApplied(a, id, ctx.signal);
  return id;
}

export function rotatePlan(a: AwsCtx): Plan {
  const steps: Step[] = [
    stackOutputsStep(a),
    {
      id: 'rotate-pending',
      titleKey: 'rotate.aws.step.pending',
      needs: ['stack-outputs'],
      async run(ctx): Promise<StepData> {
        const { PutSecretValueCommand } = sdk.sm();
        const stages = await stagesOf(a);
        const current = holding(stages, CURRENT)!;
        const cur = await secretValue(a, { VersionId: current });
        const left = holding(stages, PENDING);
        if (left && left !== current) return { pending: left, current }; // a crashed rotation's version: use it
        const token = randomUUID();
        await ctx.record({ pending: token, current });
        const password = generatePassword();
        a.tc.redactor.add(password);
        const url = cur.host ? `postgres://${encodeURIComponent(cur.username)}:${encodeURIComponent(password)}@${cur.host}:${cur.port ?? 5432}/${cur.dbname}` : undefined;
        if (url) a.tc.redactor.add(url);
        await a.c.sm.send(new PutSecretValueCommand({ SecretId: a.n.dbSecret, ClientRequestToken: token, SecretString: JSON.stringify({ ...cur, password, ...(url ? { url } : {}) }), VersionStages: [PENDING] }));
        return { pending: token, current };
      },
      async undo(ctx) {
        const { UpdateSecretVersionStageCommand } = sdk.sm();
        const pending = str(ctx, 'rotate-pending', 'pending');
        if (!pending || ctx.isDone('modify-db')) return;
        const stages = await stagesOf(a);
        if (stages[pending]?.includes(PENDING) && !stages[pending]?.includes(CURRENT)) {
          await a.c.sm.send(new UpdateSecretVersionStageCommand({ SecretId: a.n.dbSecret, VersionStage: PENDING, RemoveFromVersionId: pending }));
        }
      },
    },
    {
      id: 'register-task-definition',
      titleKey: 'rotate.aws.step.register',
      needs: ['rotate-pending'],
      async run(ctx): Promise<StepData> {
        const { DescribeTaskDefinitionCommand } = sdk.ecs();
        const { DescribeSecretCommand } = sdk.sm();
        const active = await a.ledger.get((await a.ledger.activeId()) ?? '');
        const from = typeof active?.details.taskDefinitionArn === 'string' ? active.details.taskDefinitionArn : undefined;
        if (!active || !from) throw new SlipwayError({ key: 'rotate.aws.noRelease', params: { env: a.envr.name }, fix: 'rotate.noRelease.fix', fixParams: { env: a.envr.name } });
        const d = await a.c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: from, include: ['TAGS'] }));
        const arnOfSecret = (await a.c.sm.send(new DescribeSecretCommand({ SecretId: a.n.dbSecret }))).ARN!;
        const version = str(ctx, 'rotate-pending', 'pending')!;
        const td = pinnedTaskDefinition({ ...(d.taskDefinition as RegisterTaskDefinitionCommandInput & Record<string, unknown>), ...(d.tags?.length ? { tags: d.tags } : {}) }, arnOfSecret, version);
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
        const arn = str(ctx, 'register-task-definition', 'taskDefinitionArn');
        const id = str(ctx, 'register-task-definition', 'release');
        if (ctx.isDone('modify-db')) return; // past the commit: update-service's undo and the ledger say what serves
        if (arn) await deregisterRevision(a.c, arn);
        if (id) await a.ledger.update(id, { result: 'failed', finishedAt: new Date().toISOString() }).catch(() => undefined);
      },
    },
    {
      id: 'modify-db',
      titleKey: 'rotate.aws.step.modify-db',
      needs: ['register-task-definition'],
      commit: true,
      async run(ctx): Promise<StepData> {
        const pending = await secretValue(a, { VersionId: str(ctx, 'rotate-pending', 'pending')! });
        await ctx.record({ modifying: true });
        const id = await setMasterPassword(a, ctx, pending.password);
        ctx.log('rotate.aws.modified', { db: id });
        return { db: id };
      },
      async undo(ctx) {
        // Interrupted before RDS confirmed it: put back the password AWSCURRENT (the running tasks) holds.
        if (ctx.isDone('modify-db') || !ctx.data('modify-db')?.modifying) return;
        const stages = await stagesOf(a);
        if (holding(stages, CURRENT) === str(ctx, 'rotate-pending', 'pending')) return;
        await setMasterPassword(a, ctx, (await secretValue(a, { VersionStage: CURRENT })).password);
      },
    },
    {
      id: 'promote-secret',
      titleKey: 'rotate.aws.step.promote',
      needs: ['modify-db'],
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
    {
      id: 'update-service',
      titleKey: 'aws.step.update-service',
      needs: ['promote-secret'],
      async run(ctx): Promise<StepData> {
        const target = str(ctx, 'register-task-definition', 'taskDefinitionArn')!;
        await ctx.record({ previous: str(ctx, 'register-task-definition', 'previous') ?? '', startedAt: new Date().toISOString() });
        const how = await applyService(a.c, serviceSpec(a, ctx), target);
        ctx.log('aws.service.applied', { how, service: a.n.service, revision: target.split('/').pop() ?? target });
        return { how };
      },
      async undo(ctx) {
        await revertService(a, ctx, str(ctx, 'update-service', 'previous'));
      },
    },
    ...watchSteps(a, {}, 'register-task-definition'),
    recordStep(a, 'register-task-definition', 'deploy'),
  ];
  return { kind: 'rotate-password', meta: {}, steps };
}
