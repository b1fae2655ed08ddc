/**
 * Deploy steps for the slow-changing infrastructure (runbook phase 1): one step per stack,
 * run in parallel where independent; outputs flow into the next stacks' parameters.
 */
import type { Parameter } from '@aws-sdk/client-cloudformation';
import type { Step, StepContext, StepData } from '../../engine/step.js';
import { SlipwayError } from '../../engine/errors.js';
import type { AwsCtx } from './context.js';
import { outputsOf, str } from './context.js';
import { stackSpecs, hasManagedDb, type StackSpec } from './synth.js';
import { deployStack, describeStack } from './stacks.js';
import { completeDbSecret, ensureDbSecret, offeredVersions, resolveEngineVersion, setDeletionProtection } from './database.js';
import { storeAppSecrets } from './secrets.js';
import type { Layer } from './names.js';
import { sdk } from '../../engine/aws-sdk.js';

/** Parameters of a stack from upstream outputs and step data. */
export function paramsFor(spec: StackSpec, ctx: Pick<StepContext, 'data'>, inputs: Record<string, string | undefined>): Parameter[] {
  return Object.entries(spec.parameters).map(([key, src]) => {
    const value = 'stack' in src ? outputsOf(ctx, src.stack)[src.output] : inputs[src.input];
    if (value === undefined) throw new SlipwayError({ key: 'aws.stack.missingInput', params: { stack: spec.stackName, parameter: key } });
    return { ParameterKey: key, ParameterValue: value };
  });
}

export function logStackEvents(a: AwsCtx, ctx: StepContext, stack: string) {
  return (e: { LogicalResourceId?: string; ResourceType?: string; ResourceStatus?: string; ResourceStatusReason?: string }) =>
    ctx.log('aws.stack.event', { stack, resource: e.LogicalResourceId ?? '', type: e.ResourceType ?? '', status: e.ResourceStatus ?? '', reason: e.ResourceStatusReason ?? '' });
}

async function runStack(a: AwsCtx, ctx: StepContext, spec: StackSpec, inputs: Record<string, string | undefined> = {}) {
  const params = paramsFor(spec, ctx, inputs);
  await ctx.record({ stack: spec.stackName });
  const r = await deployStack({ cfn: a.c.cfn, onEvent: logStackEvents(a, ctx, spec.stackName), signal: ctx.signal }, spec, params, a.tags);
  ctx.log(r.changed ? (r.created ? 'aws.stack.created' : 'aws.stack.updated') : 'aws.stack.unchanged', { stack: spec.stackName, count: r.changes.length });
  return r;
}

const title = (layer: Layer) => `aws.step.${layer}`;

export function infraSteps(a: AwsCtx): Step[] {
  const specs = new Map(stackSpecs(a.envr).map((s) => [s.layer, s]));
  const managedDb = hasManagedDb(a.envr);
  const steps: Step[] = [
    {
      id: 'preflight',
      titleKey: 'aws.step.preflight',
      async run(ctx) {
        const { GetCallerIdentityCommand } = sdk.sts();
        if (a.tc.secrets.missing.length) {
          throw new SlipwayError({ key: 'secrets.missing', params: { names: a.tc.secrets.missing.join(', ') }, fix: 'secrets.missing.fix', fixParams: { file: `.env.${a.envr.name}` }, exitCode: 2 });
        }
        const clash = Object.keys(a.envr.env).filter((k) => a.envr.secretNames.includes(k) || k === 'DB_PASSWORD' || k === 'DATABASE_URL');
        if (clash.length) throw new SlipwayError({ key: 'aws.preflight.envClash', params: { names: clash.join(', ') }, exitCode: 2 });
        if (a.envr.env.DB_USERNAME !== undefined) ctx.warn('aws.preflight.dbUsername');
        const id = await a.c.sts.send(new GetCallerIdentityCommand({}));
        ctx.log('aws.preflight.identity', { account: id.Account ?? '?', arn: id.Arn ?? '?', region: a.c.region });
        return { account: id.Account ?? '' };
      },
    },
  ];
  const stackStep = (layer: Layer, needs: string[], extra?: (ctx: StepContext) => Promise<Record<string, string | undefined>>, after?: (ctx: StepContext, outputs: Record<string, string>) => Promise<void>): void => {
    const spec = specs.get(layer);
    if (!spec) return;
    steps.push({
      id: layer,
      titleKey: title(layer),
      titleParams: { stack: spec.stackName },
      needs: ['preflight', ...needs],
      async run(ctx) {
        const r = await runStack(a, ctx, spec, extra ? await extra(ctx) : {});
        if (after) await after(ctx, r.outputs);
        return { outputs: r.outputs, changed: r.changed };
      },
    });
  };
  stackStep('network', [], undefined, async (_ctx, out) => {
    // CloudFormation sets this; some emulators drop it, and Fargate tasks need it.
    const { DescribeVpcAttributeCommand, ModifyVpcAttributeCommand } = sdk.ec2();
    const vpc = out.VpcId;
    if (!vpc) return;
    const attr = await a.c.ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpc, Attribute: 'enableDnsHostnames' }));
    if (!attr.EnableDnsHostnames?.Value) await a.c.ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpc, EnableDnsHostnames: { Value: true } }));
  });
  stackStep('registry', []);
  stackStep('cluster', []);
  stackStep('service', []);
  stackStep('alb', ['network']);
  stackStep('security', specs.has('alb') ? ['network', 'alb'] : ['network']);
  if (managedDb) {
    steps.push({
      id: 'db-secret',
      titleKey: 'aws.step.db-secret',
      titleParams: { name: a.n.dbSecret },
      needs: ['preflight'],
      async run(ctx) {
        const r = await ensureDbSecret(a.c.sm, a.n.dbSecret, a.envr.database!.user, a.envr.database!.name, a.tags);
        ctx.log(r.created ? 'aws.dbSecret.created' : 'aws.dbSecret.exists', { name: a.n.dbSecret });
        return { arn: r.arn };
      },
    });
    stackStep(
      'database',
      ['network', 'security', 'db-secret'],
      async (ctx) => {
        const major = a.envr.database!.version;
        const live = await describeStack(a.c.cfn, a.n.stack('database'));
        const current = live?.Parameters?.find((p) => p.ParameterKey === 'EngineVersion')?.ParameterValue;
        const res = resolveEngineVersion(major, current ? undefined : await offeredVersions(a.c.rdsOnce, major), current);
        if (res.warning) ctx.warn('aws.engine.fallback', { major, version: res.version });
        else ctx.log('aws.engine.resolved', { version: res.version, source: res.source });
        return { DbSecretArn: str(ctx, 'db-secret', 'arn'), EngineVersion: res.version };
      },
      async (ctx, out) => {
        const id = out.DbInstanceId;
        if (!id) return;
        // CloudFormation sets it; moto drops it — make sure, by API.
        if (a.envr.production && (await setDeletionProtection(a.c.rds, id, true))) ctx.log('aws.db.protected', { id });
        await completeDbSecret(a.c.sm, str(ctx, 'db-secret', 'arn')!, out.DbEndpointAddress ?? '', Number(out.DbEndpointPort ?? 5432));
      },
    );
  }
  steps.push({
    id: 'app-secrets',
    titleKey: 'aws.step.app-secrets',
    titleParams: { count: a.tc.secrets.values.size },
    needs: ['preflight'],
    async run(ctx): Promise<StepData> {
      if (!a.tc.secrets.values.size) return { skipped: true };
      const r = await storeAppSecrets(a.c.sm, a.n.appSecret, a.tc.secrets.values, a.tags);
      ctx.log(r.changed ? 'aws.appSecrets.stored' : 'aws.appSecrets.unchanged', { name: a.n.appSecret, count: a.tc.secrets.values.size });
      return { arn: r.arn, versionId: r.versionId };
    },
  });
  return steps;
}

export const INFRA_STEP_IDS = ['network', 'registry', 'cluster', 'service', 'alb', 'security', 'database', 'db-secret', 'app-secrets'] as const;
