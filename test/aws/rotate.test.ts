/**
 * `slipway db rotate-password` on aws (alternating logins `shop_admin` / `shop_admin_alt`),
 * through the real CLI against moto. What moto can show: the master secret's versions, stages
 * and `username`, the task definition the service runs and the secret version it reads login
 * and password from, the admin SQL tasks (their task definitions, commands and overrides) and
 * the order of the AWS calls (SLIPWAY_RECORD_AWS_CALLS).
 *
 * moto runs no containers and no PostgreSQL: its RunTask tasks stop at once with exit code 0
 * (state manager `immediate`), so the admin task's SQL (CREATE ROLE … IN ROLE, \getenv, PASSWORD
 * NULL) is not executed here, and that the database rejects the old password is not observable.
 * moto's containers always report exit code 0, so a *failed* admin task cannot be staged here
 * (not tested on moto); the undo path before the switch is covered by the kill -9 tests.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, ECSClient, ListClustersCommand, ListTasksCommand, type TaskDefinition } from '@aws-sdk/client-ecs';
import { startMoto, awsTestEnv, type Moto } from './moto.js';
import { writeConfig } from './helpers.js';
import { ensureBuilt } from '../helpers/local-env.js';
import { runCli, type CliResult } from '../helpers/cli.js';

const IMAGE = '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/shop-api:v1';
const SECRET = 'slipway/shop-api-production/db';
const calls = path.join(os.tmpdir(), `slipway-rotate-calls-${process.pid}.txt`);
let moto: Moto;
let config: string;
let sm: SecretsManagerClient;
let ecs: ECSClient;

const cli = (args: string[], extra: Record<string, string> = {}): Promise<CliResult> =>
  runCli(args, { config, env: { ...awsTestEnv, AWS_ENDPOINT_URL: moto.url, JWT_SECRET: 'jwt-rotate', SLIPWAY_AWS_POLL_MS: '200', SLIPWAY_RECORD_AWS_CALLS: calls, ...extra } });

async function stages(): Promise<Record<string, string[]>> {
  return (await sm.send(new DescribeSecretCommand({ SecretId: SECRET }))).VersionIdsToStages ?? {};
}
const holder = (s: Record<string, string[]>, stage: string) => Object.entries(s).find(([, v]) => v.includes(stage))?.[0];
const password = async (stage: string) => (JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: SECRET, VersionStage: stage }))).SecretString!) as { password: string; url?: string });

const cluster = async () => (await ecs.send(new ListClustersCommand({}))).clusterArns![0]!;

/** The secret version the service's task definition reads the login and password from ('' = AWSCURRENT at task start); all the same. */
async function servedVersion(): Promise<string> {
  const svc = (await ecs.send(new DescribeServicesCommand({ cluster: await cluster(), services: ['shop-api'] }))).services?.[0];
  const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc!.taskDefinition! }))).taskDefinition!;
  const c = td.containerDefinitions![0]!;
  assert.ok(!(c.environment ?? []).some((e) => e.name === 'DB_USER' || e.name === 'PGUSER'), 'the login is no plain env');
  const from = (name: string, key: string) => {
    const v = c.secrets!.find((s) => s.name === name)!.valueFrom!;
    assert.match(v, new RegExp(`:secret:slipway/shop-api-production/db[^:]*:${key}::`));
    return v.split(':').pop()!;
  };
  const versions = new Set([from('DB_USER', 'username'), from('PGUSER', 'username'), from('DB_PASSWORD', 'password'), from('PGPASSWORD', 'password'), from('DATABASE_URL', 'url')]);
  assert.equal(versions.size, 1, `login and password from one version: ${[...versions]}`);
  return [...versions][0]!;
}

/** Every admin SQL task moto ran so far, with its task definition. */
async function adminTasks(): Promise<{ task: Record<string, unknown>; td: TaskDefinition }[]> {
  const c = await cluster();
  const arns = new Set<string>();
  for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) for (const a of (await ecs.send(new ListTasksCommand({ cluster: c, desiredStatus }))).taskArns ?? []) arns.add(a);
  if (!arns.size) return [];
  const tasks = (await ecs.send(new DescribeTasksCommand({ cluster: c, tasks: [...arns] }))).tasks ?? [];
  const out: { task: Record<string, unknown>; td: TaskDefinition }[] = [];
  for (const t of tasks.filter((x) => /task-definition\/shop-api-production-dbadmin:/.test(x.taskDefinitionArn ?? ''))) {
    out.push({ task: t as Record<string, unknown>, td: (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: t.taskDefinitionArn! }))).taskDefinition! });
  }
  return out.sort((a, b) => Number(a.td.revision) - Number(b.td.revision));
}

/** Every password any version of the master secret ever held. */
async function allPasswords(): Promise<string[]> {
  const ids = Object.keys(await stages());
  return Promise.all(ids.map(async (id) => (JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: SECRET, VersionId: id }))).SecretString!) as { password: string }).password));
}

const recorded = async () => (await readFile(calls, 'utf8').catch(() => '')).split('\n').filter(Boolean);
const secretsOf = (td: TaskDefinition) => Object.fromEntries((td.containerDefinitions![0]!.secrets ?? []).map((s) => [s.name!, s.valueFrom!]));

before(async () => {
  ensureBuilt();
  moto = await startMoto();
  // The admin SQL tasks (RunTask) stop at once with exit code 0.
  await moto.post('/moto-api/state-manager/set-transition', { model_name: 'ecs::task', transition: { progression: 'immediate' } });
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


test('rotation 1 (shop_admin → shop_admin_alt): an admin SQL task sets the other login, no ModifyDBInstance before the rollout, the old login is taken away after it', async () => {
  const old = await password('AWSCURRENT');
  assert.equal((old as { username?: string }).username, 'shop_admin');
  const oldVersion = holder(await stages(), 'AWSCURRENT')!;
  await rm(calls, { force: true });
  const r = await cli(['db', 'rotate-password', 'production']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const now = (await password('AWSCURRENT')) as { password: string; url?: string; username?: string };
  assert.equal(now.username, 'shop_admin_alt', 'the secret says which login is live');
  assert.notEqual(now.password, old.password);
  assert.match(now.password, /^[A-Za-z0-9._~-]{32}$/, 'RDS-safe characters');
  assert.ok(now.url?.startsWith('postgres://shop_admin_alt:') && now.url.includes(encodeURIComponent(now.password)) && !now.url.includes(old.password), 'DATABASE_URL: the new login and password');
  assert.equal((await password('AWSPREVIOUS')).password, old.password);
  const s = await stages();
  const newVersion = holder(s, 'AWSCURRENT')!;
  assert.equal(holder(s, 'AWSPENDING'), undefined, 'no pending version left');
  assert.equal(await servedVersion(), newVersion, 'the running task definition reads login and password from the new version');

  const sent = await recorded();
  const at = (c: string, from = 0) => sent.indexOf(c, from);
  const runTask = at('ecs:RunTask');
  const update = at('ecs:UpdateService');
  const promote = sent.lastIndexOf('secretsmanager:UpdateSecretVersionStage');
  const modify = at('rds:ModifyDBInstance');
  assert.ok(at('secretsmanager:PutSecretValue') >= 0 && at('secretsmanager:PutSecretValue') < runTask, 'the new password is stored before anything else');
  assert.ok(runTask >= 0 && runTask < update, 'the admin task sets the new login before the service changes');
  assert.ok(update < promote, 'AWSCURRENT moves only after the rollout');
  assert.ok(modify > promote, `ModifyDBInstance (taking the master's password away) only after the rollout and the switch: ${modify} vs ${update}`);
  assert.equal(sent.filter((c) => c === 'rds:ModifyDBInstance').length, 1);

  const admin = await adminTasks();
  assert.equal(admin.length, 1, 'one admin SQL task');
  const { task, td } = admin[0]!;
  const sec = secretsOf(td);
  assert.match(sec.PGPASSWORD!, new RegExp(`:secret:slipway/shop-api-production/db[^:]*:password::${oldVersion}$`), 'logs in as the master with the live (old) version');
  assert.match(sec.NEWPW!, new RegExp(`:password::${newVersion}$`), 'reads the new password from the new version');
  const c = td.containerDefinitions![0]!;
  const env = Object.fromEntries((c.environment ?? []).map((e) => [e.name!, e.value!]));
  assert.equal(env.PGUSER, 'shop_admin');
  assert.equal(env.PGSSLMODE, 'require');
  assert.match(c.image!, /^public\.ecr\.aws\/docker\/library\/postgres:1\d-alpine$/);
  assert.match(env.SLIPWAY_SQL!, /\\getenv pw NEWPW/);
  assert.match(env.SLIPWAY_SQL!, /CREATE ROLE %I LOGIN IN ROLE %I', 'shop_admin_alt', 'shop_admin'/);
  assert.match(env.SLIPWAY_SQL!, /ALTER ROLE "shop_admin_alt" SET role = 'shop_admin';/);
  assert.match(env.SLIPWAY_SQL!, /ALTER ROLE "shop_admin_alt" WITH LOGIN PASSWORD :'pw';/);
  assert.equal(td.status, 'INACTIVE', 'the admin task definition is deregistered after use');
  const overrides = JSON.stringify(task.overrides ?? {});
  for (const pw of await allPasswords()) {
    for (const [what, text] of [['task definition', JSON.stringify(td)], ['task', JSON.stringify(task)], ['overrides', overrides], ['command', JSON.stringify(c.command)], ['stdout', r.stdout], ['stderr', r.stderr], ['audit', await readFile(path.join(path.dirname(config), '.slipway', 'production', 'audit.ndjson'), 'utf8')]] as const) {
      assert.ok(!text.includes(pw), `no password in the admin ${what}`);
    }
  }
  const releases = JSON.parse((await cli(['releases', 'production', '--json'])).stdout) as { result: string; active?: boolean; details: { rotatedFrom?: string } }[];
  assert.equal(releases.find((x) => x.active)?.details.rotatedFrom !== undefined, true);
});

test('rotation 2 (shop_admin_alt → shop_admin): ModifyDBInstance sets the master password before the rollout, an admin task takes _alt\'s away after it', async () => {
  const before = { version: holder(await stages(), 'AWSCURRENT')!, tasks: (await adminTasks()).length };
  await rm(calls, { force: true });
  const r = await cli(['db', 'rotate-password', 'production']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const now = (await password('AWSCURRENT')) as { username?: string; url?: string };
  assert.equal(now.username, 'shop_admin', 'back to the master login');
  assert.ok(now.url?.startsWith('postgres://shop_admin:'));
  const newVersion = holder(await stages(), 'AWSCURRENT')!;
  assert.notEqual(newVersion, before.version);
  assert.equal(await servedVersion(), newVersion);
  const sent = await recorded();
  const modify = sent.indexOf('rds:ModifyDBInstance');
  const update = sent.indexOf('ecs:UpdateService');
  const runTask = sent.indexOf('ecs:RunTask');
  assert.ok(modify >= 0 && modify < update, 'the master login gets the new password before the service changes');
  assert.equal(sent.filter((c) => c === 'rds:ModifyDBInstance').length, 1, 'the master password is set once (the live _alt is never touched)');
  assert.ok(runTask > sent.lastIndexOf('secretsmanager:UpdateSecretVersionStage'), 'the admin task takes _alt\'s password away after the switch');
  const admin = (await adminTasks()).slice(before.tasks);
  assert.equal(admin.length, 1);
  const sec = secretsOf(admin[0]!.td);
  assert.match(sec.PGPASSWORD!, new RegExp(`:password::${newVersion}$`), 'logs in as the master with the new version');
  assert.equal(sec.NEWPW, undefined, 'no new password to read');
  const env = Object.fromEntries((admin[0]!.td.containerDefinitions![0]!.environment ?? []).map((e) => [e.name!, e.value!]));
  assert.match(env.SLIPWAY_SQL!, /ALTER ROLE "shop_admin_alt" PASSWORD NULL/);
  for (const pw of await allPasswords()) assert.ok(!JSON.stringify(admin[0]).includes(pw));
});

test('kill -9 before the switch (after the new login got its password): the next command undoes it — the new login\'s password taken away again, the pending version unstaged, the service unchanged', async () => {
  const before = { current: holder(await stages(), 'AWSCURRENT'), served: await servedVersion(), tasks: (await adminTasks()).length };
  const killed = await cli(['db', 'rotate-password', 'production'], { SLIPWAY_FAILPOINT: 'set-login:after' });
  assert.equal(killed.signal, 'SIGKILL', killed.stdout + killed.stderr);
  assert.ok(holder(await stages(), 'AWSPENDING'), 'the new password was in Secrets Manager before anything else');
  assert.equal((await adminTasks()).length, before.tasks + 1, 'the admin task gave shop_admin_alt the new password');
  await rm(calls, { force: true });
  const st = await cli(['deploy', 'production', '--image', IMAGE, '--force-unlock']);
  assert.equal(st.code, 0, st.stdout + st.stderr);
  assert.match(st.stdout, /The interrupted rotate-password was undone/);
  const undo = (await adminTasks()).slice(before.tasks + 1)[0];
  assert.ok(undo, 'an admin task took shop_admin_alt\'s password away again');
  assert.match(Object.fromEntries((undo.td.containerDefinitions![0]!.environment ?? []).map((e) => [e.name!, e.value!])).SLIPWAY_SQL!, /ALTER ROLE "shop_admin_alt" PASSWORD NULL/);
  assert.match(secretsOf(undo.td).PGPASSWORD!, new RegExp(`:password::${before.current}$`), 'as the master, with the live version');
  const s = await stages();
  assert.equal(holder(s, 'AWSPENDING'), undefined);
  assert.equal(holder(s, 'AWSCURRENT'), before.current, 'the login and password the tasks read are unchanged');
  assert.equal(((await password('AWSCURRENT')) as { username?: string }).username, 'shop_admin');
});

test('kill -9 during the rollout (before the switch): the next command puts the service back and undoes the rotation', async () => {
  const before = { current: holder(await stages(), 'AWSCURRENT') };
  const killed = await cli(['db', 'rotate-password', 'production'], { SLIPWAY_FAILPOINT: 'update-service:after' });
  assert.equal(killed.signal, 'SIGKILL', killed.stdout + killed.stderr);
  assert.equal(await servedVersion(), holder(await stages(), 'AWSPENDING'), 'the service was on the pinned revision when killed');
  const st = await cli(['deploy', 'production', '--image', IMAGE, '--force-unlock']);
  assert.equal(st.code, 0, st.stdout + st.stderr);
  assert.match(st.stdout, /The interrupted rotate-password was undone/);
  const s = await stages();
  assert.equal(holder(s, 'AWSPENDING'), undefined);
  assert.equal(holder(s, 'AWSCURRENT'), before.current);
  assert.equal(await servedVersion(), before.current, 'the service is back on the previous revision (the deploy after it changes nothing)');
});

test('kill -9 right after the switch: the next command finishes it forward (the old login\'s password taken away)', async () => {
  const old = (await password('AWSCURRENT')) as { password: string; username?: string };
  assert.equal(old.username, 'shop_admin');
  const killed = await cli(['db', 'rotate-password', 'production'], { SLIPWAY_FAILPOINT: 'promote-secret:after' });
  assert.equal(killed.signal, 'SIGKILL', killed.stdout + killed.stderr);
  const promoted = holder(await stages(), 'AWSCURRENT')!;
  assert.equal(((await password('AWSCURRENT')) as { username?: string }).username, 'shop_admin_alt');
  await rm(calls, { force: true });
  const next = await cli(['deploy', 'production', '--image', IMAGE, '--force-unlock']);
  assert.equal(next.code, 0, next.stdout + next.stderr);
  assert.match(next.stdout, /The interrupted rotate-password was resumed to its end/);
  const sent = await recorded();
  assert.ok(sent.includes('rds:ModifyDBInstance'), 'the master password (the old login) was taken away on resume');
  const s = await stages();
  assert.equal(holder(s, 'AWSCURRENT'), promoted, 'the interrupted rotation\'s version stays current');
  assert.equal(holder(s, 'AWSPENDING'), undefined);
  assert.equal(await servedVersion(), promoted, 'the service reads the promoted version: shop_admin_alt and its password');
});

test('pinnedTaskDefinition (pure): a revision registered with DB_USER/PGUSER as plain env gets them as `username` secrets, all database secrets pinned to the version', async () => {
  const { pinnedTaskDefinition } = await import('../../src/targets/aws/rotate.js');
  const arn = 'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:slipway/shop-api-production/db-AbCdEf';
  const td = pinnedTaskDefinition(
    {
      family: 'shop-api-production',
      taskDefinitionArn: 'arn:aws:ecs:ap-southeast-2:123456789012:task-definition/shop-api-production:3',
      revision: 3,
      containerDefinitions: [
        {
          name: 'app',
          environment: [{ name: 'DB_HOST', value: 'h' }, { name: 'DB_USER', value: 'shop_admin' }, { name: 'PGUSER', value: 'shop_admin' }],
          secrets: [
            { name: 'DB_PASSWORD', valueFrom: `${arn}:password::` },
            { name: 'DATABASE_URL', valueFrom: `${arn}:url::` },
            { name: 'JWT_SECRET', valueFrom: 'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:slipway/shop-api-production/app-XyZabc:JWT_SECRET::v9' },
          ],
        },
      ],
    },
    arn,
    'v-new',
  );
  const c = td.containerDefinitions![0]!;
  assert.deepEqual(c.environment, [{ name: 'DB_HOST', value: 'h' }]);
  assert.deepEqual(Object.fromEntries(c.secrets!.map((x) => [x.name, x.valueFrom])), {
    DATABASE_URL: `${arn}:url::v-new`,
    DB_PASSWORD: `${arn}:password::v-new`,
    DB_USER: `${arn}:username::v-new`,
    JWT_SECRET: 'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:slipway/shop-api-production/app-XyZabc:JWT_SECRET::v9',
    PGUSER: `${arn}:username::v-new`,
  });
  assert.equal('taskDefinitionArn' in td, false, 'describe-only fields dropped');
});
