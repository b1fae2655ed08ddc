/**
 * What an aws environment is made of, for the report's drawing: each CloudFormation stack
 * slipway made (ListStackResources) with the resources that matter — the VPC, the subnets
 * by zone, the security groups and their rules, RDS, the ALB, the ECR repository — read
 * back with the EC2 / RDS / ELB describe calls, and the ECS service slipway manages through
 * the ECS API. A stack that does not exist yet is a note, not an error.
 */
import type { StackResourceSummary } from '@aws-sdk/client-cloudformation';
import type { IpPermission } from '@aws-sdk/client-ec2';
import { t } from '../../engine/i18n.js';
import '../../engine/messages/report-html.js';
import type { ArchGroup, ArchNode, ArchitectureView } from '../types.js';
import type { AwsCtx } from './context.js';
import type { Layer } from './names.js';
import { describeService } from './rollout.js';
import { describeStack, outputsOf } from './stacks.js';
import { hasManagedDb } from './synth.js';
import { sdk } from '../../engine/aws-sdk.js';

const LAYERS: Layer[] = ['network', 'security', 'registry', 'database', 'cluster', 'alb', 'service', 'scaling'];

async function resourcesOf(a: AwsCtx, stack: string): Promise<StackResourceSummary[] | undefined> {
  const { ListStackResourcesCommand } = sdk.cfn();
  try {
    const out: StackResourceSummary[] = [];
    let token: string | undefined;
    do {
      const r = await a.c.cfn.send(new ListStackResourcesCommand({ StackName: stack, ...(token ? { NextToken: token } : {}) }));
      out.push(...(r.StackResourceSummaries ?? []));
      token = r.NextToken;
    } while (token);
    return out;
  } catch (e) {
    if (/does not exist/i.test(e instanceof Error ? e.message : String(e))) return undefined;
    throw e;
  }
}

/** One line per rule: `tcp 5432 ← sg-123 (app)`, `tcp 443 ← 0.0.0.0/0`. */
export function ruleLines(perms: readonly IpPermission[], dir: '←' | '→', sgNames: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const p of perms) {
    const proto = p.IpProtocol === '-1' ? 'all' : (p.IpProtocol ?? '?');
    const ports = p.IpProtocol === '-1' || p.FromPort === undefined ? '' : p.FromPort === p.ToPort ? ` ${p.FromPort}` : ` ${p.FromPort}-${p.ToPort}`;
    const sources = [
      ...(p.IpRanges ?? []).map((r) => r.CidrIp ?? ''),
      ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6 ?? ''),
      ...(p.UserIdGroupPairs ?? []).map((g) => (g.GroupId ? `${g.GroupId}${sgNames.get(g.GroupId) ? ` (${sgNames.get(g.GroupId)})` : ''}` : '')),
      ...(p.PrefixListIds ?? []).map((l) => l.PrefixListId ?? ''),
    ].filter(Boolean);
    for (const s of sources.length ? sources : ['-']) out.push(`${proto}${ports} ${dir} ${s}`);
  }
  return out;
}

export async function awsArchitecture(a: AwsCtx): Promise<ArchitectureView> {
  const { DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcsCommand } = sdk.ec2();
  const { DescribeLoadBalancersCommand } = sdk.elb();
  const { DescribeDBInstancesCommand } = sdk.rds();
  const stacks = await Promise.all(LAYERS.map(async (layer) => ({ layer, name: a.n.stack(layer), resources: await resourcesOf(a, a.n.stack(layer)) })));
  const all = stacks.flatMap((s) => (s.resources ?? []).map((r) => ({ ...r, layer: s.layer })));
  const ids = (type: string) => all.filter((r) => r.ResourceType === type && r.PhysicalResourceId).map((r) => r.PhysicalResourceId!);
  const vpcIds = ids('AWS::EC2::VPC');
  const subnetIds = ids('AWS::EC2::Subnet');
  const sgIds = ids('AWS::EC2::SecurityGroup');
  const dbIds = ids('AWS::RDS::DBInstance');
  const lbArns = ids('AWS::ElasticLoadBalancingV2::LoadBalancer');
  const cluster = outputsOf(await describeStack(a.c.cfn, a.n.stack('cluster'))).ClusterName;
  const [vpcs, subnets, sgs, dbs, lbs, svc] = await Promise.all([
    vpcIds.length ? a.c.ec2.send(new DescribeVpcsCommand({ VpcIds: vpcIds })).then((r) => r.Vpcs ?? []) : [],
    subnetIds.length ? a.c.ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds })).then((r) => r.Subnets ?? []) : [],
    sgIds.length ? a.c.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: sgIds })).then((r) => r.SecurityGroups ?? []) : [],
    Promise.all(dbIds.map((id) => a.c.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })).then((r) => r.DBInstances?.[0], () => undefined))),
    lbArns.length ? a.c.elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: lbArns })).then((r) => r.LoadBalancers ?? [], () => []) : [],
    cluster ? describeService(a.c, cluster, a.n.service) : undefined,
  ]);
  const sgNames = new Map(sgs.map((g) => [g.GroupId ?? '', g.GroupName ?? '']));
  const logical = new Map(all.map((r) => [r.PhysicalResourceId ?? '', r.LogicalResourceId ?? '']));
  const nodesOf = (layer: Layer): ArchNode[] => {
    const mine = new Set(all.filter((r) => r.layer === layer).map((r) => r.PhysicalResourceId));
    const nodes: ArchNode[] = [];
    for (const v of vpcs.filter((v) => mine.has(v.VpcId))) nodes.push({ id: `vpc-${v.VpcId}`, kind: 'vpc', label: v.VpcId ?? 'VPC', detail: [v.CidrBlock ?? ''] });
    const bySubnetZone = [...subnets.filter((s) => mine.has(s.SubnetId))].sort((x, y) => (x.AvailabilityZone ?? '').localeCompare(y.AvailabilityZone ?? ''));
    for (const s of bySubnetZone) {
      nodes.push({ id: `subnet-${s.SubnetId}`, kind: 'subnet', label: t('arch.aws.subnet', { zone: s.AvailabilityZone ?? '?' }), detail: [s.SubnetId ?? '', s.CidrBlock ?? '', ...(s.MapPublicIpOnLaunch ? [t('arch.aws.public')] : [])] });
    }
    for (const g of sgs.filter((g) => mine.has(g.GroupId))) {
      nodes.push({
        id: `sg-${g.GroupId}`,
        kind: 'security-group',
        label: logical.get(g.GroupId ?? '') || g.GroupName || g.GroupId || 'SG',
        detail: [g.GroupId ?? '', ...ruleLines(g.IpPermissions ?? [], '←', sgNames), ...ruleLines(g.IpPermissionsEgress ?? [], '→', sgNames)],
      });
    }
    for (const d of dbs.filter((d) => d && mine.has(d.DBInstanceIdentifier))) {
      if (!d) continue;
      nodes.push({
        id: 'rds',
        kind: 'rds',
        label: d.DBInstanceIdentifier ?? 'RDS',
        detail: [`${d.Engine ?? 'postgres'} ${d.EngineVersion ?? ''}`.trim(), `${d.DBInstanceClass ?? ''}${d.MultiAZ ? ', Multi-AZ' : ''}`, d.DBInstanceStatus ?? '', ...(d.Endpoint?.Address ? [`${d.Endpoint.Address}:${d.Endpoint.Port ?? 5432}`] : [])],
      });
    }
    for (const lb of lbs.filter((l) => mine.has(l.LoadBalancerArn))) {
      nodes.push({ id: 'alb', kind: 'alb', label: lb.LoadBalancerName ?? 'ALB', detail: [lb.DNSName ?? '', lb.Scheme ?? '', ...(lb.AvailabilityZones ?? []).map((z) => z.ZoneName ?? '')], emphasis: true });
    }
    for (const r of all.filter((r) => r.layer === layer && r.ResourceType === 'AWS::ECR::Repository')) nodes.push({ id: 'ecr', kind: 'ecr', label: r.PhysicalResourceId ?? 'ECR', detail: [t('arch.aws.images')] });
    for (const r of all.filter((r) => r.layer === layer && r.ResourceType === 'AWS::ECS::Cluster')) nodes.push({ id: 'ecs-cluster', kind: 'ecs-cluster', label: r.PhysicalResourceId ?? 'ECS', detail: [] });
    const shown = new Set(['AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::SecurityGroup', 'AWS::RDS::DBInstance', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ECR::Repository', 'AWS::ECS::Cluster']);
    const others = all.filter((r) => r.layer === layer && !shown.has(r.ResourceType ?? ''));
    if (others.length) nodes.push({ id: `${layer}-other`, kind: 'other', label: t('arch.aws.others', { count: others.length }), detail: others.map((r) => `${r.LogicalResourceId}: ${r.ResourceType}`) });
    return nodes;
  };
  const groups: ArchGroup[] = [];
  for (const s of stacks) {
    if (!s.resources) continue;
    const nodes = nodesOf(s.layer);
    if (s.layer === 'cluster' && svc) {
      const net = svc.networkConfiguration?.awsvpcConfiguration;
      nodes.push({
        id: 'ecs-service',
        kind: 'ecs-service',
        label: svc.serviceName ?? a.n.service,
        detail: [
          t('arch.aws.tasks', { running: svc.runningCount ?? 0, desired: svc.desiredCount ?? 0 }),
          svc.taskDefinition?.split('/').pop() ?? '',
          ...(net?.subnets ?? []).map((id) => `subnet ${id}`),
          ...(net?.securityGroups ?? []).map((id) => `sg ${id}${sgNames.get(id) ? ` (${sgNames.get(id)})` : ''}`),
        ],
        emphasis: true,
      });
    }
    groups.push({ id: s.layer, kind: 'stack', label: s.name, detail: `CloudFormation ${s.name}`, nodes });
  }
  const has = (id: string) => groups.some((g) => g.nodes.some((n) => n.id === id));
  const edges: ArchitectureView['edges'] = [];
  if (has('alb') && has('ecs-service')) edges.push({ from: 'alb', to: 'ecs-service', label: 'HTTP' });
  if (has('ecr') && has('ecs-service')) edges.push({ from: 'ecr', to: 'ecs-service', label: t('arch.aws.images') });
  if (has('ecs-service') && has('rds')) edges.push({ from: 'ecs-service', to: 'rds', label: 'PostgreSQL' });
  const missing = stacks.filter((s) => !s.resources && s.layer !== 'scaling' && !(s.layer === 'alb' && !a.envr.target.alb) && !(s.layer === 'database' && !hasManagedDb(a.envr))).map((s) => s.name);
  return { target: 'aws', groups, edges, ...(missing.length ? { notes: missing.map((name) => t('arch.aws.noStack', { stack: name })) } : {}) };
}
