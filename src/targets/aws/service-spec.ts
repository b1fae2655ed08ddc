/** The ECS service as the release steps see it: its spec from the stacks' outputs, and putting it back. */
import type { StepContext } from '../../engine/step.js';
import type { AwsCtx } from './context.js';
import { outputsOf } from './context.js';
import { applyService, describeService, type ServiceSpec } from './rollout.js';
import { sdk } from '../../engine/aws-sdk.js';

type Reader = Pick<StepContext, 'data'>;

export function serviceSpec(a: AwsCtx, ctx: Reader): ServiceSpec {
  const net = outputsOf(ctx, 'network');
  const t = a.envr.target;
  const tg = outputsOf(ctx, 'alb').TargetGroupArn;
  return {
    cluster: outputsOf(ctx, 'cluster').ClusterName ?? a.n.prefix,
    service: a.n.service,
    desiredCount: t.autoscaling ? Math.max(t.autoscaling.min, t.desiredCount) : t.desiredCount,
    subnets: [net.PublicSubnet1Id, net.PublicSubnet2Id].filter((x): x is string => Boolean(x)),
    securityGroups: [outputsOf(ctx, 'security').AppSecurityGroupId].filter((x): x is string => Boolean(x)),
    ...(tg ? { targetGroupArn: tg } : {}),
    container: a.n.container,
    port: a.envr.app.port,
    autoscaled: Boolean(t.autoscaling),
  };
}

/** Put the service back on `previous` (a direct update-service); with none, scale to zero. Idempotent. */
export async function revertService(a: AwsCtx, ctx: Reader, previous: string | undefined): Promise<void> {
  const { UpdateServiceCommand } = sdk.ecs();
  const spec = serviceSpec(a, ctx);
  const svc = await describeService(a.c, spec.cluster, spec.service);
  if (!svc) return;
  if (previous) await applyService(a.c, spec, previous);
  else if (svc.desiredCount !== 0) await a.c.ecs.send(new UpdateServiceCommand({ cluster: spec.cluster, service: spec.service, desiredCount: 0 }));
}
