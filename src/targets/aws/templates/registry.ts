/** Layer 5 (runbook 1.5): the ECR repository — scan on push, a lifecycle rule that keeps the last N images. */
import { getAtt, ref, type Template, type TemplateInput } from './cfn.js';

export function lifecyclePolicy(keep: number): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `keep the last ${keep} images (rollback targets)`,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keep },
        action: { type: 'expire' },
      },
    ],
  });
}

export function registryTemplate(input: TemplateInput): Template {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `slipway ${input.prefix}: ECR repository`,
    Resources: {
      Repository: {
        Type: 'AWS::ECR::Repository',
        Properties: {
          RepositoryName: input.prefix,
          ImageScanningConfiguration: { ScanOnPush: true },
          ImageTagMutability: 'MUTABLE',
          EncryptionConfiguration: { EncryptionType: 'AES256' },
          LifecyclePolicy: { LifecyclePolicyText: lifecyclePolicy(input.keepImages) },
        },
      },
    },
    Outputs: {
      RepositoryName: { Description: 'ECR repository name', Value: ref('Repository') },
      RepositoryUri: { Description: 'ECR repository URI', Value: getAtt('Repository', 'RepositoryUri') },
      RepositoryArn: { Description: 'ECR repository ARN', Value: getAtt('Repository', 'Arn') },
    },
  };
}
