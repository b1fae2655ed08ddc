/**
 * `slipway destroy` for AWS, in reverse dependency order (runbook "清理资源"): service,
 * autoscaling, final DB snapshot, database, security groups, load balancer, network,
 * cluster, emptied ECR repository, roles/logs, secrets. Deletion protection is lifted only
 * with `force`. The first deletion is the commit point: an interrupted destroy resumes.
 */
import type { Plan, Step, StepContext, StepData } from '../../engine/step.js';
import { SlipwayError } from '../../engine/errors.js';
import type { AwsCtx } from './context.js';
import { destroyMeta } from './request.js';
import { awsErrorName } from './clients.js';
import type { Layer } from './names.js';
import { deleteStack, describeStack, outputsOf as stackOutputs } from './stacks.js';
import { describeDb, setDeletionProtection, snapshotDb } from './database.js';
import { deregisterRevision, describeService } from './rollout.js';
import { logStackEvents } from './steps-infra.js';
import { sdk } from '../../engine/aws-sdk.js';

export function destroyPlan(a: AwsCtx, opts: { force: boolean }): Plan {
  const io = (ctx: StepContext, stack: string) => ({
    cfn: a.c.cfn,
    onEvent: logStackEvents(a, ctx, stack),
    signal: ctx.signal,
    onLeak: (reason: string) => ctx.warn('aws.stack.deleteLeaked', { stack, reason }),
  });
  const del = (layer: Layer, needs: string[], before?: (ctx: StepContext) => Promise<void>): Step => ({
    id: `delete-${layer}-stack`,
    titleKey: 'aws.step.deleteStack',
    titleParams: { stack: a.n.stack(layer) },
    needs,
    async run(ctx): Promise<StepData> {
      if (before) await before(ctx);
      const gone = await deleteStack(io(ctx, a.n.stack(layer)), a.n.stack(layer));
      ctx.log(gone ? 'aws.stack.deleted' : 'aws.stack.absent', { stack: a.n.stack(layer) });
      return { deleted: gone };
    },
  });
  const steps: Step[] = [
    {
      id: 'inspect',
      titleKey: 'aws.step.inspect',
      async run(): Promise<StepData> {
        const outputs: Record<string, StepData> = {};
        for (const l of ['network', 'security', 'database', 'registry', 'cluster', 'alb', 'service'] as Layer[]) outputs[l] = stackOutputs(await describeStack(a.c.cfn, a.n.stack(l)));
        const dbId = outputs.database?.DbInstanceId;
        const db = typeof dbId === 'string' ? await describeDb(a.c.rds, dbId) : undefined;
        if (db?.DeletionProtection && !opts.force) {
          throw new SlipwayError({ key: 'aws.destroy.protected', params: { id: String(dbId) }, fix: 'aws.destroy.protected.fix', exitCode: 1 });
        }
        return { ...outputs, dbId: typeof dbId === 'string' ? dbId : '' };
      },
    },
    {
      id: 'delete-service',
      titleKey: 'aws.step.deleteService',
      titleParams: { service: a.n.service },
      needs: ['inspect'],
      commit: true,
      async run(ctx): Promise<StepData> {
        const { DeleteServiceCommand, UpdateServiceCommand } = sdk.ecs();
        const cluster = (ctx.data('inspect')?.cluster as StepData | undefined)?.ClusterName;
        if (typeof cluster !== 'string' || !(await describeService(a.c, cluster, a.n.service))) return { deleted: false };
        await a.c.ecs.send(new UpdateServiceCommand({ cluster, service: a.n.service, desiredCount: 0 })).catch(() => undefined);
        await a.c.ecs.send(new DeleteServiceCommand({ cluster, service: a.n.service, force: true }));
        return { deleted: true };
      },
    },
    {
      id: 'retire-releases',
      titleKey: 'aws.step.retireReleases',
      needs: ['delete-service'],
      async run(ctx): Promise<StepData> {
        // The releases of this generation name roles, secrets and a database host that are about
        // to go: deregister their task definitions and mark them so rollback never picks them.
        const at = new Date().toISOString();
        let count = 0;
        for (const r of await a.ledger.list()) {
          if (r.details.retired !== undefined) continue;
          if (typeof r.details.taskDefinitionArn === 'string') await deregisterRevision(a.c, r.details.taskDefinitionArn);
          await a.ledger.put({ ...r, details: { ...r.details, retired: at } });
          count++;
        }
        await a.ledger.clearActive();
        ctx.log('aws.destroy.retired', { count });
        return { retired: count };
      },
    },
    del('scaling', ['delete-service']),
    {
      id: 'final-snapshot',
      titleKey: 'aws.step.finalSnapshot',
      needs: ['delete-service'],
      async run(ctx): Promise<StepData> {
        const id = String(ctx.data('inspect')?.dbId ?? '');
        if (!id || !(await describeDb(a.c.rds, id))) return { skipped: true };
        const snap = str(ctx) ?? `${a.n.prefix}-final-${Date.now()}`;
        await ctx.record({ snapshotId: snap });
        await snapshotDb(a.c.rds, id, snap, ctx.signal);
        ctx.log('aws.snapshot.done', { snapshot: snap });
        if (opts.force && (await setDeletionProtection(a.c.rds, id, false))) ctx.warn('aws.destroy.unprotected', { id });
        return { snapshotId: snap };
      },
    },
    del('database', ['final-snapshot']),
    del('security', ['delete-database-stack', 'delete-service']),
    del('alb', ['delete-security-stack']),
    del('network', ['delete-alb-stack', 'delete-security-stack', 'delete-database-stack']),
    del('cluster', ['delete-service']),
    del('registry', ['delete-service'], async (ctx) => {
      const { BatchDeleteImageCommand, ListImagesCommand } = sdk.ecr();
      const repo = (ctx.data('inspect')?.registry as StepData | undefined)?.RepositoryName;
      if (typeof repo !== 'string') return;
      try {
        let token: string | undefined;
        do {
          const r = await a.c.ecr.send(new ListImagesCommand({ repositoryName: repo, ...(token ? { nextToken: token } : {}) }));
          if (r.imageIds?.length) await a.c.ecr.send(new BatchDeleteImageCommand({ repositoryName: repo, imageIds: r.imageIds }));
          token = r.nextToken;
        } while (token);
      } catch (e) {
        if (awsErrorName(e) !== 'RepositoryNotFoundException') throw e;
      }
    }),
    del('service', ['delete-service']),
    {
      id: 'delete-secrets',
      titleKey: 'aws.step.deleteSecrets',
      needs: ['delete-database-stack', 'delete-service-stack'],
      async run(ctx): Promise<StepData> {
        const { DeleteSecretCommand } = sdk.sm();
        for (const name of [a.n.dbSecret, a.n.appSecret]) {
          try {
            await a.c.sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
            ctx.log('aws.secret.scheduled', { name });
          } catch (e) {
            if (awsErrorName(e) !== 'ResourceNotFoundException' && awsErrorName(e) !== 'InvalidRequestException') throw e;
          }
        }
        await a.ledger.clearActive();
        return {};
      },
    },
  ];
  return { kind: 'destroy', meta: destroyMeta(opts), steps };
}

function str(ctx: StepContext): string | undefined {
  const v = ctx.data('final-snapshot')?.snapshotId;
  return typeof v === 'string' ? v : undefined;
}
