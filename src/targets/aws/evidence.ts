/**
 * `slipway diagnose` on aws: what the runbook does by hand (step 4.3) — the release's
 * ledger evidence, the ECS stopped-task reasons and exit codes of its task-definition
 * revision, and the error lines of its CloudWatch log group in the release's time window
 * (`aws logs filter-log-events --filter-pattern …`).
 */
import type { EvidenceReport, TargetContext } from '../types.js';
import { pickRelease } from '../evidence.js';
import { awsCtx } from './context.js';
import { describeTask } from './decide.js';
import { describeStack, outputsOf } from './stacks.js';
import { sdk } from '../../engine/aws-sdk.js';

/** Lines with any of these words (CloudWatch filter syntax: `?a ?b` is a or b). */
export const ERROR_PATTERN = '?error ?Error ?ERROR ?FATAL ?fatal ?failed ?Cannot ?EADDRINUSE ?exception ?Exception ?denied ?killed';
const BEFORE_MS = 60_000;
const AFTER_MS = 10 * 60_000;
const MAX_LOG_LINES = 200;

export async function awsEvidence(tc: TargetContext, opts: { release?: string }): Promise<EvidenceReport> {
  const a = awsCtx(tc);
  const rec = pickRelease(tc, await a.ledger.list(), opts.release);
  const sources: string[] = [];
  const lines: string[] = [];
  if (rec.evidence?.length) {
    sources.push(`ssm:${a.n.ledgerPath}`);
    lines.push(...rec.evidence);
  }
  const arn = typeof rec.details.taskDefinitionArn === 'string' ? rec.details.taskDefinitionArn : undefined;
  const cluster = outputsOf(await describeStack(a.c.cfn, a.n.stack('cluster')).catch(() => undefined)).ClusterName ?? a.n.prefix;
  const stopped = await stoppedTasks(a, cluster, arn).catch(() => []);
  if (stopped.length) {
    sources.push(`ecs:${cluster} stopped tasks`);
    lines.push(...stopped);
  }
  const logGroup = outputsOf(await describeStack(a.c.cfn, a.n.stack('service')).catch(() => undefined)).LogGroupName ?? a.n.logGroup;
  const from = Date.parse(rec.createdAt) - BEFORE_MS;
  const to = (rec.finishedAt ? Date.parse(rec.finishedAt) : Date.now()) + AFTER_MS;
  const logged = await logLines(a, logGroup, from, to).catch(() => []);
  if (logged.length) {
    sources.push(`logs:${logGroup}`);
    lines.push(...logged);
  }
  return { release: rec.id, result: rec.result, sources, lines: lines.map((l) => tc.redactor.redact(l)) };
}

/** Stopped tasks of the release's revision (ECS keeps them about an hour), as decide.ts describes them. */
async function stoppedTasks(a: ReturnType<typeof awsCtx>, cluster: string, taskDefinitionArn: string | undefined): Promise<string[]> {
  const { DescribeTasksCommand, ListTasksCommand } = sdk.ecs();
  const list = await a.c.ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'STOPPED', family: a.n.family, maxResults: 100 }));
  const arns = list.taskArns ?? [];
  if (!arns.length) return [];
  const tasks = (await a.c.ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(0, 100) }))).tasks ?? [];
  return tasks.filter((t) => !taskDefinitionArn || t.taskDefinitionArn === taskDefinitionArn).slice(0, 10).map(describeTask);
}

/** Error lines of the log group in the window, oldest first, prefixed with their task id like `slipway logs`. */
async function logLines(a: ReturnType<typeof awsCtx>, logGroup: string, startTime: number, endTime: number): Promise<string[]> {
  const { FilterLogEventsCommand } = sdk.logs();
  const out: string[] = [];
  let token: string | undefined;
  for (let page = 0; page < 5 && out.length < MAX_LOG_LINES; page++) {
    const r = await a.c.logs.send(new FilterLogEventsCommand({ logGroupName: logGroup, startTime, endTime, filterPattern: ERROR_PATTERN, limit: MAX_LOG_LINES, ...(token ? { nextToken: token } : {}) }));
    for (const e of r.events ?? []) out.push(`log ${e.logStreamName?.split('/').pop()?.slice(0, 8) ?? ''}: ${e.message ?? ''}`);
    token = r.nextToken;
    if (!token) break;
  }
  return out.slice(-MAX_LOG_LINES);
}
