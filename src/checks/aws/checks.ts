/**
 * AWS checks (target aws), through SDK v3 clients pointed at `endpoint` (moto in tests):
 * identity, region and zones, engine version, subnets across AZs, stack states, no open
 * temporary public-DB window, and the ALB certificate.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { areaFinder, listOf, reason } from '../finding.js';
import type { CheckContext, CheckDef, Finding } from '../types.js';
import type { AwsEnvironment } from '../../config/schema.js';
import { sdk } from '../../engine/aws-sdk.js';
import { certCovers, classifyStack, pickEngineVersion, zonesOf } from './logic.js';

const f = areaFinder('aws');

/** A failed call, named by its API, so the warning says which call failed (`DescribeSubnets: …`). */
class ApiCallError extends Error {
  constructor(
    readonly api: string,
    override readonly cause: unknown,
  ) {
    super(`${api}: ${reason(cause)}`);
    this.name = (cause as { name?: string })?.name ?? 'Error';
  }
}

/** Await one SDK call; a failure is rethrown naming the API. */
async function call<T>(api: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw new ApiCallError(api, e);
  }
}

interface ClientConfig {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  maxAttempts: number;
  requestHandler: { requestTimeout: number; connectionTimeout: number };
}

/** Client settings, or undefined when no credentials can be found (never probes instance metadata by surprise). */
export function awsClientConfig(ctx: CheckContext): ClientConfig | undefined {
  const t = ctx.envr.target as AwsEnvironment;
  const e = ctx.processEnv;
  const endpoint = t.endpoint ?? e.AWS_ENDPOINT_URL;
  // Two attempts of at most 6 s each fit in the preflight's per-check limit (15 s), so a slow or failing API is reported as such (a warning naming it), not as a check that did not finish.
  const base = { region: t.region, ...(endpoint ? { endpoint } : {}), maxAttempts: 2, requestHandler: { requestTimeout: 6000, connectionTimeout: 3000 } };
  if (e.AWS_ACCESS_KEY_ID && e.AWS_SECRET_ACCESS_KEY) {
    return { ...base, credentials: { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY, ...(e.AWS_SESSION_TOKEN ? { sessionToken: e.AWS_SESSION_TOKEN } : {}) } };
  }
  const home = e.HOME ?? os.homedir();
  const chain = e.AWS_PROFILE || e.AWS_WEB_IDENTITY_TOKEN_FILE || e.AWS_CONTAINER_CREDENTIALS_FULL_URI || e.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || e.SLIPWAY_AWS_DEFAULT_CHAIN === '1' || existsSync(path.join(home, '.aws', 'credentials')) || existsSync(path.join(home, '.aws', 'config'));
  return chain ? base : undefined;
}

async function identity(ctx: CheckContext): Promise<{ account?: string; arn?: string; error?: string }> {
  return ctx.memo('aws.identity', async () => {
    const cfg = awsClientConfig(ctx);
    if (!cfg) return { error: 'no credentials' };
    try {
      const { STSClient, GetCallerIdentityCommand } = sdk.sts();
      const r = await new STSClient(cfg).send(new GetCallerIdentityCommand({}));
      return { ...(r.Account ? { account: r.Account } : {}), ...(r.Arn ? { arn: r.Arn } : {}) };
    } catch (e) {
      return { error: reason(e) };
    }
  });
}

export function awsCheck(id: string, body: (ctx: CheckContext, cfg: ClientConfig, t: AwsEnvironment) => Promise<Finding[]>, opts: { guard?: boolean } = {}): CheckDef {
  return {
    id,
    area: 'aws',
    ...(opts.guard ? { guard: true } : {}),
    async run(ctx) {
      if (ctx.envr.target.target !== 'aws') return [];
      const who = await identity(ctx);
      const cfg = awsClientConfig(ctx);
      if (who.error || !cfg) return [f(id, 'warning', 'checks.aws.skipped', { check: id })];
      try {
        return await body(ctx, cfg, ctx.envr.target as AwsEnvironment);
      } catch (e) {
        return [f(id, opts.guard ? 'blocker' : 'warning', 'checks.aws.couldNotVerify', { check: id, reason: reason(e) })];
      }
    },
  };
}

const credentials: CheckDef = {
  id: 'aws.credentials',
  area: 'aws',
  async run(ctx) {
    if (ctx.envr.target.target !== 'aws') return [];
    const who = await identity(ctx);
    if (who.error === 'no credentials') return [f('aws.credentials', 'blocker', 'checks.aws.noCredentials')];
    if (who.error) return [f('aws.credentials', 'blocker', 'checks.aws.identityFailed', { reason: who.error })];
    return [f('aws.credentials', 'passed', 'checks.aws.identityOk', { account: who.account ?? '-', arn: who.arn ?? '-' })];
  },
};

const region = awsCheck('aws.region', async (ctx, cfg, t) => {
  const { EC2Client, DescribeAvailabilityZonesCommand } = sdk.ec2();
  const r = await call('DescribeAvailabilityZones', new EC2Client(cfg).send(new DescribeAvailabilityZonesCommand({})));
  const zones = (r.AvailabilityZones ?? []).filter((z) => !z.State || z.State === 'available').map((z) => z.ZoneName ?? '?');
  const out: Finding[] = [];
  const envRegion = ctx.processEnv.AWS_REGION ?? ctx.processEnv.AWS_DEFAULT_REGION;
  if (zones.length < 2) out.push(f('aws.region', 'blocker', 'checks.aws.regionZones', { region: t.region, zones: zones.join(', ') }));
  else out.push(f('aws.region', 'passed', 'checks.aws.regionOk', { region: t.region, count: zones.length }));
  if (envRegion && envRegion !== t.region) out.push(f('aws.region', 'info', 'checks.aws.regionEnv', { region: t.region, envRegion }));
  return out;
});

const engineVersion = awsCheck('aws.engine-version', async (ctx, cfg) => {
  const requested = ctx.envr.database?.version ?? 15;
  const { RDSClient, DescribeDBEngineVersionsCommand } = sdk.rds();
  const client = new RDSClient(cfg);
  const offered: string[] = [];
  try {
    let marker: string | undefined;
    do {
      const r = await client.send(new DescribeDBEngineVersionsCommand({ Engine: 'postgres', ...(marker ? { Marker: marker } : {}) }));
      for (const v of r.DBEngineVersions ?? []) if (v.EngineVersion) offered.push(v.EngineVersion);
      marker = r.Marker;
    } while (marker);
  } catch (e) {
    return [f('aws.engine-version', 'warning', 'checks.aws.engineUnverified', { version: requested, reason: reason(e) })];
  }
  const pick = pickEngineVersion(requested, offered);
  if (pick.ok) return [f('aws.engine-version', 'passed', 'checks.aws.engineOk', { version: requested, picked: pick.version })];
  return [f('aws.engine-version', 'blocker', 'checks.aws.engineMissing', { version: requested, suggestion: pick.suggestion ?? '-', region: cfg.region })];
});

export function stackPrefix(ctx: CheckContext): string {
  return `${ctx.envr.app.name}-${ctx.envr.name}-`;
}

const subnets = awsCheck('aws.subnets', async (ctx, cfg) => {
  const stack = `${stackPrefix(ctx)}network`;
  const { CloudFormationClient, DescribeStacksCommand } = sdk.cfn();
  let outputs: { OutputKey?: string; OutputValue?: string }[] | undefined;
  try {
    const r = await call('DescribeStacks', new CloudFormationClient(cfg).send(new DescribeStacksCommand({ StackName: stack })));
    outputs = r.Stacks?.[0]?.Outputs ?? [];
  } catch (e) {
    if (/does not exist/i.test(reason(e))) return [f('aws.subnets', 'info', 'checks.aws.subnetsNew', { stack })];
    throw e;
  }
  // slipway's network stack exports one output per public subnet (PublicSubnet1Id, PublicSubnet2Id).
  const ids = outputs.filter((o) => /^PublicSubnet\d+Id$/.test(o.OutputKey ?? '') && o.OutputValue).map((o) => o.OutputValue!);
  if (!ids.length) return [f('aws.subnets', 'warning', 'checks.aws.subnetsNoOutput', { stack })];
  const { EC2Client, DescribeSubnetsCommand } = sdk.ec2();
  const r = await call('DescribeSubnets', new EC2Client(cfg).send(new DescribeSubnetsCommand({ SubnetIds: ids })));
  const zones = zonesOf(r.Subnets ?? []);
  const p = { stack, count: ids.length, zones: zones.join(', ') };
  return [zones.length >= 2 ? f('aws.subnets', 'passed', 'checks.aws.subnetsOk', p) : f('aws.subnets', 'blocker', 'checks.aws.subnetsOneAz', p)];
});

const stacks = awsCheck('aws.stacks', async (ctx, cfg) => {
  const { CloudFormationClient, ListStacksCommand } = sdk.cfn();
  const client = new CloudFormationClient(cfg);
  const prefix = stackPrefix(ctx);
  const mine: { name: string; status: string; at: Date }[] = [];
  let token: string | undefined;
  do {
    const r = await call('ListStacks', client.send(new ListStacksCommand(token ? { NextToken: token } : {})));
    for (const s of r.StackSummaries ?? []) {
      if (!s.StackName?.startsWith(prefix) || s.StackStatus === 'DELETE_COMPLETE') continue;
      mine.push({ name: s.StackName, status: String(s.StackStatus), at: s.LastUpdatedTime ?? s.CreationTime ?? new Date() });
    }
    token = r.NextToken;
  } while (token);
  if (!mine.length) return [f('aws.stacks', 'info', 'checks.aws.stacksNone', { prefix })];
  const out: Finding[] = [];
  for (const s of mine) {
    const v = classifyStack(s.status, s.at, ctx.now, ctx.envr.check.stuckMinutes);
    if (v.kind === 'ok') continue;
    out.push(f('aws.stacks', v.severity, `checks.aws.stack.${v.kind}`, { stack: s.name, status: s.status, minutes: v.minutes, region: cfg.region }, { subject: s.name }));
  }
  if (!out.length) out.push(f('aws.stacks', 'passed', 'checks.aws.stacksOk', { stacks: listOf(mine.map((s) => `${s.name} (${s.status})`), 6) }));
  return out;
});

const publicDb = awsCheck('aws.public-db', async (ctx, cfg) => {
  const { RDSClient, DescribeDBInstancesCommand } = sdk.rds();
  const { EC2Client, DescribeSecurityGroupRulesCommand } = sdk.ec2();
  const prefix = `${ctx.envr.app.name}-${ctx.envr.name}`;
  const dbs = (await call('DescribeDBInstances', new RDSClient(cfg).send(new DescribeDBInstancesCommand({})))).DBInstances ?? [];
  const mine = dbs.filter((d) => d.DBInstanceIdentifier?.startsWith(prefix));
  const out: Finding[] = [];
  for (const d of mine.filter((x) => x.PubliclyAccessible)) {
    out.push(f('aws.public-db', 'blocker', 'checks.aws.dbPublic', { db: d.DBInstanceIdentifier, region: cfg.region }, { subject: d.DBInstanceIdentifier! }));
  }
  const ec2 = new EC2Client(cfg);
  const temp: { group: string; rule: string; cidr: string }[] = [];
  let token: string | undefined;
  do {
    const r = await call('DescribeSecurityGroupRules', ec2.send(new DescribeSecurityGroupRulesCommand(token ? { NextToken: token } : {})));
    for (const rule of r.SecurityGroupRules ?? []) {
      if (rule.IsEgress || !rule.Description?.startsWith('slipway-temp')) continue;
      temp.push({ group: rule.GroupId ?? '?', rule: rule.SecurityGroupRuleId ?? '?', cidr: rule.CidrIpv4 ?? rule.CidrIpv6 ?? '?' });
    }
    token = r.NextToken;
  } while (token);
  for (const t of temp) out.push(f('aws.public-db', 'blocker', 'checks.aws.tempRule', { group: t.group, rule: t.rule, cidr: t.cidr, region: cfg.region }, { subject: t.rule }));
  if (!out.length) out.push(f('aws.public-db', 'passed', 'checks.aws.dbPrivate', { count: mine.length }));
  return out;
}, { guard: true });

const certificate = awsCheck('aws.certificate', async (ctx, cfg, t) => {
  const arn = t.alb?.certificateArn;
  if (!arn) return [f('aws.certificate', 'info', t.alb ? 'checks.aws.certNone' : 'checks.aws.noAlb')];
  const { ACMClient, DescribeCertificateCommand } = sdk.acm();
  const c = (await call('DescribeCertificate', new ACMClient(cfg).send(new DescribeCertificateCommand({ CertificateArn: arn })))).Certificate;
  const names = [...new Set([c?.DomainName, ...(c?.SubjectAlternativeNames ?? [])].filter((x): x is string => !!x))];
  const domain = t.alb?.domain ?? ctx.envr.target.domains?.find((d) => d.role === 'api')?.name;
  const p = { arn, status: c?.Status ?? '?', names: listOf(names), domain: domain ?? '-' };
  if (c?.Status !== 'ISSUED') return [f('aws.certificate', 'blocker', 'checks.aws.certNotIssued', p)];
  if (domain && !certCovers(names, domain)) return [f('aws.certificate', 'blocker', 'checks.aws.certWrongName', p)];
  if (c.NotAfter) {
    const days = Math.floor((c.NotAfter.getTime() - ctx.now.getTime()) / 86_400_000);
    if (days < ctx.envr.check.certBlockDays) return [f('aws.certificate', 'blocker', 'checks.aws.certExpiring', { ...p, days })];
  }
  return [f('aws.certificate', 'passed', 'checks.aws.certOk', p)];
});

/**
 * Runbook pitfall 5: ECS needs its service-linked role (AWSServiceRoleForECS) before the
 * first cluster or service. AWS creates it on first use only when the caller may; a warning,
 * with the command that creates it, when it is not there.
 */
const ecsServiceRole = awsCheck('aws.ecs-service-role', async (_ctx, cfg) => {
  const { IAMClient, GetRoleCommand } = sdk.iam();
  try {
    const r = await call('GetRole', new IAMClient(cfg).send(new GetRoleCommand({ RoleName: ECS_SERVICE_ROLE })));
    return [f('aws.ecs-service-role', 'passed', 'checks.aws.ecsRoleOk', { role: r.Role?.Arn ?? ECS_SERVICE_ROLE })];
  } catch (e) {
    if ((e as { name?: string }).name !== 'NoSuchEntityException' && !/NoSuchEntity/.test(reason(e))) throw e;
    return [f('aws.ecs-service-role', 'warning', 'checks.aws.ecsRoleMissing', { role: ECS_SERVICE_ROLE })];
  }
});

const ECS_SERVICE_ROLE = 'AWSServiceRoleForECS';

export const awsChecks: CheckDef[] = [credentials, region, engineVersion, subnets, stacks, publicDb, certificate, ecsServiceRole];
