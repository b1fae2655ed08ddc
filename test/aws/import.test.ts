/**
 * The runbook's temporary public-DB window, done safely: `slipway db import` opens it as an
 * undoable step, so a failure closes it at once and a `kill -9` leaves it to the next
 * command, which closes it. State is read back with the AWS SDK (moto). No test here lets
 * pg_restore reach the network: the runs fail or are killed before it connects.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { EC2Client, DescribeSecurityGroupRulesCommand } from '@aws-sdk/client-ec2';
import { RDSClient, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { SecretsManagerClient, DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import { startMoto, awsTestEnv, type Moto } from './moto.js';
import { writeConfig } from './helpers.js';
import { ensureBuilt, ROOT } from '../helpers/local-env.js';
import { runCli, type CliResult } from '../helpers/cli.js';

const TINY = path.join(ROOT, 'test', 'fixtures', 'dumps', 'tiny.dump');
const CIDR = '203.0.113.7/32';
let moto: Moto;
let config: string;

function cli(args: string[], extra: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { config: config, env: { ...awsTestEnv, AWS_ENDPOINT_URL: moto.url, JWT_SECRET: 'import-test-secret-value', PGSSLROOTCERT: '/nonexistent/rds-ca.pem', ...extra } });
}

const opts = () => ({ endpoint: moto.url, region: 'ap-southeast-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

async function windowState(): Promise<{ tempRules: number; publiclyAccessible: boolean }> {
  const cfn = new CloudFormationClient(opts());
  const out = (name: string, key: string) =>
    cfn.send(new DescribeStacksCommand({ StackName: name })).then((r) => r.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === key)?.OutputValue);
  const [sg, id] = await Promise.all([out('shop-api-production-security', 'DbSecurityGroupId'), out('shop-api-production-database', 'DbInstanceId')]);
  const rules = await new EC2Client(opts()).send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [sg!] }] }));
  const tempRules = (rules.SecurityGroupRules ?? []).filter((r) => !r.IsEgress && r.CidrIpv4 === CIDR && (r.Description ?? '').startsWith('slipway-temp')).length;
  const db = (await new RDSClient(opts()).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id! }))).DBInstances?.[0];
  return { tempRules, publiclyAccessible: !!db?.PubliclyAccessible };
}

before(async () => {
  ensureBuilt();
  moto = await startMoto();
  config = await writeConfig();
  const r = await cli(['deploy', 'production', '--image', '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/shop-api:v1']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(await windowState(), { tempRules: 0, publiclyAccessible: false });
});
after(async () => {
  await moto?.stop();
  await rm(path.dirname(config), { recursive: true, force: true });
});

test('kill -9 while the window is open: the preflight flags it, the next command closes it', async () => {
  const killed = await cli(['db', 'import', 'production', '--file', TINY, '--cidr', CIDR], { SLIPWAY_FAILPOINT: 'restore:before' });
  assert.equal(killed.signal, 'SIGKILL', killed.stdout + killed.stderr);
  assert.deepEqual(await windowState(), { tempRules: 1, publiclyAccessible: true }, 'the window was open when slipway died');

  const check = await cli(['check', 'production', '--json']);
  const report = JSON.parse(check.stdout) as { go: boolean; findings: { id: string; severity: string }[] };
  assert.ok(report.findings.some((f) => f.id === 'aws.public-db' && f.severity === 'blocker'), 'preflight sees the open window');

  const bad = path.join(path.dirname(config), 'not-a-dump');
  await writeFile(bad, 'nope');
  const next = await cli(['db', 'import', 'production', '--file', bad, '--cidr', CIDR]);
  assert.match(next.stdout, /interrupted import was undone/, next.stdout);
  assert.equal(next.code, 1, 'the new import itself fails on the bad file');
  assert.deepEqual(await windowState(), { tempRules: 0, publiclyAccessible: false }, 'recovery closed the window');
});

test('a failure after the window opened closes it at once', async () => {
  // Without its master secret the restore step fails (before any connection is made).
  await new SecretsManagerClient(opts()).send(new DeleteSecretCommand({ SecretId: 'slipway/shop-api-production/db', ForceDeleteWithoutRecovery: true }));
  const r = await cli(['db', 'import', 'production', '--file', TINY, '--cidr', CIDR]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /Closed: the 5432 rule for 203\.0\.113\.7\/32/);
  assert.deepEqual(await windowState(), { tempRules: 0, publiclyAccessible: false });
});

test('an aws import needs --cidr, and PGSSLROOTCERT (TLS is never unverified)', async () => {
  const noCidr = await cli(['db', 'import', 'production', '--file', TINY]);
  assert.equal(noCidr.code, 2);
  assert.match(noCidr.stderr, /--cidr/);
  const noCa = await cli(['db', 'import', 'production', '--file', TINY, '--cidr', CIDR], { PGSSLROOTCERT: '' });
  assert.equal(noCa.code, 1);
  assert.match(noCa.stderr, /PGSSLROOTCERT is not set/);
  assert.deepEqual(await windowState(), { tempRules: 0, publiclyAccessible: false });
});

test('db import refuses --cidr 0.0.0.0/0, a /24 and a non-CIDR with exit 2 and says how to find your address; nothing is opened', async () => {
  for (const cidr of ['0.0.0.0/0', '203.0.113.0/24']) {
    const r = await cli(['db', 'import', 'production', '--file', TINY, '--cidr', cidr]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`--cidr ${cidr.replace(/[./]/g, '\\$&')} would open the database to \\d+ addresses`));
    assert.match(r.stderr, /checkip\.amazonaws\.com/);
    assert.match(r.stderr, /--accept-risk import-wide-cidr/);
  }
  const notCidr = await cli(['db', 'import', 'production', '--file', TINY, '--cidr', 'office']);
  assert.equal(notCidr.code, 2, notCidr.stdout + notCidr.stderr);
  assert.match(notCidr.stderr, /--cidr office is not an IPv4 CIDR/);
  assert.deepEqual(await windowState(), { tempRules: 0, publiclyAccessible: false });
});

test('db import --accept-risk import-wide-cidr lets a /24 past the window check (it then stops at the missing PGSSLROOTCERT)', async () => {
  const r = await cli(['db', 'import', 'production', '--file', TINY, '--cidr', '203.0.113.0/24', '--accept-risk', 'import-wide-cidr'], { PGSSLROOTCERT: '' });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.doesNotMatch(r.stderr, /would open the database/);
  assert.match(r.stderr, /PGSSLROOTCERT is not set/);
});
