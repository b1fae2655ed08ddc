/** Layer 4 (runbook 1.4): the ECS cluster, deliberately minimal — no capacity providers (pitfall 5). */
import { getAtt, ref, type Template, type TemplateInput } from './cfn.js';

export function clusterTemplate(input: TemplateInput): Template {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `slipway ${input.prefix}: ECS cluster (minimal: no capacity providers)`,
    Resources: {
      Cluster: { Type: 'AWS::ECS::Cluster', Properties: { ClusterName: input.prefix } },
    },
    Outputs: {
      ClusterName: { Description: 'ECS cluster name', Value: ref('Cluster') },
      ClusterArn: { Description: 'ECS cluster ARN', Value: getAtt('Cluster', 'Arn') },
    },
  };
}
