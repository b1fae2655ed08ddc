/**
 * The least-privilege policy of the role a CI deploy assumes, generated from what slipway
 * calls. Three parts, each kept honest by a test (test/aws/iam-policy.test.ts):
 *  - CALLS: every AWS API action slipway's code sends (`new XCommand` in src/targets/aws and
 *    src/checks/aws), with its resources scoped by the environment's name prefix where the
 *    API allows it. A test records the calls of a real aws flow against moto
 *    (SLIPWAY_RECORD_AWS_CALLS) and checks each is allowed, and that no action here is one
 *    slipway never sends.
 *  - IMPLIED: permissions AWS checks for a call without being calls themselves (iam:PassRole
 *    when a task definition names its roles; the ECR layer uploads of `docker push`).
 *  - PROVISIONING: what CloudFormation does with the caller's credentials for each resource
 *    type in the environment's templates (a test checks every type used has an entry).
 */
import type { ResolvedEnvironment } from '../../config/resolve.js';
import { asAws, names } from './names.js';
import { stackSpecs } from './synth.js';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** What resource ARNs are built from. The account is `*`: the policy is attached in the account it names. */
export interface Scope {
  region: string;
  /** `<app>-<env>`. */
  prefix: string;
  /** RDS keeps identifiers in lower case. */
  rdsPrefix: string;
  app: string;
  certificateArn?: string;
}

type Resources = (s: Scope) => string[];

const ANY: Resources = () => ['*'];
const stacks: Resources = (s) => [`arn:aws:cloudformation:${s.region}:*:stack/${s.prefix}-*/*`];
const params: Resources = (s) => [`arn:aws:ssm:${s.region}:*:parameter/slipway/${s.prefix}`, `arn:aws:ssm:${s.region}:*:parameter/slipway/${s.prefix}/*`];
const secrets: Resources = (s) => [`arn:aws:secretsmanager:${s.region}:*:secret:slipway/${s.prefix}/*`];
const repo: Resources = (s) => [`arn:aws:ecr:${s.region}:*:repository/${s.prefix}`];
const logGroup: Resources = (s) => [`arn:aws:logs:${s.region}:*:log-group:/ecs/${s.prefix}:*`];
const service: Resources = (s) => [`arn:aws:ecs:${s.region}:*:service/${s.prefix}/*`];
const tasks: Resources = (s) => [`arn:aws:ecs:${s.region}:*:task/${s.prefix}/*`];
// The app's family and the rotation's admin SQL task (`<prefix>-dbadmin`, db rotate-password).
const taskDef: Resources = (s) => [`arn:aws:ecs:${s.region}:*:task-definition/${s.prefix}:*`, `arn:aws:ecs:${s.region}:*:task-definition/${s.prefix}-dbadmin:*`];
const db: Resources = (s) => [`arn:aws:rds:${s.region}:*:db:${s.rdsPrefix}-*`];
const dbAndSnapshot: Resources = (s) => [...db(s), `arn:aws:rds:${s.region}:*:snapshot:${s.rdsPrefix}-*`];
const snapshots: Resources = (s) => [`arn:aws:rds:${s.region}:*:snapshot:${s.rdsPrefix}-*`];
const securityGroups: Resources = (s) => [`arn:aws:ec2:${s.region}:*:security-group/*`];
const vpcs: Resources = (s) => [`arn:aws:ec2:${s.region}:*:vpc/*`];
const certificate: Resources = (s) => [s.certificateArn ?? `arn:aws:acm:${s.region}:*:certificate/*`];
const ecsServiceRole: Resources = () => ['arn:aws:iam::*:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS'];

/** EC2 resources CloudFormation tagged as part of one of the environment's stacks. */
const ownStackTag = (s: Scope) => ({ StringLike: { 'aws:ResourceTag/aws:cloudformation:stack-name': `${s.prefix}-*` } });

interface Permission {
  resources: Resources;
  condition?: (s: Scope) => Record<string, Record<string, string | string[]>>;
}

/** Every action slipway's code sends, keyed `service:Action` as IAM names it. */
export const CALLS: Record<string, Permission> = {
  'cloudformation:CreateStack': { resources: stacks },
  'cloudformation:CreateChangeSet': { resources: stacks },
  'cloudformation:DescribeChangeSet': { resources: stacks },
  'cloudformation:ExecuteChangeSet': { resources: stacks },
  'cloudformation:DeleteChangeSet': { resources: stacks },
  'cloudformation:DeleteStack': { resources: stacks },
  'cloudformation:DescribeStacks': { resources: stacks },
  'cloudformation:DescribeStackEvents': { resources: stacks },
  'cloudformation:ListStacks': { resources: ANY },
  'cloudformation:ListStackResources': { resources: stacks },
  'ssm:GetParameter': { resources: params },
  'ssm:PutParameter': { resources: params },
  'ssm:DeleteParameter': { resources: params },
  'ssm:GetParametersByPath': { resources: params },
  'secretsmanager:CreateSecret': { resources: secrets },
  'secretsmanager:DescribeSecret': { resources: secrets },
  'secretsmanager:GetSecretValue': { resources: secrets },
  'secretsmanager:PutSecretValue': { resources: secrets },
  'secretsmanager:RestoreSecret': { resources: secrets },
  'secretsmanager:UpdateSecretVersionStage': { resources: secrets }, // db rotate-password
  'secretsmanager:DeleteSecret': { resources: secrets },
  'ecr:GetAuthorizationToken': { resources: ANY },
  'ecr:DescribeImages': { resources: repo },
  'ecr:ListImages': { resources: repo },
  'ecr:BatchDeleteImage': { resources: repo },
  'ecs:RegisterTaskDefinition': { resources: ANY },
  'ecs:DeregisterTaskDefinition': { resources: ANY },
  'ecs:DescribeTaskDefinition': { resources: ANY }, // db rotate-password
  'ecs:CreateService': { resources: service },
  'ecs:UpdateService': { resources: service },
  'ecs:DeleteService': { resources: service },
  'ecs:DescribeServices': { resources: service },
  'ecs:RunTask': { resources: taskDef },
  'ecs:DescribeTasks': { resources: tasks },
  'ecs:StopTask': { resources: tasks },
  'ecs:ListTasks': { resources: ANY, condition: (s) => ({ ArnLike: { 'ecs:cluster': `arn:aws:ecs:${s.region}:*:cluster/${s.prefix}` } }) },
  'rds:DescribeDBInstances': { resources: ANY },
  'rds:DescribeDBEngineVersions': { resources: ANY },
  'rds:DescribeDBSnapshots': { resources: snapshots },
  'rds:ModifyDBInstance': { resources: db },
  'rds:CreateDBSnapshot': { resources: dbAndSnapshot },
  'ec2:DescribeAvailabilityZones': { resources: ANY },
  'ec2:DescribeSubnets': { resources: ANY },
  'ec2:DescribeNetworkInterfaces': { resources: ANY },
  'ec2:DescribeSecurityGroupRules': { resources: ANY },
  'ec2:DescribeVpcAttribute': { resources: ANY },
  'ec2:DescribeVpcs': { resources: ANY },
  'ec2:DescribeSecurityGroups': { resources: ANY },
  'ec2:ModifyVpcAttribute': { resources: vpcs, condition: ownStackTag },
  'ec2:AuthorizeSecurityGroupIngress': { resources: securityGroups, condition: ownStackTag },
  'ec2:RevokeSecurityGroupIngress': { resources: securityGroups, condition: ownStackTag },
  'logs:FilterLogEvents': { resources: logGroup },
  'logs:GetLogEvents': { resources: logGroup },
  'elasticloadbalancing:DescribeTargetHealth': { resources: ANY },
  'elasticloadbalancing:DescribeLoadBalancers': { resources: ANY },
  'acm:DescribeCertificate': { resources: certificate },
  'iam:GetRole': { resources: ecsServiceRole },
};

/** Actions any authenticated caller may send (no IAM permission decides them). */
export const NO_PERMISSION_NEEDED: ReadonlySet<string> = new Set(['sts:GetCallerIdentity']);

/** Checked by AWS on a call, but not calls of their own; each names what needs it. */
export const IMPLIED: Record<string, Permission & { because: string }> = {
  'iam:PassRole': {
    because: 'ecs:RegisterTaskDefinition / ecs:RunTask name the task and execution roles of the service stack',
    resources: (s) => [`arn:aws:iam::*:role/${s.prefix}-*`],
    condition: () => ({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }),
  },
  'ecr:BatchCheckLayerAvailability': { because: 'docker push', resources: repo },
  'ecr:InitiateLayerUpload': { because: 'docker push', resources: repo },
  'ecr:UploadLayerPart': { because: 'docker push', resources: repo },
  'ecr:CompleteLayerUpload': { because: 'docker push', resources: repo },
  'ecr:PutImage': { because: 'docker push', resources: repo },
  'ecr:BatchGetImage': { because: 'docker push (existing layers, manifests)', resources: repo },
};

/**
 * What CloudFormation calls, with the deploy role's credentials, to create, update and
 * delete each resource type slipway's templates use. Tagging is included because stack
 * tags propagate to every resource.
 */
export const PROVISIONING: Record<string, string[]> = {
  'AWS::EC2::VPC': ['ec2:CreateVpc', 'ec2:DeleteVpc', 'ec2:DescribeVpcs', 'ec2:ModifyVpcAttribute', 'ec2:CreateTags', 'ec2:DeleteTags'],
  'AWS::EC2::Subnet': ['ec2:CreateSubnet', 'ec2:DeleteSubnet', 'ec2:DescribeSubnets', 'ec2:ModifySubnetAttribute', 'ec2:CreateTags'],
  'AWS::EC2::InternetGateway': ['ec2:CreateInternetGateway', 'ec2:DeleteInternetGateway', 'ec2:DescribeInternetGateways', 'ec2:CreateTags'],
  'AWS::EC2::VPCGatewayAttachment': ['ec2:AttachInternetGateway', 'ec2:DetachInternetGateway', 'ec2:DescribeInternetGateways'],
  'AWS::EC2::RouteTable': ['ec2:CreateRouteTable', 'ec2:DeleteRouteTable', 'ec2:DescribeRouteTables', 'ec2:CreateTags'],
  'AWS::EC2::Route': ['ec2:CreateRoute', 'ec2:DeleteRoute', 'ec2:ReplaceRoute', 'ec2:DescribeRouteTables'],
  'AWS::EC2::SubnetRouteTableAssociation': ['ec2:AssociateRouteTable', 'ec2:DisassociateRouteTable', 'ec2:DescribeRouteTables'],
  'AWS::EC2::SecurityGroup': [
    'ec2:CreateSecurityGroup',
    'ec2:DeleteSecurityGroup',
    'ec2:DescribeSecurityGroups',
    'ec2:AuthorizeSecurityGroupIngress',
    'ec2:RevokeSecurityGroupIngress',
    'ec2:AuthorizeSecurityGroupEgress',
    'ec2:RevokeSecurityGroupEgress',
    'ec2:CreateTags',
  ],
  'AWS::ECR::Repository': ['ecr:CreateRepository', 'ecr:DeleteRepository', 'ecr:DescribeRepositories', 'ecr:PutLifecyclePolicy', 'ecr:PutImageScanningConfiguration', 'ecr:TagResource'],
  'AWS::ECS::Cluster': ['ecs:CreateCluster', 'ecs:DeleteCluster', 'ecs:DescribeClusters', 'ecs:UpdateCluster', 'ecs:TagResource'],
  'AWS::Logs::LogGroup': ['logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:DescribeLogGroups', 'logs:PutRetentionPolicy', 'logs:TagResource'],
  'AWS::IAM::Role': ['iam:CreateRole', 'iam:DeleteRole', 'iam:GetRole', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:GetRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:TagRole'],
  'AWS::RDS::DBSubnetGroup': ['rds:CreateDBSubnetGroup', 'rds:DeleteDBSubnetGroup', 'rds:DescribeDBSubnetGroups', 'rds:ModifyDBSubnetGroup', 'rds:AddTagsToResource'],
  'AWS::RDS::DBInstance': ['rds:CreateDBInstance', 'rds:DeleteDBInstance', 'rds:DescribeDBInstances', 'rds:ModifyDBInstance', 'rds:AddTagsToResource', 'rds:CreateDBSnapshot'],
  'AWS::ElasticLoadBalancingV2::LoadBalancer': [
    'elasticloadbalancing:CreateLoadBalancer',
    'elasticloadbalancing:DeleteLoadBalancer',
    'elasticloadbalancing:DescribeLoadBalancers',
    'elasticloadbalancing:ModifyLoadBalancerAttributes',
    'elasticloadbalancing:AddTags',
  ],
  'AWS::ElasticLoadBalancingV2::TargetGroup': [
    'elasticloadbalancing:CreateTargetGroup',
    'elasticloadbalancing:DeleteTargetGroup',
    'elasticloadbalancing:DescribeTargetGroups',
    'elasticloadbalancing:ModifyTargetGroup',
    'elasticloadbalancing:ModifyTargetGroupAttributes',
    'elasticloadbalancing:AddTags',
  ],
  'AWS::ElasticLoadBalancingV2::Listener': ['elasticloadbalancing:CreateListener', 'elasticloadbalancing:DeleteListener', 'elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:ModifyListener'],
  'AWS::ApplicationAutoScaling::ScalableTarget': [
    'application-autoscaling:RegisterScalableTarget',
    'application-autoscaling:DeregisterScalableTarget',
    'application-autoscaling:DescribeScalableTargets',
    'iam:CreateServiceLinkedRole',
  ],
  'AWS::ApplicationAutoScaling::ScalingPolicy': ['application-autoscaling:PutScalingPolicy', 'application-autoscaling:DeleteScalingPolicy', 'application-autoscaling:DescribeScalingPolicies'],
};

/** Where CloudFormation's provisioning may act, per service (scoped by name where the resource is named by slipway). */
function provisioningResources(service: string, s: Scope): string[] {
  switch (service) {
    case 'ecr':
      return repo(s);
    case 'logs':
      return [`arn:aws:logs:${s.region}:*:log-group:/ecs/${s.prefix}`, ...logGroup(s)];
    case 'iam':
      return [`arn:aws:iam::*:role/${s.prefix}-*`, 'arn:aws:iam::*:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/*'];
    case 'ecs':
      return [`arn:aws:ecs:${s.region}:*:cluster/${s.prefix}`];
    default:
      return ['*'];
  }
}

export function scopeOf(envrAny: ResolvedEnvironment): Scope {
  const envr = asAws(envrAny);
  const prefix = names(envr).prefix;
  return { region: envr.target.region, prefix, rdsPrefix: prefix.toLowerCase(), app: envr.app.name, ...(envr.target.alb?.certificateArn ? { certificateArn: envr.target.alb.certificateArn } : {}) };
}

/** Resource types the environment's stacks create. */
export function resourceTypes(envr: ResolvedEnvironment): string[] {
  return [...new Set(stackSpecs(envr, { scaling: true }).flatMap((s) => Object.values(s.template.Resources).map((r) => r.Type)))].sort();
}

const sid = (text: string) => text.replace(/[^A-Za-z0-9]/g, '');

/** Group permissions with the same resources and condition into one statement. */
function statements(prefix: string, perms: [string, Permission][], s: Scope): PolicyStatement[] {
  const groups = new Map<string, PolicyStatement>();
  for (const [action, p] of perms) {
    const resources = p.resources(s);
    const condition = p.condition?.(s);
    const key = JSON.stringify([resources, condition ?? null]);
    let st = groups.get(key);
    if (!st) {
      st = { Sid: sid(`${prefix} ${groups.size + 1}`), Effect: 'Allow', Action: [], Resource: resources.length === 1 ? resources[0]! : resources, ...(condition ? { Condition: condition } : {}) };
      groups.set(key, st);
    }
    st.Action.push(action);
  }
  return [...groups.values()].map((st) => ({ ...st, Action: [...st.Action].sort() }));
}

/** The deploy role's policy for one aws environment. */
export function deployPolicy(envr: ResolvedEnvironment): PolicyDocument {
  const s = scopeOf(envr);
  const provisioning = new Map<string, Set<string>>();
  for (const type of resourceTypes(envr)) {
    for (const action of PROVISIONING[type] ?? []) {
      const service = action.split(':')[0]!;
      const set = provisioning.get(service) ?? new Set<string>();
      set.add(action);
      provisioning.set(service, set);
    }
  }
  const provisioningStatements: PolicyStatement[] = [...provisioning.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([service, actions]) => {
      const resources = provisioningResources(service, s);
      return { Sid: sid(`Provision ${service.replace(/(^|-)(\w)/g, (_m, _d: string, c: string) => c.toUpperCase())}`), Effect: 'Allow', Action: [...actions].sort(), Resource: resources.length === 1 ? resources[0]! : resources };
    });
  return {
    Version: '2012-10-17',
    Statement: [...statements('Calls', Object.entries(CALLS), s), ...statements('Implied', Object.entries(IMPLIED), s), ...provisioningStatements],
  };
}

/** Whether `action` on some resource of the environment is allowed by any statement (actions compared case-insensitively, as IAM does). */
export function allows(policy: PolicyDocument, action: string): boolean {
  const a = action.toLowerCase();
  return policy.Statement.some((st) => st.Action.some((x) => new RegExp(`^${x.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(a)));
}

/** IAM's service prefix for an SDK client's service id (`Elastic Load Balancing v2` → `elasticloadbalancing`). */
export function iamPrefix(serviceId: string): string {
  const known: Record<string, string> = {
    'elastic load balancing v2': 'elasticloadbalancing',
    'cloudwatch logs': 'logs',
    'secrets manager': 'secretsmanager',
  };
  const k = serviceId.toLowerCase();
  return known[k] ?? k.replace(/\s+/g, '');
}
