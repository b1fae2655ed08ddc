/**
 * `slipway db open --ttl` / `db close` on aws (moto): the window is a `slipway-temp` rule whose
 * description carries its expiry, public access, and a lease in SSM written before either; a
 * deploy is blocked while it is open; any later command closes it once expired, or once its
 * `db open` was killed half-way. State is read back with the AWS SDK. The password never
 * appears in any output.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { EC2Client, DescribeSecurityGroupRulesCommand } from '@aws-sdk/client-ec2';
import { RDSClient, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { SecretsManagerClient, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { SSMClient, GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { startMoto, awsTestEnv, type Moto } from './moto.js';
import { writeConfig } from './helpers.js';
import { ensureBuilt } from '../helpers/local-env.js';
import { runCli, type CliResult } from '../helpers/cli.js';

const CIDR = '203.0.113.9/32';
const LEASE = '/slipway/shop-api-production/db-window';
const IMAGE = '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/shop-api:v1';
let moto: Moto;
let config: string;
let password = '';
const outputs: string[] = [];

async function cli(args: string[], extra: Record<string, string> = {}): Promise<CliResult> {
  const r = await runCli(args, { config, env: { ...awsTestEnv, AWS_ENDPOINT_URL: moto.url, JWT_SECRET: 'db-window-test-secret', PGSSLROOTCERT: '/etc/ssl/rds-ca.pem', ...extra } });
  outputs.push(r.stdout, r.stderr);
  return r;
}

const opts = () => ({ endpoint: moto.url, region: 'ap-southeast-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

interface WindowState {
  rules: string[];
  publiclyAccessible: boolean;
  lease: { until: string; state: string; window?: { cidr: string } } | undefined;
}

async function windowState(): Promise<WindowState> {
  const cfn = new CloudFormationClient(opts());
  const out = (name: string, key: string) => cfn.send(new DescribeStacksCommand({ StackName: name })).then((r) => r.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === key)?.OutputValue);
  const [sg, id] = await Promise.all([out('shop-api-production-security', 'DbSecurityGroupId'), out('shop-api-production-database', 'DbInstanceId')]);
  const rules = await new EC2Client(opts()).send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [sg!] }] }));
  const temp = (rules.SecurityGroupRules ?? []).filter((r) => !r.IsEgress && r.CidrIpv4 === CIDR && (r.Description ?? '').startsWith('slipway-temp')).map((r) => r.Description ?? '');
  const db = (await new RDSClient(opts()).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id! }))).DBInstances?.[0];
  const lease = await new SSMClient(opts()).send(new GetParameterCommand({ Name: LEASE })).then(
    (r) => JSON.parse(r.Parameter!.Value!) as WindowState['lease'],
    () => undefined,
  );
  return { rules: temp, publiclyAccessible: !!db?.PubliclyAccessible, lease };
}

const closed = (s: WindowState) => ({ rules: s.rules.length, publiclyAccessible: s.publiclyAccessible, lease: s.lease ?? null });

before(async () => {
  ensureBuilt();
  moto = await startMoto();
  config = await writeConfig();
  const r = await cli(['deploy', 'production', '--image', IMAGE]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const secret = await new SecretsManagerClient(opts()).send(new GetSecretValueCommand({ SecretId: 'slipway/shop-api-production/db' }));
  password = (JSON.parse(secret.SecretString!) as { password: string }).password;
  assert.ok(password.length >= 16);
});
after(async () => {
  // No output of any command in this file carried the database password.
  for (const o of outputs) assert.ok(!o.includes(password), 'an output contained the password');
  await moto?.stop();
  await rm(path.dirname(config), { recursive: true, force: true });
});

test('db open: a /32 rule whose description says until when, public access, a lease; TLS connection string without the password; a deploy is blocked until then; db close closes it', async () => {
  const r = await cli(['db', 'open', 'production', '--ttl', '30m', '--cidr', CIDR]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const s = await windowState();
  assert.equal(s.lease?.state, 'open');
  assert.equal(s.lease?.window?.cidr, CIDR);
  const until = s.lease!.until;
  const left = Date.parse(until) - Date.now();
  assert.ok(left > 25 * 60_000 && left <= 30 * 60_000, `until ${until}`);
  assert.deepEqual(s.rules, [`slipway-temp db-open until ${until}`]);
  assert.equal(s.publiclyAccessible, true);
  assert.match(r.stdout, /postgresql:\/\/shop_admin@[^ ]+:\d+\/shop\?sslmode=verify-full&sslrootcert=\/etc\/ssl\/rds-ca\.pem/);
  assert.match(r.stdout, /PGPASSWORD="\$\{PGPASSWORD\}" psql/);
  assert.match(r.stdout, /secretsmanager get-secret-value .*--secret-id slipway\/shop-api-production\/db/);
  assert.match(r.stdout, new RegExp(`until ${until}`));

  const again = await cli(['db', 'open', 'production', '--cidr', CIDR]);
  assert.equal(again.code, 1, again.stdout + again.stderr);
  assert.match(again.stderr, new RegExp(`already open until ${until}`));

  const deploy = await cli(['deploy', 'production', '--image', IMAGE]);
  assert.equal(deploy.code, 1, deploy.stdout + deploy.stderr);
  assert.match(deploy.stdout + deploy.stderr, new RegExp(`The database of production is open to 203\\.0\\.113\\.9/32 until ${until}`));

  const c = await cli(['db', 'close', 'production']);
  assert.equal(c.code, 0, c.stdout + c.stderr);
  assert.match(c.stdout, new RegExp(`Closed the database window of production \\(it was open until ${until}`));
  assert.deepEqual(closed(await windowState()), { rules: 0, publiclyAccessible: false, lease: null });
});

test('an expired window is closed by the next command on the environment (status)', async () => {
  const r = await cli(['db', 'open', 'production', '--ttl', '2h', '--cidr', CIDR]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const s = await windowState();
  assert.equal(s.rules.length, 1);
  // Time travel: the lease says the window ended a minute ago.
  const past = new Date(Date.now() - 60_000).toISOString();
  await new SSMClient(opts()).send(new PutParameterCommand({ Name: LEASE, Value: JSON.stringify({ ...s.lease, until: past }), Type: 'String', Overwrite: true }));
  const st = await cli(['status', 'production']);
  assert.equal(st.code, 0, st.stdout + st.stderr);
  assert.match(st.stderr, new RegExp(`Closed the database window of production that was open until ${past}`));
  assert.deepEqual(closed(await windowState()), { rules: 0, publiclyAccessible: false, lease: null });
});

for (const at of ['lease', 'rule'] as const) {
  test(`kill -9 of db open after the ${at === 'lease' ? 'lease is written (nothing opened yet)' : 'rule is added (before public access)'}: the next command closes what the lease covers`, async () => {
    const killed = await cli(['db', 'open', 'production', '--ttl', '30m', '--cidr', CIDR], { SLIPWAY_FAILPOINT: `db-open:${at}` });
    assert.equal(killed.signal, 'SIGKILL', killed.stdout + killed.stderr);
    const s = await windowState();
    assert.equal(s.lease?.state, 'opening');
    assert.equal(s.rules.length, at === 'rule' ? 1 : 0);
    const st = await cli(['status', 'production']);
    assert.equal(st.code, 0, st.stdout + st.stderr);
    assert.match(st.stderr, /Closed the database window of production/);
    assert.deepEqual(closed(await windowState()), { rules: 0, publiclyAccessible: false, lease: null });
  });
}

test('db open refuses a wide --cidr (exit 2) and a bad --ttl (exit 2); nothing is opened', async () => {
  const wide = await cli(['db', 'open', 'production', '--cidr', '0.0.0.0/0']);
  assert.equal(wide.code, 2, wide.stdout + wide.stderr);
  const ttl = await cli(['db', 'open', 'production', '--ttl', '3d', '--cidr', CIDR]);
  assert.equal(ttl.code, 2, ttl.stdout + ttl.stderr);
  assert.match(ttl.stderr, /--ttl 3d is not a duration/);
  assert.deepEqual(closed(await windowState()), { rules: 0, publiclyAccessible: false, lease: null });
});
