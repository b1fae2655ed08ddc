/**
 * Optional, after the service exists: CPU target-tracking autoscaling of the desired count.
 * (The ECS service itself is created through the API, so this stack follows it.)
 */
import { ref, sub, type Template, type TemplateInput } from './cfn.js';

export function scalingTemplate(input: TemplateInput): Template {
  const a = input.autoscaling;
  if (!a) throw new Error('scalingTemplate: no autoscaling configured');
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `slipway ${input.prefix}: service autoscaling (CPU target tracking)`,
    Parameters: {
      ClusterName: { Type: 'String', Description: 'From the cluster stack' },
      ServiceName: { Type: 'String', Description: 'The ECS service slipway manages' },
    },
    Resources: {
      ScalableTarget: {
        Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
        Properties: {
          ServiceNamespace: 'ecs',
          ScalableDimension: 'ecs:service:DesiredCount',
          ResourceId: sub('service/${ClusterName}/${ServiceName}'),
          MinCapacity: a.min,
          MaxCapacity: a.max,
        },
      },
      CpuPolicy: {
        Type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
        Properties: {
          PolicyName: `${input.prefix}-cpu`,
          PolicyType: 'TargetTrackingScaling',
          ScalingTargetId: ref('ScalableTarget'),
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: a.cpuTarget,
            PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
            ScaleInCooldown: 120,
            ScaleOutCooldown: 60,
          },
        },
      },
    },
    Outputs: {
      ScalableTargetId: { Description: 'Scalable target', Value: ref('ScalableTarget') },
    },
  };
}
