/**
 * Migrations as a one-off Fargate task of the new image (runbook 3.3, done inside the VPC
 * instead of opening the database to the internet): command override = the app's
 * `database.migrate`, TLS verified against the RDS CA bundle (never
 * NODE_TLS_REJECT_UNAUTHORIZED=0 — pitfall 11), exit code enforced, logs shown.
 */
import type { Task } from '@aws-sdk/client-ecs';
import type { AwsClients } from './clients.js';
import { awsPoll } from './clients.js';
import { poll } from '../../engine/poll.js';
import { sdk } from '../../engine/aws-sdk.js';

export interface MigrationSpec extends OneOffRun {
  taskDefinitionArn: string;
  container: string;
  command: string;
  logGroup: string;
}

export function migrationOverride(spec: Pick<MigrationSpec, 'container' | 'command'>) {
  return { containerOverrides: [{ name: spec.container, command: ['sh', '-c', spec.command], environment: [{ name: 'SLIPWAY_MIGRATION', value: '1' }] }] };
}

/** Where a one-off Fargate task runs (the migration task, the rotation's admin SQL task). */
export interface OneOffRun {
  cluster: string;
  subnets: string[];
  securityGroups: string[];
  timeoutMs: number;
}

/** RunTask of a one-off task in the environment's subnets and security groups; its ARN. */
export async function runOneOff(c: AwsClients, run: OneOffRun, taskDefinitionArn: string, startedBy: string, overrides?: ReturnType<typeof migrationOverride>): Promise<string> {
  const { RunTaskCommand } = sdk.ecs();
  const r = await c.ecs.send(
    new RunTaskCommand({
      cluster: run.cluster,
      taskDefinition: taskDefinitionArn,
      launchType: 'FARGATE',
      count: 1,
      startedBy,
      networkConfiguration: { awsvpcConfiguration: { subnets: run.subnets, securityGroups: run.securityGroups, assignPublicIp: 'ENABLED' } },
      ...(overrides ? { overrides } : {}),
    }),
  );
  const t = r.tasks?.[0];
  if (!t?.taskArn) throw new Error(`run-task failed: ${(r.failures ?? []).map((f) => `${f.arn ?? ''} ${f.reason ?? ''} ${f.detail ?? ''}`).join('; ') || 'no task'}`);
  return t.taskArn;
}

export function startMigration(c: AwsClients, spec: MigrationSpec, startedBy: string): Promise<string> {
  return runOneOff(c, spec, spec.taskDefinitionArn, startedBy, migrationOverride(spec));
}

export type MigrationOutcome = { ok: true; task: Task } | { ok: false; task: Task | undefined; reason: string };

/** Pure: has the stopped migration task succeeded? */
export function migrationResult(task: Task | undefined, container: string): MigrationOutcome {
  if (!task) return { ok: false, task, reason: 'the migration task disappeared' };
  const c = task.containers?.find((x) => x.name === container) ?? task.containers?.[0];
  if (typeof c?.exitCode === 'number' && c.exitCode === 0) return { ok: true, task };
  const why = typeof c?.exitCode === 'number' ? `exit code ${c.exitCode}` : `no exit code (${task.stoppedReason || c?.reason || 'container did not start'})`;
  return { ok: false, task, reason: why };
}

/** Wait for a one-off task to stop; exit code 0 of `container` is success. A timeout or an abort stops it. */
export async function waitOneOff(c: AwsClients, run: OneOffRun, container: string, taskArn: string, signal: AbortSignal | undefined, what: string): Promise<MigrationOutcome> {
  const { DescribeTasksCommand } = sdk.ecs();
  let last: Task | undefined;
  const r = await poll(async () => {
    const t = (await c.ecs.send(new DescribeTasksCommand({ cluster: run.cluster, tasks: [taskArn] }))).tasks?.[0];
    last = t;
    return !t || t.lastStatus === 'STOPPED' ? { done: migrationResult(t, container) } : undefined;
  }, awsPoll('task', signal, run.timeoutMs));
  if (r.kind === 'done') return r.value;
  await stopOneOff(c, run.cluster, taskArn, what);
  return { ok: false, task: last, reason: r.kind === 'aborted' ? 'interrupted' : `timed out after ${Math.round(run.timeoutMs / 1000)}s` };
}

export function waitMigration(c: AwsClients, spec: MigrationSpec, taskArn: string, signal?: AbortSignal): Promise<MigrationOutcome> {
  return waitOneOff(c, spec, spec.container, taskArn, signal, 'migration');
}

export async function stopOneOff(c: AwsClients, cluster: string, taskArn: string, what: string): Promise<void> {
  const { StopTaskCommand } = sdk.ecs();
  await c.ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason: `slipway: ${what} cancelled` })).catch(() => undefined);
}

export const stopMigration = (c: AwsClients, cluster: string, taskArn: string): Promise<void> => stopOneOff(c, cluster, taskArn, 'migration');

/** The task's log lines (awslogs stream `app/<container>/<task-id>`). */
export async function taskLogLines(c: AwsClients, logGroup: string, container: string, taskArn: string, limit = 50): Promise<string[]> {
  const { GetLogEventsCommand } = sdk.logs();
  const id = taskArn.split('/').pop();
  try {
    const r = await c.logs.send(new GetLogEventsCommand({ logGroupName: logGroup, logStreamName: `app/${container}/${id}`, limit, startFromHead: false }));
    return (r.events ?? []).map((e) => e.message ?? '');
  } catch {
    return [];
  }
}
