/**
 * Releases through the ECS API directly (as ecspresso does): register a revision, create or
 * update the service, and watch — observe() gathers what ECS and the target group report,
 * decide() (pure) says continue / success / fail.
 */
import type { RegisterTaskDefinitionCommandInput, Service, Task } from '@aws-sdk/client-ecs';
import type { AwsClients } from './clients.js';
import { awsPoll } from './clients.js';
import { poll } from '../../engine/poll.js';
import { decide, type Decision, type Observation, type ObservedDeployment } from './decide.js';
import { sdk } from '../../engine/aws-sdk.js';

export interface ServiceSpec {
  cluster: string;
  service: string;
  desiredCount: number;
  subnets: string[];
  securityGroups: string[];
  targetGroupArn?: string;
  container: string;
  port: number;
  /** Leave desiredCount alone on updates (autoscaling owns it). */
  autoscaled: boolean;
}

export async function registerRevision(c: AwsClients, td: RegisterTaskDefinitionCommandInput): Promise<string> {
  const { RegisterTaskDefinitionCommand } = sdk.ecs();
  const r = await c.ecs.send(new RegisterTaskDefinitionCommand(td));
  return r.taskDefinition!.taskDefinitionArn!;
}

export async function deregisterRevision(c: AwsClients, arn: string): Promise<void> {
  const { DeregisterTaskDefinitionCommand } = sdk.ecs();
  await c.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn })).catch(() => undefined);
}

export async function describeService(c: AwsClients, cluster: string, service: string): Promise<Service | undefined> {
  const { DescribeServicesCommand } = sdk.ecs();
  try {
    const r = await c.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
    const s = r.services?.[0];
    return s && s.status !== 'INACTIVE' ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Point the service at `taskDefinitionArn` (creating it on the first deploy). */
export async function applyService(c: AwsClients, spec: ServiceSpec, taskDefinitionArn: string): Promise<'created' | 'updated' | 'unchanged'> {
  const { CreateServiceCommand, UpdateServiceCommand } = sdk.ecs();
  const current = await describeService(c, spec.cluster, spec.service);
  const network = { awsvpcConfiguration: { subnets: spec.subnets, securityGroups: spec.securityGroups, assignPublicIp: 'ENABLED' as const } };
  const deploymentConfiguration = { deploymentCircuitBreaker: { enable: true, rollback: true }, minimumHealthyPercent: 100, maximumPercent: 200 };
  const loadBalancers = spec.targetGroupArn ? [{ targetGroupArn: spec.targetGroupArn, containerName: spec.container, containerPort: spec.port }] : [];
  if (!current) {
    await c.ecs.send(
      new CreateServiceCommand({
        cluster: spec.cluster,
        serviceName: spec.service,
        taskDefinition: taskDefinitionArn,
        desiredCount: spec.desiredCount,
        launchType: 'FARGATE',
        platformVersion: 'LATEST',
        networkConfiguration: network,
        deploymentConfiguration,
        loadBalancers,
        ...(spec.targetGroupArn ? { healthCheckGracePeriodSeconds: 60 } : {}),
        enableECSManagedTags: true,
        propagateTags: 'SERVICE',
      }),
    );
    return 'created';
  }
  if (current.taskDefinition === taskDefinitionArn && (spec.autoscaled || current.desiredCount === spec.desiredCount)) return 'unchanged';
  await c.ecs.send(
    new UpdateServiceCommand({
      cluster: spec.cluster,
      service: spec.service,
      taskDefinition: taskDefinitionArn,
      ...(spec.autoscaled ? {} : { desiredCount: spec.desiredCount }),
      networkConfiguration: network,
      deploymentConfiguration,
      ...(spec.targetGroupArn ? { loadBalancers, healthCheckGracePeriodSeconds: 60 } : {}),
    }),
  );
  return 'updated';
}

/**
 * The deployments as they matter to the decision. AWS always starts a PRIMARY deployment of
 * the new revision on update; an emulator may only change `service.taskDefinition`
 * (moto 5). Then the PRIMARY deployment stands for the new revision.
 */
export function deploymentsFor(service: Service, target: string): ObservedDeployment[] {
  const ds = (service.deployments ?? []) as ObservedDeployment[];
  if (ds.some((d) => d.taskDefinition === target)) return ds;
  if (service.taskDefinition === target && ds.length === 1 && ds[0]!.status === 'PRIMARY') return [{ ...ds[0]!, taskDefinition: target }];
  return ds;
}

async function tasksOf(c: AwsClients, cluster: string, service: string): Promise<Task[]> {
  const { DescribeTasksCommand, ListTasksCommand } = sdk.ecs();
  const arns: string[] = [];
  for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
    const r = await c.ecs.send(new ListTasksCommand({ cluster, serviceName: service, desiredStatus, maxResults: 50 }));
    arns.push(...(r.taskArns ?? []));
  }
  if (!arns.length) return [];
  const r = await c.ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(0, 100) }));
  return r.tasks ?? [];
}

export async function observe(c: AwsClients, spec: ServiceSpec, target: string, startedAt: Date, timeoutMs: number): Promise<Observation> {
  const { DescribeTargetHealthCommand } = sdk.elb();
  const s = await describeService(c, spec.cluster, spec.service);
  const tasks = await tasksOf(c, spec.cluster, spec.service);
  let targets: Observation['targets'];
  if (spec.targetGroupArn) {
    const r = await c.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: spec.targetGroupArn }));
    targets = r.TargetHealthDescriptions ?? [];
  }
  return {
    taskDefinitionArn: target,
    desiredCount: s?.desiredCount ?? spec.desiredCount,
    deployments: s ? deploymentsFor(s, target) : [],
    tasks: tasks as Observation['tasks'],
    events: (s?.events ?? []) as Observation['events'],
    startedAt,
    ...(targets ? { targets } : {}),
    elapsedMs: Date.now() - startedAt.getTime(),
    timeoutMs,
  };
}

/** Observe and decide until the rollout succeeds or fails. */
export async function watchRollout(
  c: AwsClients,
  spec: ServiceSpec,
  target: string,
  opts: { startedAt: Date; timeoutMs: number; signal?: AbortSignal; onProgress?: (note: string) => void },
): Promise<Exclude<Decision, { kind: 'continue' }>> {
  let last = '';
  // The deadline is decide()'s (it sees the rollout's age), so the poll itself has none.
  const r = await poll(async () => {
    const d = decide(await observe(c, spec, target, opts.startedAt, opts.timeoutMs));
    if (d.kind !== 'continue') return { done: d };
    if (d.note !== last) opts.onProgress?.((last = d.note));
    return undefined;
  }, awsPoll('task', opts.signal));
  return r.kind === 'done' ? r.value : { kind: 'fail', reason: 'timeout', message: 'interrupted', evidence: [] };
}
