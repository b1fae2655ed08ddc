/**
 * `slipway rollback [--to <release|revision>]`: put the service back on a previous good
 * release's task definition with a direct update-service, then watch, verify and record.
 */
import type { Plan, Step, StepData } from '../../engine/step.js';
import { SlipwayError } from '../../engine/errors.js';
import type { RollbackOptions } from '../types.js';
import type { AwsCtx } from './context.js';
import { rollbackMeta } from './request.js';
import { str } from './context.js';
import type { Layer } from './names.js';
import { describeStack, outputsOf } from './stacks.js';
import { applyService } from './rollout.js';
import { lastGoodOf } from './ledger.js';
import { revertService, serviceSpec, watchSteps } from './steps-release.js';
import { recordStep } from './steps-watch.js';

/** Read every stack's outputs (plans that do not deploy infrastructure). */
export function stackOutputsStep(a: AwsCtx): Step {
  return {
    id: 'stack-outputs',
    titleKey: 'aws.step.stack-outputs',
    async run(): Promise<StepData> {
      const out: StepData = {};
      for (const l of ['network', 'security', 'database', 'registry', 'cluster', 'alb', 'service'] as Layer[]) out[l] = outputsOf(await describeStack(a.c.cfn, a.n.stack(l)));
      return out;
    },
  };
}

export function rollbackPlan(a: AwsCtx, opts: RollbackOptions): Plan {
  const to = opts.to;
  const steps: Step[] = [
    stackOutputsStep(a),
    {
      id: 'resolve-release',
      titleKey: 'aws.step.resolve-release',
      needs: ['stack-outputs'],
      async run(ctx): Promise<StepData> {
        const all = await a.ledger.list();
        const active = all.find((r) => r.active);
        const pick = to
          ? all.find((r) => r.id === to || String(r.details.revision) === to.replace(/^.*:/, '') || r.details.taskDefinitionArn === to)
          : lastGoodOf(all, active?.id);
        if (pick && pick.details.retired !== undefined) {
          throw new SlipwayError({ key: 'aws.rollback.retired', params: { release: pick.id, at: String(pick.details.retired) }, fix: 'aws.rollback.retired.fix', exitCode: 2 });
        }
        if (!pick || typeof pick.details.taskDefinitionArn !== 'string') {
          throw new SlipwayError({ key: to ? 'aws.rollback.unknown' : 'aws.rollback.none', params: { to: to ?? '', known: all.map((r) => `${r.id} (rev ${r.details.revision ?? '?'}, ${r.result}${r.details.retired === undefined ? '' : ', retired'})`).join(', ') || '-' }, exitCode: 2 });
        }
        // If this rollback fails, return to the last good release other than the pick (or scale to 0).
        const back = lastGoodOf(all, pick.id)?.details.taskDefinitionArn;
        ctx.log('aws.rollback.target', { release: pick.id, revision: String(pick.details.revision ?? ''), from: active?.id ?? '-' });
        return { release: pick.id, taskDefinitionArn: pick.details.taskDefinitionArn, from: active?.id ?? '', previous: typeof back === 'string' ? back : '' };
      },
    },
    {
      id: 'update-service',
      titleKey: 'aws.step.update-service',
      needs: ['resolve-release'],
      commit: true,
      async run(ctx): Promise<StepData> {
        await ctx.record({ previous: str(ctx, 'resolve-release', 'previous') ?? '', startedAt: new Date().toISOString() });
        const how = await applyService(a.c, serviceSpec(a, ctx), str(ctx, 'resolve-release', 'taskDefinitionArn')!);
        ctx.log('aws.service.applied', { how, service: a.n.service, revision: str(ctx, 'resolve-release', 'taskDefinitionArn')!.split('/').pop() ?? '' });
        return { how };
      },
      async undo(ctx) {
        await revertService(a, ctx, str(ctx, 'update-service', 'previous'));
      },
    },
    ...watchSteps(a, opts, 'resolve-release'),
    recordStep(a, 'resolve-release', 'rollback'),
  ];
  return { kind: 'rollback', meta: rollbackMeta(opts), steps };
}
