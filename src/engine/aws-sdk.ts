/**
 * The AWS SDK v3 client packages, each loaded on first use — one table for the aws target
 * (src/targets/aws/clients.ts) and the aws checks (src/checks/aws/checks.ts), which sit side
 * by side above this layer. Code takes a command class from the table inside the function
 * that sends it (`const { DescribeTasksCommand } = sdk.ecs();`), never by a static import,
 * so a command pays only for the services it calls (`releases` loads SSM alone).
 *
 * `sdkExports` lists what slipway uses of each package; the table exposes only those names
 * (a new command is added here first, or it does not typecheck). scripts/bundle.mjs builds
 * each package, cut down to these names, into one CommonJS file (dist/cli-bundle/aws-sdk/),
 * which the bundled CLI loads instead of the package: a third of the package's load time
 * (measured: `releases production`, SSM, 1 MB of CommonJS in 26 files → one file of ~0.2 MB).
 * Either way the file is loaded with `require`, which skips the ESM loader's format detection
 * of CommonJS. Outside the bundle (dist/engine/, tests under tsx) the packages themselves load.
 */
import { createRequire } from 'node:module';

export const sdkExports = {
  acm: { pkg: '@aws-sdk/client-acm', names: ['ACMClient', 'DescribeCertificateCommand'] },
  cfn: {
    pkg: '@aws-sdk/client-cloudformation',
    names: ['CloudFormationClient', 'CreateChangeSetCommand', 'CreateStackCommand', 'DeleteChangeSetCommand', 'DeleteStackCommand', 'DescribeChangeSetCommand', 'DescribeStackEventsCommand', 'DescribeStacksCommand', 'ExecuteChangeSetCommand', 'ListStackResourcesCommand', 'ListStacksCommand'],
  },
  ec2: {
    pkg: '@aws-sdk/client-ec2',
    names: ['EC2Client', 'AuthorizeSecurityGroupIngressCommand', 'DescribeAvailabilityZonesCommand', 'DescribeNetworkInterfacesCommand', 'DescribeSecurityGroupRulesCommand', 'DescribeSecurityGroupsCommand', 'DescribeSubnetsCommand', 'DescribeVpcAttributeCommand', 'DescribeVpcsCommand', 'ModifyVpcAttributeCommand', 'RevokeSecurityGroupIngressCommand'],
  },
  ecr: { pkg: '@aws-sdk/client-ecr', names: ['ECRClient', 'BatchDeleteImageCommand', 'DescribeImagesCommand', 'GetAuthorizationTokenCommand', 'ListImagesCommand'] },
  ecs: {
    pkg: '@aws-sdk/client-ecs',
    names: ['ECSClient', 'CreateServiceCommand', 'DeleteServiceCommand', 'DeregisterTaskDefinitionCommand', 'DescribeServicesCommand', 'DescribeTaskDefinitionCommand', 'DescribeTasksCommand', 'ListTasksCommand', 'RegisterTaskDefinitionCommand', 'RunTaskCommand', 'StopTaskCommand', 'UpdateServiceCommand'],
  },
  elb: { pkg: '@aws-sdk/client-elastic-load-balancing-v2', names: ['ElasticLoadBalancingV2Client', 'DescribeLoadBalancersCommand', 'DescribeTargetHealthCommand'] },
  iam: { pkg: '@aws-sdk/client-iam', names: ['IAMClient', 'GetRoleCommand', 'ListOpenIDConnectProvidersCommand'] },
  logs: { pkg: '@aws-sdk/client-cloudwatch-logs', names: ['CloudWatchLogsClient', 'FilterLogEventsCommand', 'GetLogEventsCommand'] },
  rds: { pkg: '@aws-sdk/client-rds', names: ['RDSClient', 'CreateDBSnapshotCommand', 'DescribeDBEngineVersionsCommand', 'DescribeDBInstancesCommand', 'DescribeDBSnapshotsCommand', 'ModifyDBInstanceCommand'] },
  sm: {
    pkg: '@aws-sdk/client-secrets-manager',
    names: ['SecretsManagerClient', 'CreateSecretCommand', 'DeleteSecretCommand', 'DescribeSecretCommand', 'GetSecretValueCommand', 'PutSecretValueCommand', 'RestoreSecretCommand', 'UpdateSecretVersionStageCommand'],
  },
  ssm: { pkg: '@aws-sdk/client-ssm', names: ['SSMClient', 'DeleteParameterCommand', 'GetParameterCommand', 'GetParametersByPathCommand', 'PutParameterCommand'] },
  sts: { pkg: '@aws-sdk/client-sts', names: ['STSClient', 'GetCallerIdentityCommand'] },
} as const;

export type SdkKey = keyof typeof sdkExports;

/** Set by scripts/bundle.mjs for the bundled CLI: where the cut-down packages sit, relative to the bundle's files. */
declare const SLIPWAY_AWS_SDK_DIR: string | undefined;
const bundledDir = typeof SLIPWAY_AWS_SDK_DIR === 'string' ? SLIPWAY_AWS_SDK_DIR : undefined;

const requireCjs = createRequire(import.meta.url);
const load = (key: SdkKey): unknown => requireCjs(bundledDir ? `${bundledDir}${key}.cjs` : sdkExports[key].pkg);

/** What slipway uses of package M (its `sdkExports` names). */
type Used<K extends SdkKey, M> = Pick<M, (typeof sdkExports)[K]['names'][number] & keyof M>;

export const sdk = {
  acm: () => load('acm') as Used<'acm', typeof import('@aws-sdk/client-acm')>,
  cfn: () => load('cfn') as Used<'cfn', typeof import('@aws-sdk/client-cloudformation')>,
  ec2: () => load('ec2') as Used<'ec2', typeof import('@aws-sdk/client-ec2')>,
  ecr: () => load('ecr') as Used<'ecr', typeof import('@aws-sdk/client-ecr')>,
  ecs: () => load('ecs') as Used<'ecs', typeof import('@aws-sdk/client-ecs')>,
  elb: () => load('elb') as Used<'elb', typeof import('@aws-sdk/client-elastic-load-balancing-v2')>,
  iam: () => load('iam') as Used<'iam', typeof import('@aws-sdk/client-iam')>,
  logs: () => load('logs') as Used<'logs', typeof import('@aws-sdk/client-cloudwatch-logs')>,
  rds: () => load('rds') as Used<'rds', typeof import('@aws-sdk/client-rds')>,
  sm: () => load('sm') as Used<'sm', typeof import('@aws-sdk/client-secrets-manager')>,
  ssm: () => load('ssm') as Used<'ssm', typeof import('@aws-sdk/client-ssm')>,
  sts: () => load('sts') as Used<'sts', typeof import('@aws-sdk/client-sts')>,
};
