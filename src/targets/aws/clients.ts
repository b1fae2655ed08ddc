/**
 * AWS SDK v3 clients for one environment: region from the config, endpoint from the
 * config or AWS_ENDPOINT_URL (moto, LocalStack). Each client counts its API calls
 * (the benchmark reports them).
 *
 * Start-up: a client's package is loaded (with `require`, which skips the ESM loader's
 * format detection of CommonJS) and the client constructed on first use, so a command
 * pays only for the services it calls (`releases` loads SSM alone).
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { STSClient } from '@aws-sdk/client-sts';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { ACMClient } from '@aws-sdk/client-acm';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ResolvedEnvironment } from '../../config/resolve.js';
import { asAws } from './names.js';
import type { PollOptions } from '../../engine/poll.js';
import { sdk } from '../../engine/aws-sdk.js';

export interface AwsClients {
  region: string;
  endpoint: string | undefined;
  readonly cfn: CloudFormationClient;
  readonly ec2: EC2Client;
  readonly ecs: ECSClient;
  readonly rds: RDSClient;
  /** RDS without retries, for calls whose failure has a fallback (DescribeDBEngineVersions). */
  readonly rdsOnce: RDSClient;
  readonly ecr: ECRClient;
  readonly logs: CloudWatchLogsClient;
  readonly sts: STSClient;
  readonly sm: SecretsManagerClient;
  readonly ssm: SSMClient;
  readonly acm: ACMClient;
  readonly elb: ElasticLoadBalancingV2Client;
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
    const made = new Map<string, unknown>();
    const lazy = <T>(name: string, make: () => T): T => {
      if (!made.has(name)) made.set(name, make());
      return made.get(name) as T;
    };
    c = {
      region,
      endpoint,
      get cfn() { return lazy('cfn', () => counted(new (sdk.cfn().CloudFormationClient)(cfg), 'cloudformation')); },
      get ec2() { return lazy('ec2', () => counted(new (sdk.ec2().EC2Client)(cfg), 'ec2')); },
      get ecs() { return lazy('ecs', () => counted(new (sdk.ecs().ECSClient)(cfg), 'ecs')); },
      get rds() { return lazy('rds', () => counted(new (sdk.rds().RDSClient)(cfg), 'rds')); },
      get rdsOnce() { return lazy('rdsOnce', () => counted(new (sdk.rds().RDSClient)({ ...cfg, maxAttempts: 1 }), 'rds')); },
      get ecr() { return lazy('ecr', () => counted(new (sdk.ecr().ECRClient)(cfg), 'ecr')); },
      get logs() { return lazy('logs', () => counted(new (sdk.logs().CloudWatchLogsClient)(cfg), 'logs')); },
      get sts() { return lazy('sts', () => counted(new (sdk.sts().STSClient)(cfg), 'sts')); },
      get sm() { return lazy('sm', () => counted(new (sdk.sm().SecretsManagerClient)(cfg), 'secretsmanager')); },
      get ssm() { return lazy('ssm', () => counted(new (sdk.ssm().SSMClient)(cfg), 'ssm')); },
      get acm() { return lazy('acm', () => counted(new (sdk.acm().ACMClient)(cfg), 'acm')); },
      get elb() { return lazy('elb', () => counted(new (sdk.elb().ElasticLoadBalancingV2Client)(cfg), 'elbv2')); },
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

/**
 * How slipway waits on AWS (docs/aws.md): `task` for things that change within seconds
 * (migration task, service rollout, change set): first re-check after 250 ms, ×1.5 per check, at
 * most every 2 s. `resource` for things that take minutes (stacks, snapshots, a database becoming
 * available): 1 s, ×1.5, at most every 5 s. ±20 % jitter; throttling doubles the wait (≤ 30 s).
 * SLIPWAY_AWS_POLL_MS (tests) makes every wait that fixed length.
 */
export function awsPoll(kind: 'task' | 'resource', signal?: AbortSignal, timeoutMs?: number): PollOptions {
  const fixed = Number(process.env.SLIPWAY_AWS_POLL_MS);
  const base: PollOptions = Number.isFinite(fixed) && fixed > 0 ? { initialMs: fixed, maxMs: fixed, jitter: 0 } : kind === 'task' ? { initialMs: 250, maxMs: 2000 } : { initialMs: 1000, maxMs: 5000 };
  return { ...base, factor: 1.5, ...(signal ? { signal } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
}

export { sleep } from '../../engine/poll.js';
