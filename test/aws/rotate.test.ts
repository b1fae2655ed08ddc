/**
 * `slipway db rotate-password` on aws, through the real CLI against moto. What moto can show:
 * the master secret's versions and stages, the task definition the service runs and the
 * secret version it reads, and that RDS ModifyDBInstance was sent (recorded AWS calls).
 * moto runs no PostgreSQL, so that RDS rejects the old password is not observable here.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { startMoto, awsTestEnv, type Moto } from './moto.js';
import { writeConfig } from './helpers.js';
import { ensureBuilt, ROOT, type CliResult } from '../helpers/local-env.js';

const IMAGE = '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/shop-api:v1';
const SECRET = 'slipway/shop-api-production/db';
const calls = path.join(os.tmpdir(), `slipway-rotate-calls-${process.pid}.txt`);
let moto: Moto;
let config: string;
let sm: SecretsManagerClient;
let ecs: ECSClient;

function cli(args: string[], extra: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'slipway.js'), ...args, '--config', config], {
      env: { ...process.env, ...awsTestEnv, AWS_ENDPOINT_URL: moto.url, JWT_SECRET: 'jwt-rotate', CI: 'true', SLIPWAY_LANG: 'en', SLIPWAY_AWS_POLL_MS: '200', SLIPWAY_RECORD_AWS_CALLS: calls, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

async function stages(): Promise<Record<string, string[]>> {
  return (await sm.send(new DescribeSecretCommand({ SecretId: SECRET }))).VersionIdsToStages ?? {};
}
const holder = (s: Record<string, string[]>, stage: string) => Object.entries(s).find(([, v]) => v.includes(stage))?.[0];
const password = async (stage: string) => (JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: SECRET, VersionStage: stage }))).SecretString!) as { password: string; url?: string });

/** The secret version the service's task definition reads DB_PASSWORD from ('' = AWSCURRENT at task start). */
async function servedVersion(): Promise<string> {
  const cluster = (await ecs.send(new ListClustersCommand({}))).clusterArns![0]!;
  const svc = (await ecs.send(new DescribeServicesCommand({ cluster, services: ['shop-api'] }))).services?.[0];
  const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc!.taskDefinition! }))).taskDefinition!;
  const from = td.containerDefinitions![0]!.secrets!.find((s) => s.name === 'DB_PASSWORD')!.valueFrom!;
  assert.match(from, /:secret:slipway\/shop-api-production\/db[^:]*:password::/);
  return from.split(':').pop()!;
}

before(async () => {
  ensureBuilt();
  moto = await startMoto();
  const endpoint = { endpoint: moto.url, region: 'ap-southeast-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  sm = new SecretsManagerClient(endpoint);
  ecs = new ECSClient(endpoint);
  config = await writeConfig();
  const d = await cli(['deploy', 'production', '--image', IMAGE]);
  assert.equal(d.code, 0, d.stdout + d.stderr);
});
after(async () => {
  await moto?.stop();
  await rm(calls, { force: true });
});

test('rotate: new password AWSCURRENT (old AWSPREVIOUS), RDS modified, the service runs a new revision pinned to the new version', async () => {
  const old = await password('AWSCURRENT');
  await rm(calls, { force: true });
  const r = await cli(['db', 'rotate-password', 'production']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const now = await password('AWSCURRENT');
  assert.notEqual(now.password, old.password);
  assert.match(now.password, /^[A-Za-z0-9._~-]{32}$/, 'RDS-safe characters');
  assert.ok(now.url?.includes(encodeURIComponent(now.password)) && !now.url.includes(old.password), 'DATABASE_URL carries the new password');
  assert.equal((await password('AWSPREVIOUS')).password, old.password);
  const s = await stages();
  assert.equal(holder(s, 'AWSPENDING'), undefined, 'no pending version left');
  assert.equal(await servedVersion(), holder(s, 'AWSCURRENT'), 'the running task definition reads the new version');
  const sent = (await readFile(calls, 'utf8')).split('\n');
  const order = ['secretsmanager:PutSecretValue', 'ecs:RegisterTaskDefinition', 'rds:ModifyDBInstance', 'secretsmanager:UpdateSecretVersionStage', 'ecs:UpdateService'].map((c) => sent.indexOf(c));
  assert.ok(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!)), `calls in order: ${order}`);
  for (const text of [r.stdout, r.stderr, await readFile(path.join(path.dirname(config), '.slipway', 'production', 'audit.ndjson'), 'utf8')]) assert.ok(!text.includes(now.password));
  const releases = JSON.parse((await cli(['releases', 'production', '--json'])).stdout) as { result: string; active?: boolean; details: { rotatedFrom?: string } }[];
  assert.equal(releases.find((x) => x.active)?.details.rotatedFrom !== undefined, true);
});

test('kill -9 before the RDS modify: the next command undoes it (the pending version unstaged, the service unchanged)', async () => {
  const before = { current: holder(await stages(), 'AWSCURRENT'), served: await servedVersion() };
  const killed = await cli(['db', 'rotate-password', 'production'], { SLIPWAY_FAILPOINT: 'register-task-definition:after' });
  assert.equal(killed.signal, 'SIGKILL', killed.stdout + killed.stderr);
  assert.ok(holder(await stages(), 'AWSPENDING'), 'the new password was in Secrets Manager before anything else');
  const st = await cli(['deploy', 'production', '--image', IMAGE, '--force-unlock']);
  assert.equal(st.code, 0, st.stdout + st.stderr);
  assert.match(st.stdout, /The interrupted rotate-password was undone/);
  const s = await stages();
  assert.equal(holder(s, 'AWSPENDING'), undefined);
  assert.equal(holder(s, 'AWSCURRENT'), before.current, 'the database password the tasks read is unchanged');
});

test('kill -9 right after the RDS modify: the next command finishes it forward (new version current, the service reads it)', async () => {
  const old = await password('AWSCURRENT');
  const killed = await cli(['db', 'rotate-password', 'production'], { SLIPWAY_FAILPOINT: 'modify-db:after' });
  assert.equal(killed.signal, 'SIGKILL', killed.stdout + killed.stderr);
  const pending = holder(await stages(), 'AWSPENDING');
  assert.ok(pending);
  const next = await cli(['db', 'rotate-password', 'production', '--force-unlock']);
  assert.equal(next.code, 0, next.stdout + next.stderr);
  assert.match(next.stdout, /The interrupted rotate-password was resumed to its end/);
  // The interrupted rotation's password became current (then the second run rotated again): the old one is only AWSPREVIOUS's past.
  const s = await stages();
  assert.equal(await servedVersion(), holder(s, 'AWSCURRENT'));
  assert.notEqual((await password('AWSCURRENT')).password, old.password);
  assert.deepEqual(s[pending!], ['AWSPREVIOUS'], 'the interrupted version was promoted (then the rerun rotated past it)');
  assert.equal(holder(s, 'AWSPENDING'), undefined);
});
