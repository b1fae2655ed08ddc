/**
 * ECS payloads as DescribeTasks returns them (shapes from the ECS API reference and the
 * stopped-task errors documentation), described the way the rollout and `slipway diagnose`
 * describe them (decide.ts), then diagnosed: the evidence path this machine cannot produce.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeTask, type ObservedTask } from '../../src/targets/aws/decide.js';
import { diagnose } from '../../src/knowledge/diagnose.js';

const ARN = 'arn:aws:ecs:ap-southeast-2:123456789012:task/shop-api-production/0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const task = (t: Partial<ObservedTask>): ObservedTask => ({ taskArn: ARN, lastStatus: 'STOPPED', desiredStatus: 'STOPPED', ...t });

const PAYLOADS: [string, ObservedTask][] = [
  ['ecs.image-pull', task({ stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref 123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/shop-api:v9: 123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/shop-api:v9: not found', containers: [{ name: 'app', lastStatus: 'STOPPED' }] })],
  ['ecs.secrets', task({ stopCode: 'TaskFailedToStart', stoppedReason: 'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:slipway/shop-api-production/app-AbCdEf from secrets manager: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/shop-api-production-exec/0a1b is not authorized to perform: secretsmanager:GetSecretValue', containers: [{ name: 'app', lastStatus: 'STOPPED' }] })],
  ['ecs.network', task({ stopCode: 'TaskFailedToStart', stoppedReason: 'ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR: There is a connection issue between the task and Amazon ECR. Check your task network configuration. RequestError: send request failed caused by: Post "https://api.ecr.ap-southeast-2.amazonaws.com/": dial tcp 3.24.0.1:443: i/o timeout' })],
  ['ecs.oom', task({ stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' }] })],
  ['ecs.elb-health', task({ stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:targetgroup/shop-api-production/73e2d6bc24d8a067)', containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 143 }] })],
  ['ecs.container-health', task({ stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Task failed container health checks', containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 137 }] })],
  ['aws.task-role', task({ stopCode: 'TaskFailedToStart', stoppedReason: "ECS was unable to assume the role 'arn:aws:iam::123456789012:role/shop-api-exec-old' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role." })],
];

for (const [id, t] of PAYLOADS) {
  test(`DescribeTasks ${t.stopCode}: ${id}`, () => {
    const d = diagnose([describeTask(t)]);
    assert.equal(d.findings[0]?.signatureId, id, describeTask(t));
  });
}

test('an essential container that exited 1 with no known reason is unmatched, and says which task and exit code', () => {
  const d = diagnose([describeTask(task({ stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 1 }] }))]);
  assert.deepEqual(d.findings, []);
  assert.deepEqual(d.unmatched, ['task 0a1b2c3d4e5f60718293a4b5c6d7e8f9 stopped: Essential container in task exited — app: exit 1']);
});
