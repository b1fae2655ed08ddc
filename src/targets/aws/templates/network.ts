/** Layer 1 (runbook 1.1): a VPC with DNS hostnames on, two public subnets in two AZs (RDS needs two — pitfall 2), IGW, routes. No NAT. */
import { getAtt, nameTag, ref, sub, type Template, type TemplateInput } from './cfn.js';

/** The AZ value for a subnet: `${AWS::Region}a` form unless the config names zones. */
function az(input: TemplateInput, i: 0 | 1): ReturnType<typeof sub> | string {
  const z = input.availabilityZones[i];
  return z.startsWith('${') ? sub(z) : z;
}

export function networkTemplate(input: TemplateInput): Template {
  const subnet = (i: 0 | 1) => ({
    Type: 'AWS::EC2::Subnet',
    Properties: {
      VpcId: ref('Vpc'),
      CidrBlock: `10.0.${i + 1}.0/24`,
      AvailabilityZone: az(input, i),
      MapPublicIpOnLaunch: true,
      Tags: nameTag(`${input.prefix}-public-${i + 1}`),
    },
  });
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `slipway ${input.prefix}: network (VPC, two public subnets in two AZs, internet gateway)`,
    Resources: {
      Vpc: {
        Type: 'AWS::EC2::VPC',
        Properties: { CidrBlock: '10.0.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: true, Tags: nameTag(input.prefix) },
      },
      InternetGateway: { Type: 'AWS::EC2::InternetGateway', Properties: { Tags: nameTag(input.prefix) } },
      GatewayAttachment: { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: ref('Vpc'), InternetGatewayId: ref('InternetGateway') } },
      PublicSubnet1: subnet(0),
      PublicSubnet2: subnet(1),
      PublicRouteTable: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('Vpc'), Tags: nameTag(`${input.prefix}-public`) } },
      DefaultRoute: {
        Type: 'AWS::EC2::Route',
        DependsOn: 'GatewayAttachment',
        Properties: { RouteTableId: ref('PublicRouteTable'), DestinationCidrBlock: '0.0.0.0/0', GatewayId: ref('InternetGateway') },
      },
      PublicSubnet1Routes: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: ref('PublicSubnet1'), RouteTableId: ref('PublicRouteTable') } },
      PublicSubnet2Routes: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: ref('PublicSubnet2'), RouteTableId: ref('PublicRouteTable') } },
    },
    Outputs: {
      VpcId: { Description: 'VPC id', Value: ref('Vpc') },
      PublicSubnet1Id: { Description: 'Public subnet in the first AZ', Value: ref('PublicSubnet1') },
      PublicSubnet2Id: { Description: 'Public subnet in the second AZ', Value: ref('PublicSubnet2') },
      VpcCidr: { Description: 'VPC CIDR block', Value: getAtt('Vpc', 'CidrBlock') },
    },
  };
}
