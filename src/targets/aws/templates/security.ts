/**
 * Layer 2 (runbook 1.2 / 1.7): the app security group — app port from the ALB's group when
 * there is an ALB, else from `allowedCidrs` — and the DB group: 5432 only from the app group.
 */
import { nameTag, ref, type CfnValue, type Template, type TemplateInput } from './cfn.js';

export function securityTemplate(input: TemplateInput): Template {
  const appIngress: CfnValue[] = input.alb
    ? [{ IpProtocol: 'tcp', FromPort: input.appPort, ToPort: input.appPort, SourceSecurityGroupId: ref('AlbSecurityGroupId'), Description: 'app port from the load balancer' }]
    : input.allowedCidrs.map((cidr) => ({ IpProtocol: 'tcp', FromPort: input.appPort, ToPort: input.appPort, CidrIp: cidr, Description: 'app port (no load balancer)' }));
  const t: Template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `slipway ${input.prefix}: security groups (app, database)`,
    Parameters: {
      VpcId: { Type: 'AWS::EC2::VPC::Id', Description: 'From the network stack' },
      ...(input.alb ? { AlbSecurityGroupId: { Type: 'AWS::EC2::SecurityGroup::Id' as const, Description: 'From the alb stack' } } : {}),
    },
    Resources: {
      AppSecurityGroup: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: `${input.prefix} app tasks`,
          VpcId: ref('VpcId'),
          SecurityGroupIngress: appIngress,
          Tags: nameTag(`${input.prefix}-app`),
        },
      },
      DbSecurityGroup: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: `${input.prefix} database: 5432 from the app only`,
          VpcId: ref('VpcId'),
          SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: ref('AppSecurityGroup'), Description: 'PostgreSQL from app tasks' }],
          Tags: nameTag(`${input.prefix}-db`),
        },
      },
    },
    Outputs: {
      AppSecurityGroupId: { Description: 'Security group of the app tasks', Value: ref('AppSecurityGroup') },
      DbSecurityGroupId: { Description: 'Security group of the database', Value: ref('DbSecurityGroup') },
    },
  };
  return t;
}
