/** Rollout decisions over realistic ECS / ELBv2 response shapes (AWS API reference). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, type Observation, type ObservedTask } from '../../src/targets/aws/decide.js';

const acct = '123456789012';
const cluster = 'shop-api-production';
const NEW = `arn:aws:ecs:ap-southeast-2:${acct}:task-definition/shop-api-production:8`;
const OLD = `arn:aws:ecs:ap-southeast-2:${acct}:task-definition/shop-api-production:7`;
const start = new Date('2025-06-01T10:00:00Z');
const at = (s: number) => new Date(start.getTime() + s * 1000);

function task(id: string, o: Partial<ObservedTask> & { exitCode?: number; reason?: string }, stoppedAfter = 60): ObservedTask {
  return {
    taskArn: `arn:aws:ecs:ap-southeast-2:${acct}:task/${cluster}/${id}`,
    taskDefinitionArn: o.taskDefinitionArn ?? NEW,
    lastStatus: o.lastStatus ?? 'STOPPED',
    desiredStatus: 'STOPPED',
    stopCode: o.stopCode ?? 'EssentialContainerExited',
    stoppedReason: o.stoppedReason ?? 'Essential container in task exited',
    stoppedAt: at(stoppedAfter),
    containers: [{ name: 'app', lastStatus: 'STOPPED', ...(o.exitCode !== undefined ? { exitCode: o.exitCode } : {}), ...(o.reason ? { reason: o.reason } : {}) }],
  };
}

function base(over: Partial<Observation> = {}): Observation {
  return {
    taskDefinitionArn: NEW,
    desiredCount: 1,
    deployments: [
      { id: 'ecs-svc/1111111111111111111', status: 'PRIMARY', taskDefinition: NEW, desiredCount: 1, runningCount: 0, pendingCount: 1, failedTasks: 0, rolloutState: 'IN_PROGRESS', rolloutStateReason: 'ECS deployment ecs-svc/1111111111111111111 in progress.' },
      { id: 'ecs-svc/0000000000000000000', status: 'ACTIVE', taskDefinition: OLD, desiredCount: 1, runningCount: 1, pendingCount: 0, failedTasks: 0, rolloutState: 'COMPLETED', rolloutStateReason: 'ECS deployment ecs-svc/0000000000000000000 completed.' },
    ],
    tasks: [],
    events: [{ createdAt: at(5), message: '(service shop-api) has started 1 tasks: (task 0b7c1f8e4d7a4a2f9d3e2c1b0a998877).' }],
    startedAt: start,
    elapsedMs: 60_000,
    timeoutMs: 900_000,
    ...over,
  };
}

test('success: deployment COMPLETED, tasks running on the new revision', () => {
  const d = decide(
    base({
      deployments: [{ id: 'ecs-svc/1111111111111111111', status: 'PRIMARY', taskDefinition: NEW, desiredCount: 1, runningCount: 1, pendingCount: 0, failedTasks: 0, rolloutState: 'COMPLETED', rolloutStateReason: 'ECS deployment ecs-svc/1111111111111111111 completed.' }],
      tasks: [{ taskArn: `arn:aws:ecs:ap-southeast-2:${acct}:task/${cluster}/0b7c`, taskDefinitionArn: NEW, lastStatus: 'RUNNING', desiredStatus: 'RUNNING', containers: [{ name: 'app', lastStatus: 'RUNNING' }] }],
      events: [{ createdAt: at(120), message: '(service shop-api) has reached a steady state.' }],
    }),
  );
  assert.equal(d.kind, 'success');
});

test('still in progress within the timeout: continue', () => {
  assert.equal(decide(base()).kind, 'continue');
});

test('CannotPullContainerError fails at once with the reason', () => {
  const d = decide(
    base({
      tasks: [
        task('a1', {
          stopCode: 'TaskFailedToStart',
          stoppedReason:
            'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/shop-api-production:v9: not found',
        }),
      ],
    }),
  );
  assert.equal(d.kind, 'fail');
  assert.equal(d.kind === 'fail' && d.reason, 'image-pull');
  assert.match(d.kind === 'fail' ? d.evidence.join('\n') : '', /CannotPullContainerError/);
});

test('ResourceInitializationError (secrets) fails at once', () => {
  const d = decide(
    base({
      tasks: [
        task('b2', {
          stopCode: 'TaskFailedToStart',
          stoppedReason:
            'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:slipway/shop-api-production/app-AbCdEf from secrets manager: AccessDeniedException',
        }),
      ],
    }),
  );
  assert.equal(d.kind === 'fail' && d.reason, 'resource-init');
  assert.match(d.kind === 'fail' ? d.message : '', /unable to pull secrets/);
});

test('exit code 1 three times in a row is a crash loop; twice is not yet; a scheduler-initiated stop breaks the streak', () => {
  const crash = (id: string, s: number) => task(id, { exitCode: 1 }, s);
  const two = decide(base({ tasks: [crash('c1', 30), crash('c2', 60)] }));
  assert.equal(two.kind, 'continue');
  const three = decide(base({ tasks: [crash('c1', 30), crash('c2', 60), crash('c3', 90)] }));
  assert.equal(three.kind === 'fail' && three.reason, 'crash-loop');
  assert.match(three.kind === 'fail' ? three.evidence.join('\n') : '', /exit 1/);
  // a stop the scheduler ordered (not the container's doing) in between breaks the streak
  const ordered = task('ok', { exitCode: 0, stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1111111111111111111)' }, 60);
  const broken = decide(base({ tasks: [crash('c1', 30), ordered, crash('c3', 90), crash('c4', 100)] }));
  assert.equal(broken.kind, 'continue');
  // old-revision crashes are not this rollout's evidence
  const old = decide(base({ tasks: [1, 2, 3].map((i) => ({ ...crash(`o${i}`, i * 10), taskDefinitionArn: OLD })) }));
  assert.equal(old.kind, 'continue');
});

test('an essential container that exits 0 three times in a row is a crash loop; twice is not yet', () => {
  const exit0 = (id: string, sec: number) => task(id, { exitCode: 0 }, sec);
  assert.equal(decide(base({ tasks: [exit0('z1', 30), exit0('z2', 60)] })).kind, 'continue');
  const three = decide(base({ tasks: [exit0('z1', 30), exit0('z2', 60), exit0('z3', 90)] }));
  assert.equal(three.kind === 'fail' && three.reason, 'crash-loop');
  assert.match(three.kind === 'fail' ? three.evidence.join('\n') : '', /exit 0/);
});

test('stopCode EssentialContainerExited with exit 0 counts as a failed start even when stoppedReason says nothing', () => {
  const quiet = (id: string, sec: number) => task(id, { exitCode: 0, stoppedReason: 'Task stopped' }, sec);
  const d = decide(base({ tasks: [quiet('q1', 30), quiet('q2', 60), quiet('q3', 90)] }));
  assert.equal(d.kind === 'fail' && d.reason, 'crash-loop');
});

test('three tasks stopped by the service scheduler or by a user, exit 143 included, are not a crash loop', () => {
  const ordered = (id: string, sec: number, stopCode: string) => task(id, { exitCode: 143, stopCode, stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1111111111111111111)' }, sec);
  const d = decide(base({ tasks: [ordered('s1', 30, 'ServiceSchedulerInitiated'), ordered('s2', 60, 'UserInitiated'), ordered('s3', 90, 'ServiceSchedulerInitiated')] }));
  assert.equal(d.kind, 'continue');
});

test('three tasks the scheduler stopped because they failed container health checks are a crash loop', () => {
  const sick = (id: string, sec: number) => task(id, { exitCode: 137, stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Task failed container health checks' }, sec);
  const d = decide(base({ tasks: [sick('h1', 30), sick('h2', 60), sick('h3', 90)] }));
  assert.equal(d.kind === 'fail' && d.reason, 'crash-loop');
});

test('circuit breaker already rolled back: reported as failure', () => {
  const d = decide(
    base({
      deployments: [
        { id: 'ecs-svc/2222222222222222222', status: 'PRIMARY', taskDefinition: OLD, desiredCount: 1, runningCount: 1, pendingCount: 0, rolloutState: 'COMPLETED', rolloutStateReason: 'ECS deployment ecs-svc/2222222222222222222 completed.' },
        { id: 'ecs-svc/1111111111111111111', status: 'ACTIVE', taskDefinition: NEW, desiredCount: 0, runningCount: 0, pendingCount: 0, failedTasks: 3, rolloutState: 'FAILED', rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' },
      ],
    }),
  );
  assert.equal(d.kind === 'fail' && d.reason, 'circuit-breaker');
  assert.match(d.kind === 'fail' ? d.message : '', /circuit breaker/);
});

test('circuit breaker: the failed deployment is already gone, only the event remains', () => {
  const d = decide(
    base({
      deployments: [{ id: 'ecs-svc/2222222222222222222', status: 'PRIMARY', taskDefinition: OLD, desiredCount: 1, runningCount: 1, rolloutState: 'COMPLETED' }],
      events: [
        { createdAt: at(300), message: '(service shop-api) rolling back to deployment ecs-svc/0000000000000000000.' },
        { createdAt: at(299), message: '(service shop-api) (deployment ecs-svc/1111111111111111111) deployment failed: tasks failed to start. ECS deployment circuit breaker: rolling back.' },
      ],
    }),
  );
  assert.equal(d.kind === 'fail' && d.reason, 'circuit-breaker');
});

test('ALB targets unhealthy past the grace period fail with the target reasons', () => {
  const targets = [
    { Target: { Id: '10.0.1.23', Port: 3000 }, TargetHealth: { State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed with these codes: [502]' } },
  ];
  const running = {
    deployments: [{ id: 'ecs-svc/1111111111111111111', status: 'PRIMARY', taskDefinition: NEW, desiredCount: 1, runningCount: 1, pendingCount: 0, rolloutState: 'IN_PROGRESS' }],
    tasks: [{ taskArn: 'arn:aws:ecs:ap-southeast-2:123456789012:task/x/t1', taskDefinitionArn: NEW, lastStatus: 'RUNNING' }],
    targets,
  };
  assert.equal(decide(base({ ...running, elapsedMs: 30_000, healthGraceMs: 120_000 })).kind, 'continue');
  const d = decide(base({ ...running, elapsedMs: 150_000, healthGraceMs: 120_000 }));
  assert.equal(d.kind === 'fail' && d.reason, 'targets-unhealthy');
  assert.match(d.kind === 'fail' ? d.evidence.join('\n') : '', /Target.FailedHealthChecks.*502/);
  // tasks already replaced for failing ELB health checks: fail without waiting for the grace period
  const elb = (id: string) => task(id, { stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:targetgroup/shop-a-Targe-1ABC/0123456789abcdef)' });
  const early = decide(base({ ...running, tasks: [...running.tasks, elb('e1'), elb('e2')], elapsedMs: 20_000 }));
  assert.equal(early.kind === 'fail' && early.reason, 'targets-unhealthy');
  // all healthy → success once the deployment completes
  const ok = decide(base({ ...running, deployments: [{ ...running.deployments[0]!, rolloutState: 'COMPLETED' }], targets: [{ ...targets[0]!, TargetHealth: { State: 'healthy' } }] }));
  assert.equal(ok.kind, 'success');
});

test('still in progress past the timeout fails with the latest events', () => {
  const d = decide(
    base({
      elapsedMs: 901_000,
      events: [
        { createdAt: at(800), message: '(service shop-api) was unable to place a task because no container instance met all of its requirements.' },
        { createdAt: new Date(start.getTime() - 86_400_000), message: 'an event from yesterday' },
      ],
    }),
  );
  assert.equal(d.kind === 'fail' && d.reason, 'timeout');
  const ev = d.kind === 'fail' ? d.evidence.join('\n') : '';
  assert.match(ev, /unable to place a task/);
  assert.doesNotMatch(ev, /yesterday/);
});
