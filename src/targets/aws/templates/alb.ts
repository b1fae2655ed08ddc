/**
 * Optional layer (runbook 1.7): an internet-facing ALB. With an ACM certificate: 443 forwards
 * to the target group and 80 redirects to 443; without one: 80 forwards. The target group
 * health-checks `app.healthPath` on the app port (target type ip, for Fargate).
 */
import { getAtt, ref, type CfnResource, type CfnValue, type Template, type TemplateInput } from './cfn.js';

export function albTemplate(input: TemplateInput): Template {
  if (!input.alb) throw new Error('albTemplate: no alb configured');
  const https = Boolean(input.alb.certificateArn);
  const forward = [{ Type: 'forward', TargetGroupArn: ref('TargetGroup') }];
  const listeners: Record<string, CfnResource> = https
    ? {
        HttpListener: {
          Type: 'AWS::ElasticLoadBalancingV2::Listener',
          Properties: {
            LoadBalancerArn: ref('LoadBalancer'),
            Port: 80,
            Protocol: 'HTTP',
            DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
          },
        },
        HttpsListener: {
          Type: 'AWS::ElasticLoadBalancingV2::Listener',
          Properties: {
            LoadBalancerArn: ref('LoadBalancer'),
            Port: 443,
            Protocol: 'HTTPS',
            SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
            Certificates: [{ CertificateArn: input.alb.certificateArn! }],
            DefaultActions: forward,
          },
        },
      }
    : {
        HttpListener: {
          Type: 'AWS::ElasticLoadBalancingV2::Listener',
          Properties: { LoadBalancerArn: ref('LoadBalancer'), Port: 80, Protocol: 'HTTP', DefaultActions: forward },
        },
      };
  const ingress: CfnValue[] = [80, ...(https ? [443] : [])].flatMap((port): CfnValue[] => [
    { IpProtocol: 'tcp', FromPort: port, ToPort: port, CidrIp: '0.0.0.0/0' },
    { IpProtocol: 'tcp', FromPort: port, ToPort: port, CidrIpv6: '::/0' },
  ]);
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `slipway ${input.prefix}: application load balancer`,
    Parameters: {
      VpcId: { Type: 'AWS::EC2::VPC::Id', Description: 'From the network stack' },
      PublicSubnet1Id: { Type: 'AWS::EC2::Subnet::Id', Description: 'From the network stack' },
      PublicSubnet2Id: { Type: 'AWS::EC2::Subnet::Id', Description: 'From the network stack' },
    },
    Resources: {
      AlbSecurityGroup: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: { GroupDescription: `${input.prefix} load balancer`, VpcId: ref('VpcId'), SecurityGroupIngress: ingress },
      },
      LoadBalancer: {
        Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
        Properties: {
          Type: 'application',
          Scheme: 'internet-facing',
          Subnets: [ref('PublicSubnet1Id'), ref('PublicSubnet2Id')],
          SecurityGroups: [ref('AlbSecurityGroup')],
        },
      },
      TargetGroup: {
        Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
        Properties: {
          VpcId: ref('VpcId'),
          TargetType: 'ip',
          Protocol: 'HTTP',
          Port: input.appPort,
          HealthCheckPath: input.healthPath,
          HealthCheckIntervalSeconds: 15,
          HealthyThresholdCount: 2,
          UnhealthyThresholdCount: 3,
          Matcher: { HttpCode: '200-399' },
          TargetGroupAttributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }],
        },
      },
      ...listeners,
    },
    Outputs: {
      AlbDnsName: { Description: 'Point your DNS (alias record) here', Value: getAtt('LoadBalancer', 'DNSName') },
      AlbSecurityGroupId: { Description: 'Security group of the load balancer', Value: ref('AlbSecurityGroup') },
      TargetGroupArn: { Description: 'Target group of the app service', Value: ref('TargetGroup') },
      LoadBalancerArn: { Description: 'Load balancer ARN', Value: ref('LoadBalancer') },
    },
  };
}
