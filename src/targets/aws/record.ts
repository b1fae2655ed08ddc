/**
 * SLIPWAY_RECORD_AWS_CALLS=<file>: append `service:Action` (IAM's names) for every AWS API
 * call this process sends, one per line, to <file>. Tests use it to check the CI deploy
 * role's generated policy against what slipway really calls (test/aws/iam-policy.test.ts).
 * It wraps `send` of the SDK's client base class once, so every client is covered, also
 * those the preflight creates for itself.
 */
import { appendFileSync } from 'node:fs';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { RDSClient } from '@aws-sdk/client-rds';
import { ECRClient } from '@aws-sdk/client-ecr';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { STSClient } from '@aws-sdk/client-sts';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ACMClient } from '@aws-sdk/client-acm';
import { IAMClient } from '@aws-sdk/client-iam';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { iamPrefix } from './iam-policy.js';

type Send = (this: { config?: { serviceId?: string } }, command: object, ...rest: unknown[]) => unknown;
const WRAPPED = Symbol.for('slipway.recordAwsCalls');

/** `DescribeStacksCommand` sent by a CloudFormation client → `cloudformation:DescribeStacks`. */
export function actionOf(serviceId: string, command: object): string {
  return `${iamPrefix(serviceId)}:${command.constructor.name.replace(/Command$/, '')}`;
}

export function installCallRecorder(file: string | undefined = process.env.SLIPWAY_RECORD_AWS_CALLS): void {
  if (!file) return;
  const clients = [CloudFormationClient, EC2Client, ECSClient, RDSClient, ECRClient, CloudWatchLogsClient, STSClient, SecretsManagerClient, SSMClient, ACMClient, IAMClient, ElasticLoadBalancingV2Client];
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
