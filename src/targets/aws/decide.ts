/**
 * The rollout decision, as a PURE function over what ECS (and the load balancer) report.
 * rollout.ts feeds it observations; it answers continue / success / fail with the reason
 * and the evidence to keep in the release record. Shapes are subsets of the AWS API's.
 */

export interface ObservedDeployment {
  id?: string;
  status?: string; // PRIMARY | ACTIVE | INACTIVE
  taskDefinition?: string;
  desiredCount?: number;
  runningCount?: number;
  pendingCount?: number;
  failedTasks?: number;
  rolloutState?: string; // IN_PROGRESS | COMPLETED | FAILED
  rolloutStateReason?: string;
}

export interface ObservedContainer {
  name?: string;
  lastStatus?: string;
  exitCode?: number;
  reason?: string;
}

export interface ObservedTask {
  taskArn?: string;
  taskDefinitionArn?: string;
  lastStatus?: string;
  desiredStatus?: string;
  stopCode?: string;
  stoppedReason?: string;
  stoppedAt?: Date;
  containers?: ObservedContainer[];
}

export interface ObservedEvent {
  createdAt?: Date;
  message?: string;
}

export interface ObservedTarget {
  Target?: { Id?: string; Port?: number };
  TargetHealth?: { State?: string; Reason?: string; Description?: string };
}

export interface Observation {
  /** The task definition this rollout deploys. */
  taskDefinitionArn: string;
  desiredCount: number;
  deployments: ObservedDeployment[];
  /** Tasks of the new revision, running or recently stopped. */
  tasks: ObservedTask[];
  /** Service events, newest first (as ECS returns them). */
  events: ObservedEvent[];
  /** When the rollout started: older events are not evidence. */
  startedAt: Date;
  /** Target health, when the service sits behind a load balancer. */
  targets?: ObservedTarget[];
  elapsedMs: number;
  timeoutMs: number;
  /** How long unhealthy targets are tolerated before failing (health-check grace). */
  healthGraceMs?: number;
}

export type FailReason = 'image-pull' | 'resource-init' | 'crash-loop' | 'circuit-breaker' | 'targets-unhealthy' | 'timeout' | 'replaced';

export type Decision =
  | { kind: 'continue'; note: string }
  | { kind: 'success'; evidence: string[] }
  | { kind: 'fail'; reason: FailReason; message: string; evidence: string[] };

/** Consecutive failed starts of the new revision that count as a crash loop. */
export const CRASH_LOOP_COUNT = 3;

export function describeTask(t: ObservedTask): string {
  const id = t.taskArn?.split('/').pop() ?? '?';
  const c = (t.containers ?? []).map((x) => `${x.name ?? 'container'}: exit ${x.exitCode ?? '-'}${x.reason ? ` (${x.reason})` : ''}`).join('; ');
  return `task ${id} stopped: ${t.stoppedReason ?? t.stopCode ?? 'unknown reason'}${c ? ` — ${c}` : ''}`;
}

function recentEvents(o: Observation, n = 5): string[] {
  return o.events
    .filter((e) => !e.createdAt || e.createdAt.getTime() >= o.startedAt.getTime())
    .slice(0, n)
    .map((e) => `event: ${e.message ?? ''}`);
}

/** Stops that ECS or a person made on purpose (scale-in, replacement, stop-task): not the release's fault. */
const ORDERED_STOPS = new Set(['ServiceSchedulerInitiated', 'UserInitiated', 'SpotInterruption', 'TerminationNotice']);

/**
 * Did this task of a web service fail? A web service's essential container should never
 * stop, so its stopping is a failure whatever the exit code — 0 included.
 */
export function crashed(t: ObservedTask): boolean {
  if (/OutOfMemory/i.test(t.stoppedReason ?? '')) return true;
  if (t.stopCode === 'EssentialContainerExited' || /Essential container in task exited/i.test(t.stoppedReason ?? '')) return true;
  // The scheduler stops a task that fails its health checks: ordered, but the release's fault.
  if (/failed (ELB|container) health checks/i.test(t.stoppedReason ?? '')) return true;
  if (t.stopCode && ORDERED_STOPS.has(t.stopCode)) return false;
  return (t.containers ?? []).some((c) => typeof c.exitCode === 'number' && c.exitCode !== 0);
}

const mentionsBreaker = (s: string | undefined): boolean => /circuit breaker/i.test(s ?? '');

export function decide(o: Observation): Decision {
  const mine = o.deployments.find((d) => d.taskDefinition === o.taskDefinitionArn);
  const stopped = o.tasks
    .filter((t) => t.taskDefinitionArn === o.taskDefinitionArn && t.lastStatus === 'STOPPED')
    .sort((a, b) => (b.stoppedAt?.getTime() ?? 0) - (a.stoppedAt?.getTime() ?? 0));
  const events = recentEvents(o);

  // 1. ECS already gave up (circuit breaker) — a failure even though the service is "stable" again.
  if (mine?.rolloutState === 'FAILED') {
    return { kind: 'fail', reason: 'circuit-breaker', message: mine.rolloutStateReason ?? 'deployment failed', evidence: [`deployment ${mine.id ?? ''}: ${mine.rolloutStateReason ?? 'FAILED'}`, ...stopped.slice(0, 3).map(describeTask), ...events] };
  }
  if (!mine) {
    const breaker = o.events.find((e) => (!e.createdAt || e.createdAt >= o.startedAt) && mentionsBreaker(e.message));
    const primary = o.deployments.find((d) => d.status === 'PRIMARY');
    if (breaker || mentionsBreaker(primary?.rolloutStateReason)) {
      return { kind: 'fail', reason: 'circuit-breaker', message: breaker?.message ?? primary?.rolloutStateReason ?? 'circuit breaker rolled back', evidence: [...stopped.slice(0, 3).map(describeTask), ...events] };
    }
    return { kind: 'fail', reason: 'replaced', message: `the service no longer deploys ${o.taskDefinitionArn}; now ${primary?.taskDefinition ?? 'unknown'}`, evidence: events };
  }

  // 2. Stopped tasks whose cause will not go away by waiting.
  const pull = stopped.find((t) => /CannotPullContainerError|CannotPullImageManifestError|pull image manifest/i.test(`${t.stoppedReason ?? ''} ${(t.containers ?? []).map((c) => c.reason ?? '').join(' ')}`));
  if (pull) return { kind: 'fail', reason: 'image-pull', message: pull.stoppedReason ?? 'cannot pull the image', evidence: [describeTask(pull), ...events] };
  const init = stopped.find((t) => /ResourceInitializationError/i.test(t.stoppedReason ?? ''));
  if (init) return { kind: 'fail', reason: 'resource-init', message: init.stoppedReason ?? 'ResourceInitializationError', evidence: [describeTask(init), ...events] };
  let streak = 0;
  for (const t of stopped) {
    if (!crashed(t)) break;
    streak++;
  }
  if (streak >= CRASH_LOOP_COUNT) {
    return { kind: 'fail', reason: 'crash-loop', message: `${streak} tasks of the new revision stopped in a row (essential container exited)`, evidence: [...stopped.slice(0, streak).map(describeTask), ...events] };
  }

  // 3. Load balancer health.
  const targets = o.targets;
  const healthy = targets ? targets.filter((t) => t.TargetHealth?.State === 'healthy').length : undefined;
  const unhealthy = targets ? targets.filter((t) => t.TargetHealth?.State === 'unhealthy') : [];
  const elbStops = stopped.filter((t) => /ELB health checks/i.test(t.stoppedReason ?? '')).length;
  if (targets && unhealthy.length > 0 && (elbStops >= 2 || o.elapsedMs >= (o.healthGraceMs ?? 180_000))) {
    return {
      kind: 'fail',
      reason: 'targets-unhealthy',
      message: `${unhealthy.length} load-balancer target(s) unhealthy`,
      evidence: [...unhealthy.map((t) => `target ${t.Target?.Id ?? '?'}:${t.Target?.Port ?? ''} ${t.TargetHealth?.Reason ?? ''} ${t.TargetHealth?.Description ?? ''}`.trim()), ...events],
    };
  }

  // 4. Done?
  const running = mine.runningCount ?? 0;
  const completed = mine.rolloutState ? mine.rolloutState === 'COMPLETED' : mine.status === 'PRIMARY' && o.deployments.length === 1;
  const tasksOk = o.tasks.filter((t) => t.lastStatus === 'RUNNING').every((t) => t.taskDefinitionArn === o.taskDefinitionArn);
  const targetsOk = !targets || (healthy ?? 0) >= o.desiredCount;
  if (completed && running >= o.desiredCount && tasksOk && targetsOk) {
    return {
      kind: 'success',
      evidence: [`deployment ${mine.id ?? ''} ${mine.rolloutState ?? mine.status ?? ''}: ${running}/${o.desiredCount} running on ${o.taskDefinitionArn.split('/').pop()}`, ...(targets ? [`${healthy}/${targets.length} targets healthy`] : [])],
    };
  }

  // 5. Out of time.
  if (o.elapsedMs >= o.timeoutMs) {
    return {
      kind: 'fail',
      reason: 'timeout',
      message: `still ${mine.rolloutState ?? 'in progress'} after ${Math.round(o.elapsedMs / 1000)}s: ${running}/${o.desiredCount} running, ${mine.pendingCount ?? 0} pending`,
      evidence: [...stopped.slice(0, 3).map(describeTask), ...events],
    };
  }
  return { kind: 'continue', note: `${running}/${o.desiredCount} running, ${mine.pendingCount ?? 0} pending${targets ? `, ${healthy}/${targets.length} targets healthy` : ''}` };
}
