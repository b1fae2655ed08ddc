/**
 * SLIPWAY_RECORD_AWS_CALLS=<file>: append `service:Action` (IAM's names) for every AWS API
 * call this process sends, one per line, to <file>. Tests use it to check the CI deploy
 * role's generated policy against what slipway really calls (test/aws/iam-policy.test.ts).
 * It wraps `send` of the SDK's client base class once, so every client is covered, also
 * those the preflight creates for itself.
 */
import { appendFileSync } from 'node:fs';
import { iamPrefix } from './iam-policy.js';
import { sdk } from '../../engine/aws-sdk.js';

type Send = (this: { config?: { serviceId?: string } }, command: object, ...rest: unknown[]) => unknown;
const WRAPPED = Symbol.for('slipway.recordAwsCalls');

/** `DescribeStacksCommand` sent by a CloudFormation client → `cloudformation:DescribeStacks`. */
export function actionOf(serviceId: string, command: object): string {
  return `${iamPrefix(serviceId)}:${command.constructor.name.replace(/Command$/, '')}`;
}

export function installCallRecorder(file: string | undefined = process.env.SLIPWAY_RECORD_AWS_CALLS): void {
  if (!file) return;
  // Every client package (loaded here, so only when recording): they share the base class
  // today, but a package with its own copy of it would otherwise go unrecorded.
  const clients = [
    sdk.cfn().CloudFormationClient,
    sdk.ec2().EC2Client,
    sdk.ecs().ECSClient,
    sdk.rds().RDSClient,
    sdk.ecr().ECRClient,
    sdk.logs().CloudWatchLogsClient,
    sdk.sts().STSClient,
    sdk.sm().SecretsManagerClient,
    sdk.ssm().SSMClient,
    sdk.acm().ACMClient,
    sdk.iam().IAMClient,
    sdk.elb().ElasticLoadBalancingV2Client,
  ];
  for (const C of clients) {
    const base = Object.getPrototypeOf(C.prototype) as { send: Send; [WRAPPED]?: boolean };
    if (base[WRAPPED]) continue;
    const send = base.send;
    base.send = function (this: { config?: { serviceId?: string } }, command: object, ...rest: unknown[]) {
      appendFileSync(file, `${actionOf(this.config?.serviceId ?? 'unknown', command)}\n`);
      return send.call(this, command, ...rest);
    };
    base[WRAPPED] = true;
  }
}
