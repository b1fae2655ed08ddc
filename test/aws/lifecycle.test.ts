/**
 * The AWS target end to end on moto, through the real CLI (its session: lock in SSM, journal,
 * recovery by the next command): fresh deploy (all stacks), no-change redeploy, new image,
 * rollback, SIGKILL at step boundaries + recovery, destroy; the migration lint of a deployed
 * environment, through the ledger. State is read back with the AWS
 * SDK; no secret value may appear anywhere slipway writes or prints.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { ensureBuilt, ROOT } from '../helpers/local-env.js';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { ECSClient, DescribeServicesCommand, DescribeTaskDefinitionCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { ECRClient, PutImageCommand, DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { RDSClient, DescribeDBInstancesCommand, DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import { SSMClient, GetParametersByPathCommand, GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { SecretsManagerClient, GetSecretValueCommand, DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { EC2Client, DescribeVpcAttributeCommand } from '@aws-sdk/client-ec2';
import { startMoto, awsTestEnv, type Moto } from './moto.js';
import { writeConfig, loadEnv, exampleApp } from './helpers.js';
import { synth } from '../../src/targets/aws/synth.js';

const SECRET = 'Sup3r-Secret-Value-9f8e7d6c';
const P = 'shop-api-production';
let moto: Moto;
let config: string;
let stateDir: string;
const transcript: string[] = [];
let sdk: ReturnType<typeof clients>;
let appDir = '';
/** An unsafe migration the first release ships, and one written after it. */
const SHIPPED = '1710000000300_drop_legacy_note.sql';
const DROP = (column: string) => `-- Up Migration\nALTER TABLE products DROP COLUMN IF EXISTS ${column};\n`;

function clients(endpoint: string) {
  const cfg = { region: 'ap-southeast-2', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  return { cfn: new CloudFormationClient(cfg), ecs: new ECSClient(cfg), ecr: new ECRClient(cfg), rds: new RDSClient(cfg), ssm: new SSMClient(cfg), sm: new SecretsManagerClient(cfg), ec2: new EC2Client(cfg) };
}

interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr together. */
  out: string;
  stdout: string;
}

/** `slipway <args> --config <config>`: the CLI's own session, lock and journal. */
function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'slipway.js'), ...args, '--config', config], {
      env: { ...process.env, ...awsTestEnv, AWS_ENDPOINT_URL: moto.url, JWT_SECRET: SECRET, CI: 'true', SLIPWAY_AWS_POLL_MS: '20', SLIPWAY_LANG: 'en', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code, signal) => {
      transcript.push(out);
      resolve({ code, signal, out, stdout });
    });
  });
}
const deploy = (image: string, flags: string[] = [], env: Record<string, string> = {}) => cli(['deploy', 'production', '--image', image, ...flags], env);

async function service() {
  return (await sdk.ecs.send(new DescribeServicesCommand({ cluster: P, services: ['shop-api'] }))).services![0]!;
}
async function ledger() {
  const r = await sdk.ssm.send(new GetParametersByPathCommand({ Path: `/slipway/${P}/releases` }));
  const active = (await sdk.ssm.send(new GetParameterCommand({ Name: `/slipway/${P}/active` })).catch(() => undefined))?.Parameter?.Value;
  return { records: (r.Parameters ?? []).map((p) => JSON.parse(p.Value!) as { id: string; result: string; details: Record<string, unknown>; evidence?: string[] }).sort((a, b) => a.id.localeCompare(b.id)), active };
}
async function revisions() {
  return (await sdk.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: P }))).taskDefinitionArns ?? [];
}
async function pushImage(tag: string): Promise<string> {
  const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config: { digest: `sha256:${createHash('sha256').update(tag).digest('hex')}`, size: 1, mediaType: 'application/vnd.docker.container.image.v1+json' }, layers: [] });
  await sdk.ecr.send(new PutImageCommand({ repositoryName: P, imageTag: tag, imageManifest: manifest }));
  const repo = (await sdk.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [P] }))).repositories![0]!;
  return `${repo.repositoryUri}:${tag}`;
}

before(async () => {
  moto = await startMoto();
  await moto.reset();
  // Migration tasks stop at once with exit code 0.
  await moto.post('/moto-api/state-manager/set-transition', { model_name: 'ecs::task', transition: { progression: 'immediate' } });
  ensureBuilt();
  // The example's own copy, with an unsafe migration the first release ships.
  appDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'slipway-aws-app-')), 'app');
  await cp(exampleApp, appDir, { recursive: true, filter: (src) => !/^(node_modules|dist|\.slipway)\b/.test(path.relative(exampleApp, src)) });
  await writeFile(path.join(appDir, 'migrations', SHIPPED), DROP('legacy_note'));
  // Nothing is accepted unverified unless the command says so (--allow-unverified).
  // A short lease: a SIGKILLed run's lock is taken over by the next command after 3 s.
  config = await writeConfig({ appDir, production: { allowUnverified: false, lockTtlMs: 3000 } });
  stateDir = path.join(path.dirname(config), '.slipway', 'production');
  sdk = clients(moto.url);
});
after(async () => {
  await moto?.stop();
  if (appDir) await rm(path.dirname(appDir), { recursive: true, force: true });
});

const FIRST = `public.ecr.aws/docker/library/node@sha256:${'1'.repeat(64)}`;

test('fresh deploy creates every stack and an unverified release (moto serves no endpoint to verify), read back from AWS', async () => {
  const r = await deploy(FIRST, ['--allow-unverified']);
  assert.equal(r.code, 0, r.out);
  for (const layer of ['network', 'security', 'database', 'registry', 'cluster', 'service']) {
    const s = (await sdk.cfn.send(new DescribeStacksCommand({ StackName: `${P}-${layer}` }))).Stacks![0]!;
    assert.equal(s.StackStatus, 'CREATE_COMPLETE', layer);
  }
  const svc = await service();
  assert.match(svc.taskDefinition!, /shop-api-production:1$/);
  const td = (await sdk.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition! }))).taskDefinition!;
  const c = td.containerDefinitions![0]!;
  const env = Object.fromEntries(c.environment!.map((e) => [e.name, e.value]));
  assert.equal(env.DB_USER, undefined, 'the login is a secret (the master secret\'s username)');
  assert.equal(env.DB_USERNAME, undefined, 'pitfall 7');
  assert.equal(env.DB_PORT, '5432');
  assert.equal(env.PGSSLMODE, 'verify-full');
  assert.equal(env.PGSSLROOTCERT, '/etc/ssl/certs/rds-global-bundle.pem');
  assert.equal(env.NODE_EXTRA_CA_CERTS, '/etc/ssl/certs/rds-global-bundle.pem', 'a stock pg client trusts the RDS CA through Node');
  assert.equal(env.NODE_TLS_REJECT_UNAUTHORIZED, undefined);
  assert.deepEqual(c.secrets!.map((s) => s.name).sort(), ['DATABASE_URL', 'DB_PASSWORD', 'DB_USER', 'JWT_SECRET', 'PGPASSWORD', 'PGUSER']);
  assert.match(c.secrets!.find((s) => s.name === 'DB_USER')!.valueFrom!, /:username::$/);
  assert.ok(c.secrets!.every((s) => s.valueFrom!.startsWith('arn:aws:secretsmanager:')));
  assert.equal(c.logConfiguration?.logDriver, 'awslogs');
  assert.equal(td.cpu, '512');
  assert.match(td.executionRoleArn!, /ExecutionRole/);
  const db = (await sdk.rds.send(new DescribeDBInstancesCommand({}))).DBInstances!.find((d) => d.DBInstanceIdentifier?.startsWith(P))!;
  assert.equal(db.DeletionProtection, true);
  assert.equal(db.PubliclyAccessible, false);
  assert.equal(db.Endpoint?.Port, 5432);
  const vpcId = (await sdk.cfn.send(new DescribeStacksCommand({ StackName: `${P}-network` }))).Stacks![0]!.Outputs!.find((o) => o.OutputKey === 'VpcId')!.OutputValue!;
  assert.equal((await sdk.ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' }))).EnableDnsHostnames?.Value, true);
  const l = await ledger();
  assert.equal(l.records.length, 1);
  assert.equal(l.records[0]!.result, 'unverified', 'no public endpoint on moto: never "succeeded"');
  assert.equal(l.active, l.records[0]!.id);
  // the secret value went to Secrets Manager, and only there
  const stored = JSON.parse((await sdk.sm.send(new GetSecretValueCommand({ SecretId: `slipway/${P}/app` }))).SecretString!);
  assert.equal(stored.JWT_SECRET, SECRET);
});

test('a second deploy with no change changes nothing', async () => {
  const before = { revs: await revisions(), ledger: await ledger(), svc: await service() };
  const r = await deploy(FIRST, ['--allow-unverified']);
  assert.equal(r.code, 0, r.out);
  assert.deepEqual(await revisions(), before.revs);
  assert.deepEqual((await ledger()).records, before.ledger.records);
  const svc = await service();
  assert.equal(svc.taskDefinition, before.svc.taskDefinition);
  assert.deepEqual(svc.deployments?.map((d) => d.id), before.svc.deployments?.map((d) => d.id));
  for (const layer of ['network', 'security', 'database']) {
    const s = (await sdk.cfn.send(new DescribeStacksCommand({ StackName: `${P}-${layer}` }))).Stacks![0]!;
    assert.equal(s.StackStatus, 'CREATE_COMPLETE', `${layer} untouched`);
  }
});

interface Lint {
  /** `file:line` of each migrations.unsafe warning. */
  warned: string[];
  /** The scope the lint reports: the passed finding's evidence, or the migrations.scope info's. */
  scope: string;
}
async function lint(): Promise<Lint> {
  const r = await cli(['check', 'production', '--json']);
  const findings = (JSON.parse(r.stdout) as { findings: { id: string; severity: string; subject?: string; evidence: string }[] }).findings;
  const warned = findings.filter((f) => f.id === 'migrations.unsafe' && f.severity === 'warning').map((f) => f.subject ?? '');
  const scope = findings.find((f) => (f.id === 'migrations.unsafe' && f.severity === 'passed') || f.id === 'migrations.scope')?.evidence ?? '';
  return { warned, scope };
}

test('the migration lint reads the active release\'s files from its SSM ledger entry: a file it shipped is not reported, a new one is; an entry without them, or files that are not its prefix, mean every file is linted and the lint says why', async () => {
  const { active, records } = await ledger();
  const entry = records.find((r) => r.id === active)!;
  assert.deepEqual(entry.details.migrations, { count: 4, last: `migrations/${SHIPPED}`, digest: (entry.details.migrations as { digest: string }).digest });
  assert.deepEqual(await lint(), { warned: [], scope: `Only files the serving release ${active} does not have were linted.` });

  const added = path.join(appDir, 'migrations', '1710000000400_drop_old_sku.sql');
  const older = path.join(appDir, 'migrations', '1710000000250_drop_note.sql');
  const name = `/slipway/${P}/releases/${active}`;
  const stored = (await sdk.ssm.send(new GetParameterCommand({ Name: name }))).Parameter!.Value!;
  try {
    await writeFile(added, DROP('old_sku'));
    assert.deepEqual(await lint(), { warned: ['migrations/1710000000400_drop_old_sku.sql:2'], scope: '' });

    // An entry an older slipway wrote: the files it shipped are not known.
    const { migrations: _m, ...details } = entry.details;
    await sdk.ssm.send(new PutParameterCommand({ Name: name, Value: JSON.stringify({ ...entry, details }), Type: 'String', Overwrite: true }));
    const unknown = await lint();
    assert.deepEqual(unknown.warned, [`migrations/${SHIPPED}:2`, 'migrations/1710000000400_drop_old_sku.sql:2']);
    assert.match(unknown.scope, new RegExp(`the record of the serving release ${active} does not say which migration files it shipped`));

    // A file added before the newest the release shipped: its files are not the first 4 here.
    await sdk.ssm.send(new PutParameterCommand({ Name: name, Value: stored, Type: 'String', Overwrite: true }));
    await writeFile(older, DROP('note'));
    const changed = await lint();
    assert.deepEqual(changed.warned, ['migrations/1710000000250_drop_note.sql:2', `migrations/${SHIPPED}:2`, 'migrations/1710000000400_drop_old_sku.sql:2']);
    assert.match(changed.scope, new RegExp(`the 4 migration file\\(s\\) the serving release ${active} shipped are not the first 4 here`));
  } finally {
    await sdk.ssm.send(new PutParameterCommand({ Name: name, Value: stored, Type: 'String', Overwrite: true }));
    await rm(added, { force: true });
    await rm(older, { force: true });
  }
});

test('a deploy without allowUnverified fails when it cannot verify, and rolls back', async () => {
  const image = await pushImage('unverifiable');
  const r = await deploy(image);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /could not be verified/);
  assert.match((await service()).taskDefinition!, /:1$/, 'back on the last good revision');
  const l = await ledger();
  const last = l.records[l.records.length - 1]!;
  assert.notEqual(last.result, 'succeeded');
  assert.notEqual(last.result, 'unverified');
  assert.ok(last.evidence?.some((e) => /unverified/.test(e)), JSON.stringify(last));
  assert.equal(l.active, l.records[0]!.id);
});

test('redeploy with a new image registers a new revision pinned to the digest; rollback returns', async () => {
  const image = await pushImage('v2');
  const r = await deploy(image, ['--allow-unverified']);
  assert.equal(r.code, 0, r.out);
  const svc = await service();
  const td = (await sdk.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition! }))).taskDefinition!;
  assert.match(td.containerDefinitions![0]!.image!, /@sha256:[0-9a-f]{64}$/);
  const l = await ledger();
  const v2 = l.records.find((x) => x.id === l.active)!;
  assert.equal(v2.details.taskDefinitionArn, svc.taskDefinition);
  const snaps = (await sdk.rds.send(new DescribeDBSnapshotsCommand({}))).DBSnapshots ?? [];
  assert.ok(snaps.some((s) => s.DBSnapshotIdentifier?.startsWith(`${P}-pre-`)), 'snapshot before migrations');

  const rb = await cli(['rollback', 'production', '--allow-unverified']);
  assert.equal(rb.code, 0, rb.out);
  assert.match((await service()).taskDefinition!, /:1$/);
  const after = await ledger();
  assert.equal(after.active, after.records[0]!.id);
  assert.equal(after.records.find((x) => x.id === v2.id)!.result, 'rolled-back');
});

test('SIGKILL before the commit point: the next command undoes the interrupted run first, and its own deploy converges', async () => {
  const image = await pushImage('v3');
  const killed = await deploy(image, ['--allow-unverified'], { SLIPWAY_FAILPOINT: 'migrate:after' });
  assert.equal(killed.signal, 'SIGKILL');
  assert.match((await service()).taskDefinition!, /:1$/, 'service untouched');
  const revs = await revisions();
  // The killed holder's lease runs out (lockTtlMs) before the next command may take the lock over.
  const rerun = await deploy(image, ['--allow-unverified']);
  assert.equal(rerun.code, 0, rerun.out);
  assert.match(rerun.out, /The interrupted deploy was undone/);
  const td = (await sdk.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: revs[revs.length - 1]! }))).taskDefinition!;
  assert.equal(td.status, 'INACTIVE', 'the half-made revision was deregistered');
  const svc = await service();
  assert.equal((await sdk.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition! }))).taskDefinition!.containerDefinitions![0]!.image!.includes('@sha256:'), true);
  const l = await ledger();
  assert.equal(l.records.find((x) => x.id === l.active)!.details.taskDefinitionArn, svc.taskDefinition);
});

test('SIGKILL after the commit point: the next command resumes the interrupted run and records its release', async () => {
  const image = await pushImage('v4');
  const killed = await deploy(image, ['--allow-unverified'], { SLIPWAY_FAILPOINT: 'update-service:after' });
  assert.equal(killed.signal, 'SIGKILL');
  const target = (await service()).taskDefinition!;
  // The next command (the same deploy again) resumes the interrupted one first; its own run then changes nothing.
  const rec = await deploy(image, ['--allow-unverified']);
  assert.equal(rec.code, 0, rec.out);
  assert.match(rec.out, /The interrupted deploy was resumed to its end/);
  assert.equal((await service()).taskDefinition, target);
  const l = await ledger();
  const active = l.records.find((x) => x.id === l.active)!;
  assert.equal(active.details.taskDefinitionArn, target);
  assert.equal(active.result, 'unverified');
});

test('no secret value in templates, stack parameters, task definitions, ledger, output or journal', async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'slipway-aws-synth-'));
  const files = await synth(await loadEnv(config), out);
  const texts: string[] = [...transcript];
  for (const f of files) texts.push(await readFile(f, 'utf8'));
  for (const layer of ['network', 'security', 'database', 'registry', 'cluster', 'service']) {
    texts.push(JSON.stringify((await sdk.cfn.send(new GetTemplateCommand({ StackName: `${P}-${layer}` }))).TemplateBody));
    texts.push(JSON.stringify((await sdk.cfn.send(new DescribeStacksCommand({ StackName: `${P}-${layer}` }))).Stacks));
  }
  for (const arn of await revisions()) texts.push(JSON.stringify(await sdk.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }))));
  texts.push(JSON.stringify((await ledger()).records));
  // Everything the CLI keeps on this machine: journal, archived runs, audit log.
  for (const f of await readdir(stateDir, { recursive: true })) texts.push(await readFile(path.join(stateDir, f), 'utf8').catch(() => ''));
  const dbPassword = JSON.parse((await sdk.sm.send(new GetSecretValueCommand({ SecretId: `slipway/${P}/db` }))).SecretString!).password as string;
  assert.ok(texts.length > 20);
  for (const needle of [SECRET, dbPassword]) {
    const hit = texts.findIndex((t) => t.includes(needle));
    assert.equal(hit, -1, `a secret value leaked into output #${hit}`);
  }
});

test('destroy refuses a protected production database without force, then deletes everything with it', async () => {
  const refused = await cli(['destroy', 'production', '--yes']);
  assert.equal(refused.code, 1, refused.out);
  assert.match(refused.out, /deletion protection/);
  assert.equal((await service()).status, 'ACTIVE', 'nothing deleted');

  const r = await cli(['destroy', 'production', '--yes', '--force']);
  assert.equal(r.code, 0, r.out);
  for (const layer of ['network', 'security', 'database', 'registry', 'cluster', 'service']) {
    await assert.rejects(sdk.cfn.send(new DescribeStacksCommand({ StackName: `${P}-${layer}` })), /does not exist/, layer);
  }
  const svc = (await sdk.ecs.send(new DescribeServicesCommand({ cluster: P, services: ['shop-api'] })).catch(() => ({ services: [] }))).services ?? [];
  assert.ok(svc.every((s) => s.status !== 'ACTIVE'));
  const dbs = (await sdk.rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? [];
  assert.equal(dbs.filter((d) => d.DBInstanceIdentifier?.startsWith(P)).length, 0);
  const snaps = (await sdk.rds.send(new DescribeDBSnapshotsCommand({}))).DBSnapshots ?? [];
  assert.ok(snaps.some((s) => s.DBSnapshotIdentifier?.startsWith(`${P}-final-`)), 'final snapshot kept');
  await assert.rejects(sdk.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [P] })), /not found|RepositoryNotFound/i);
  const secret = await sdk.sm.send(new DescribeSecretCommand({ SecretId: `slipway/${P}/app` }));
  assert.ok(secret.DeletedDate, 'secret scheduled for deletion');
});
