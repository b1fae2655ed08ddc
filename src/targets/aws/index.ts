/**
 * The AWS target: ECS Fargate + RDS PostgreSQL + ECR, infrastructure through
 * CloudFormation (one stack per layer), releases through the ECS API. See docs/aws.md.
 */
import { registerCatalog, t } from '../../engine/i18n.js';
import type { Plan, StepData } from '../../engine/step.js';
import { deployMeta, deployRequest, destroyRequest, importRequest, rollbackRequest } from './request.js';
import { aws as catalog } from '../../engine/messages/aws.js';
import type { DeployOptions, LogOptions, ReleaseRecord, StatusReport, Target, TargetContext } from '../types.js';
import { awsCtx } from './context.js';
import { SlipwayError } from '../../engine/errors.js';
import { clientsFor } from './clients.js';
import { names } from './names.js';
import { synth } from './synth.js';
import { estimateCost, renderCost } from './cost.js';

registerCatalog(catalog);
// Tests: every AWS call this process sends, recorded for the CI deploy role's policy (iam-policy.ts).
if (process.env.SLIPWAY_RECORD_AWS_CALLS) (await import('./record.js')).installCallRecorder();

// Start-up: each verb imports the modules (and so the AWS SDK packages) it uses when it runs.
const steps = () => Promise.all([import('./steps-infra.js'), import('./steps-release.js'), import('./steps-watch.js')]);
const rollbackModule = () => import('./rollback.js');
const destroyModule = () => import('./destroy.js');
const importModule = () => import('./import.js');
const dbWindowModule = () => import('./db-window.js');

export { synth, stackSpecs } from './synth.js';
export { estimateCost, renderCost, type CostReport } from './cost.js';
export { decide } from './decide.js';
export { apiCalls } from './clients.js';

export async function deployPlan(tc: TargetContext, given: DeployOptions): Promise<Plan> {
  // A promoted release runs the image another environment verified, by digest: never built here.
  const opts = given.promoted?.image ? { ...given, image: given.promoted.image } : given;
  const a = awsCtx(tc);
  const [{ infraSteps }, { releaseSteps }, { recordFailure, recordStep, scalingStep }] = await steps();
  return {
    kind: 'deploy',
    meta: deployMeta(opts),
    steps: [...infraSteps(a), ...releaseSteps(a, opts), recordStep(a, 'register-task-definition', 'deploy'), ...scalingStep(a)],
    onFailure: (ctx, error) => recordFailure(a, ctx, error),
  };
}

async function endpointOf(tc: TargetContext) {
  const a = awsCtx(tc);
  const [{ describeStack, outputsOf }, { findEndpoint }] = await Promise.all([import('./stacks.js'), import('./endpoint.js')]);
  const cluster = outputsOf(await describeStack(a.c.cfn, a.n.stack('cluster'))).ClusterName;
  const alb = outputsOf(await describeStack(a.c.cfn, a.n.stack('alb'))).AlbDnsName;
  return { a, cluster, ep: await findEndpoint(a.c, { ...(cluster ? { cluster } : {}), service: a.n.service, port: a.envr.app.port, ...(alb ? { albDns: alb } : {}), https: Boolean(a.envr.target.alb?.certificateArn) }) };
}

/** The endpoint, or undefined with the reason logged through ctx.events. */
export async function endpoint(tc: TargetContext): Promise<string | undefined> {
  const { ep } = await endpointOf(tc);
  if ('reasonKey' in ep) {
    tc.events.log('warn', ep.reasonKey, ep.params);
    return undefined;
  }
  return ep.url;
}

export async function status(tc: TargetContext): Promise<StatusReport> {
  const { a, cluster, ep } = await endpointOf(tc);
  const { describeService } = await import('./rollout.js');
  const svc = cluster ? await describeService(a.c, cluster, a.n.service) : undefined;
  const releases = await a.ledger.list();
  const active = releases.find((r) => r.active);
  const rows = [
    { key: 'aws.status.region', value: a.c.region },
    { key: 'aws.status.service', value: svc ? `${svc.serviceName} ${svc.status}` : '-' },
    { key: 'aws.status.taskDefinition', value: svc?.taskDefinition?.split('/').pop() ?? '-' },
    { key: 'aws.status.tasks', value: svc ? `${svc.runningCount ?? 0}/${svc.desiredCount ?? 0} running, ${svc.pendingCount ?? 0} pending` : '-' },
    { key: 'aws.status.deployment', value: svc?.deployments?.[0] ? `${svc.deployments[0].rolloutState ?? svc.deployments[0].status}` : '-' },
    { key: 'aws.status.release', value: active ? `${active.id} (${active.result})` : '-' },
    { key: 'aws.status.endpoint', value: 'reasonKey' in ep ? t(ep.reasonKey, ep.params) : ep.url },
  ];
  const state: StatusReport['state'] = !svc ? 'not-deployed' : (svc.desiredCount ?? 0) === 0 ? 'stopped' : (svc.runningCount ?? 0) >= (svc.desiredCount ?? 0) ? 'serving' : 'degraded';
  return { env: a.envr.name, target: 'aws', state, ...(ep.url ? { url: ep.url } : {}), ...(active ? { activeRelease: active.id } : {}), rows };
}

export function createTarget(): Target {
  return {
    name: 'aws',
    deployPlan: async (tc, opts) => deployPlan(tc, opts),
    rollbackPlan: async (tc, opts) => (await rollbackModule()).rollbackPlan(awsCtx(tc), opts),
    destroyPlan: async (tc, opts) => (await destroyModule()).destroyPlan(awsCtx(tc), opts),
    // A run resumed after a crash: the plan rebuilt from the request its meta journaled.
    async planFor(tc: TargetContext, kind: string, meta: StepData): Promise<Plan> {
      if (kind === 'deploy') return deployPlan(tc, deployRequest(meta));
      if (kind === 'rollback') return (await rollbackModule()).rollbackPlan(awsCtx(tc), rollbackRequest(meta));
      if (kind === 'destroy') return (await destroyModule()).destroyPlan(awsCtx(tc), destroyRequest(meta));
      if (kind === 'import') return (await importModule()).importPlan(awsCtx(tc), importRequest(meta));
      if (kind === 'rotate-password') return (await import('./rotate.js')).rotatePlan(awsCtx(tc));
      throw new Error(`aws target: no plan of kind ${kind}`);
    },
    status,
    promotable: async (tc, opts) => (await import('./promote.js')).awsPromotable(tc, opts.release),
    rotatePasswordPlan: async (tc) => (await import('./rotate.js')).rotatePlan(awsCtx(tc)),
    async importPlan(tc, opts) {
      if (!opts.cidr) throw new SlipwayError({ key: 'aws.import.needsCidr', fix: 'aws.import.needsCidr.fix', exitCode: 2 });
      const { checkImportWindow, importPlan } = await importModule();
      checkImportWindow(opts.cidr, opts.acceptRisks ?? []);
      return importPlan(awsCtx(tc), { file: opts.file, cidr: opts.cidr });
    },
    dbWindow: {
      open: async (tc, opts) => (await dbWindowModule()).awsDbWindow.open(tc, opts),
      close: async (tc) => (await dbWindowModule()).awsDbWindow.close(tc),
      sweep: async (tc) => (await dbWindowModule()).awsDbWindow.sweep!(tc),
      current: async (tc) => (await dbWindowModule()).awsDbWindow.current(tc),
    },
    // The lock lives in the account (every machine sees it); the journal stays on this machine.
    state: async (tc) => {
      const { SsmLockStore } = await import('./lock-store.js');
      const prefix = `/slipway/${names(tc.envr).prefix}/lock-state`;
      return { store: tc.localHost, dir: tc.stateDir, lock: new SsmLockStore(clientsFor(tc.envr).ssm, tc.stateDir, prefix), where: `ssm:${prefix}` };
    },
    releases: async (tc): Promise<ReleaseRecord[]> => awsCtx(tc).ledger.list(),
    history: async (tc) => (await import('./history.js')).history(awsCtx(tc)),
    async *logs(tc: TargetContext, opts: LogOptions): AsyncIterable<string> {
      const a = awsCtx(tc);
      const { tailLogs } = await import('./logs.js');
      yield* tailLogs(a.c, a.n.logGroup, { follow: opts.follow, lines: opts.lines, signal: opts.signal });
    },
    endpoint,
    evidence: async (tc, opts) => (await import('./evidence.js')).awsEvidence(tc, opts),
    architecture: async (tc) => (await import('./architecture.js')).awsArchitecture(awsCtx(tc)),
    infra: {
      async plan(tc, opts) {
        const { planChanges, renderPlan } = await import('./plan.js');
        const report = await planChanges(tc, opts);
        const cost = estimateCost(tc.envr);
        return { data: { ...report, cost }, text: `${renderPlan(report)}\n\n${renderCost(cost)}` };
      },
      synth: (tc, outDir) => synth(tc.envr, outDir),
      cost(tc) {
        const report = estimateCost(tc.envr);
        return { data: { ...report }, text: renderCost(report) };
      },
    },
  };
}
