/**
 * Layer 6 (runbook 1.6), the slow-changing half of the service: the task execution and
 * task roles (made here, so task definitions always reference live role ARNs — pitfall 9)
 * and the log group with its retention. The task definition and the ECS service are
 * per-release objects driven through the ECS API (see rollout.ts and docs/aws.md).
 */
import { getAtt, ref, sub, type Template, type TemplateInput } from './cfn.js';

/** Prefix of every secret slipway stores for this environment. */
export function secretPrefix(prefix: string): string {
  return `slipway/${prefix}/`;
}

const assumeEcsTasks = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

export function serviceTemplate(input: TemplateInput): Template {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `slipway ${input.prefix}: task roles and log group`,
    Resources: {
      LogGroup: {
        Type: 'AWS::Logs::LogGroup',
        Properties: { LogGroupName: `/ecs/${input.prefix}`, RetentionInDays: input.logRetentionDays },
      },
      ExecutionRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: assumeEcsTasks,
          ManagedPolicyArns: [sub('arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy')],
          Policies: [
            {
              PolicyName: 'read-slipway-secrets',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: ['secretsmanager:GetSecretValue'],
                    Resource: sub(`arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${secretPrefix(input.prefix)}*`),
                  },
                ],
              },
            },
          ],
        },
      },
      TaskRole: {
        Type: 'AWS::IAM::Role',
        Properties: { AssumeRolePolicyDocument: assumeEcsTasks, Description: `${input.prefix} app task role: add the app's own AWS permissions here` },
      },
    },
    Outputs: {
      ExecutionRoleArn: { Description: 'Task execution role (pulls images, reads secrets, writes logs)', Value: getAtt('ExecutionRole', 'Arn') },
      TaskRoleArn: { Description: 'Task role (the app itself)', Value: getAtt('TaskRole', 'Arn') },
      LogGroupName: { Description: 'CloudWatch log group', Value: ref('LogGroup') },
    },
  };
}
