/**
 * On moto: a deploy whose migration task logs a PostgreSQL 28000 authentication failure ends
 * with the diagnosis and its fix; `slipway diagnose` finds it again from the ledger and the
 * CloudWatch log group. moto gives every task exit code 0, so the migration task is kept
 * RUNNING (manual transition) until its timeout (the minimum, 30 s) fails it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startMoto, awsTestEnv, type Moto } from './moto.js';
import { writeConfig } from './helpers.js';
import { ensureBuilt } from '../helpers/local-env.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { t } from '../../src/engine/i18n.js';
import '../../src/knowledge/diagnose.js';

const IMAGE = '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/shop-api:v1';
const CLUSTER = 'shop-api-production';
const GROUP = '/ecs/shop-api-production';
let moto: Moto;
let config: string;

function cli(args: string[]): Promise<CliResult> {
  return runCli(args, { config: config, env: { ...awsTestEnv, AWS_ENDPOINT_URL: moto.url, JWT_SECRET: 'jwt-diagnose-test', SLIPWAY_AWS_POLL_MS: '500' } });
}

before(async () => {
  ensureBuilt();
  moto = await startMoto();
  config = await writeConfig({ production: { migrateTimeoutSeconds: 30 } });
  await moto.post('/moto-api/state-manager/set-transition', { model_name: 'ecs::task', transition: { progression: 'manual', times: 100000 } });
});
after(async () => {
  await moto?.stop();
});

/** The migration task, once run-task started it; its awslogs stream gets the lines RDS would make it print. */
async function logIntoMigration(lines: string[]): Promise<void> {
  const opts = { endpoint: moto.url, region: 'ap-southeast-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const ecs = new ECSClient(opts);
  const logs = new CloudWatchLogsClient(opts);
  for (let i = 0; i < 240; i++) {
    const arn = (await ecs.send(new ListTasksCommand({ cluster: CLUSTER })).catch(() => ({ taskArns: [] as string[] }))).taskArns?.[0];
    if (arn) {
      const stream = `app/app/${arn.split('/').pop()}`;
      await logs.send(new CreateLogGroupCommand({ logGroupName: GROUP })).catch(() => undefined);
      await logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: stream }));
      await logs.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, logEvents: lines.map((message) => ({ timestamp: Date.now(), message })) }));
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('no migration task started');
}

test('a migration task whose log shows a 28000 authentication failure: the deploy ends with the cause and fix; diagnose finds it in en and zh-CN', async () => {
  const deploying = cli(['deploy', 'production', '--image', IMAGE]);
  await logIntoMigration(['> shop-api@1.0.0 migrate', 'could not connect to postgres: error: password authentication failed for user "shop_admin"', 'FATAL 28000 ClientAuthentication']);
  const r = await deploying;
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.ok(r.stdout.includes(t('knowledge.pg.auth.cause', {}, 'en')), r.stdout + r.stderr);
  assert.ok(r.stdout.includes(`fix: ${t('knowledge.pg.auth.fix', {}, 'en')}`), r.stdout);
  assert.match(r.stdout, /FATAL 28000 ClientAuthentication/);

  const d = await cli(['diagnose', 'production', '--json']);
  assert.equal(d.code, 0, d.stdout + d.stderr);
  const json = JSON.parse(d.stdout) as { result: string; sources: string[]; findings: { signatureId: string }[] };
  assert.deepEqual(json.findings.map((f) => f.signatureId), ['pg.auth']);
  assert.ok(json.sources.includes(`logs:${GROUP}`), json.sources.join());

  const zh = await cli(['diagnose', 'production', '--lang', 'zh-CN']);
  assert.ok(zh.stdout.includes(t('knowledge.pg.auth.cause', {}, 'zh-CN')), zh.stdout + zh.stderr);
  assert.ok(zh.stdout.includes(`修复: ${t('knowledge.pg.auth.fix', {}, 'zh-CN')}`), zh.stdout);
});
