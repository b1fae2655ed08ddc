/**
 * AWS SDK v3 clients for one environment: region from the config, endpoint from the
 * config or AWS_ENDPOINT_URL (moto, LocalStack). Each client counts its API calls
 * (the benchmark reports them).
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { RDSClient } from '@aws-sdk/client-rds';
import { ECRClient } from '@aws-sdk/client-ecr';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { STSClient } from '@aws-sdk/client-sts';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ACMClient } from '@aws-sdk/client-acm';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ResolvedEnvironment } from '../../config/resolve.js';
import { asAws } from './names.js';

export interface AwsClients {
  region: string;
  endpoint: string | undefined;
  cfn: CloudFormationClient;
  ec2: EC2Client;
  ecs: ECSClient;
  rds: RDSClient;
  /** RDS without retries, for calls whose failure has a fallback (DescribeDBEngineVersions). */
  rdsOnce: RDSClient;
  ecr: ECRClient;
  logs: CloudWatchLogsClient;
  sts: STSClient;
  sm: SecretsManagerClient;
  ssm: SSMClient;
  acm: ACMClient;
  elb: ElasticLoadBalancingV2Client;
}

/** API calls made through slipway's clients since the process started (for the benchmark). */
export const apiCalls = { count: 0, byService: new Map<string, number>() };

interface WithMiddleware {
  middlewareStack: { add: (mw: (next: (a: unknown) => Promise<unknown>) => (a: unknown) => Promise<unknown>, o: { step: 'finalizeRequest'; name: string }) => void };
}

function counted<T>(client: T, service: string): T {
  (client as unknown as WithMiddleware).middlewareStack.add(
    (next) => async (args) => {
      apiCalls.count++;
      apiCalls.byService.set(service, (apiCalls.byService.get(service) ?? 0) + 1);
      return next(args);
    },
    { step: 'finalizeRequest', name: `slipwayCount${service}` },
  );
  return client;
}

const cache = new Map<string, AwsClients>();

export function endpointOf(envr: ResolvedEnvironment): string | undefined {
  return asAws(envr).target.endpoint ?? (process.env.AWS_ENDPOINT_URL || undefined);
}

export function clientsFor(envr: ResolvedEnvironment): AwsClients {
  const region = asAws(envr).target.region;
  const endpoint = endpointOf(envr);
  const key = `${region} ${endpoint ?? ''}`;
  let c = cache.get(key);
  if (!c) {
    const cfg = { region, ...(endpoint ? { endpoint } : {}), maxAttempts: 4 };
    c = {
      region,
      endpoint,
      cfn: counted(new CloudFormationClient(cfg), 'cloudformation'),
      ec2: counted(new EC2Client(cfg), 'ec2'),
      ecs: counted(new ECSClient(cfg), 'ecs'),
      rds: counted(new RDSClient(cfg), 'rds'),
      rdsOnce: counted(new RDSClient({ ...cfg, maxAttempts: 1 }), 'rds'),
      ecr: counted(new ECRClient(cfg), 'ecr'),
      logs: counted(new CloudWatchLogsClient(cfg), 'logs'),
      sts: counted(new STSClient(cfg), 'sts'),
      sm: counted(new SecretsManagerClient(cfg), 'secretsmanager'),
      ssm: counted(new SSMClient(cfg), 'ssm'),
      acm: counted(new ACMClient(cfg), 'acm'),
      elb: counted(new ElasticLoadBalancingV2Client(cfg), 'elbv2'),
    };
    cache.set(key, c);
  }
  return c;
}

/** Name of an AWS SDK error (`ResourceNotFoundException` …), or ''. */
export function awsErrorName(e: unknown): string {
  return (e as { name?: string })?.name ?? '';
}

export function awsErrorMessage(e: unknown): string {
  return (e as { message?: string })?.message ?? String(e);
}

/** Poll interval: SLIPWAY_AWS_POLL_MS (tests) or the given default. */
export function pollMs(defaultMs: number): number {
  const v = Number(process.env.SLIPWAY_AWS_POLL_MS);
  return Number.isFinite(v) && v > 0 ? v : defaultMs;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}
