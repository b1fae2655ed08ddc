/** Every physical name slipway gives an AWS environment, in one place. */
import type { ResolvedEnvironment } from '../../config/resolve.js';
import type { AwsEnvironment } from '../../config/schema.js';

export type AwsEnv = ResolvedEnvironment<AwsEnvironment>;

export type Layer = 'network' | 'security' | 'database' | 'registry' | 'cluster' | 'alb' | 'service' | 'scaling';

export interface Names {
  prefix: string;
  stack(layer: Layer): string;
  /** Secrets Manager: generated DB master credentials. */
  dbSecret: string;
  /** Secrets Manager: the app's secret values (one JSON secret). */
  appSecret: string;
  service: string;
  family: string;
  container: string;
  /** SSM Parameter Store path of the release ledger. */
  ledgerPath: string;
  logGroup: string;
}

export function names(envr: ResolvedEnvironment): Names {
  const prefix = `${envr.app.name}-${envr.name}`;
  return {
    prefix,
    stack: (layer) => `${prefix}-${layer}`,
    dbSecret: `slipway/${prefix}/db`,
    appSecret: `slipway/${prefix}/app`,
    service: envr.app.name,
    family: prefix,
    container: 'app',
    ledgerPath: `/slipway/${prefix}/releases`,
    logGroup: `/ecs/${prefix}`,
  };
}

export function asAws(envr: ResolvedEnvironment): AwsEnv {
  if (envr.target.target !== 'aws') throw new Error(`environment ${envr.name} is not an aws environment`);
  return envr as AwsEnv;
}

/** Regions whose second zone is not `b`. */
const ZONE_SUFFIXES: Record<string, [string, string]> = { 'ap-northeast-1': ['a', 'c'], 'us-west-1': ['a', 'c'] };

export function availabilityZones(envr: AwsEnv): [string, string] {
  const z = envr.target.availabilityZones;
  if (z && z.length === 2) return [z[0]!, z[1]!];
  const [a, b] = ZONE_SUFFIXES[envr.target.region] ?? ['a', 'b'];
  return [`\${AWS::Region}${a}`, `\${AWS::Region}${b}`];
}
