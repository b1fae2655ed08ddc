/**
 * The acceptance flow through the real CLI: the example's own `production` environment,
 * `AWS_ENDPOINT_URL` pointing at a private moto server, `--image` instead of Docker.
 * State is read back with the AWS SDK, not from slipway's output.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ECSClient, DescribeServicesCommand, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { startMoto, awsTestEnv, type Moto } from './moto.js';
import { ensureBuilt, ROOT } from '../helpers/local-env.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { reportBrowser, seenSections, type ReportBrowser } from '../helpers/browser.js';
import { decodeUtf8 } from '../../src/config/encoding.js';

const CONFIG = path.join(ROOT, 'examples', 'shop-api', 'slipway.yaml');
const IMAGE = '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/shop-api';
const SECRET = `jwt-cli-${Date.now().toString(36)}-do-not-print`;
let moto: Moto;
let browser: ReportBrowser;
let stateDir: string;
/** The release the first successful deploy made. */
let firstRelease = '';

function cli(args: string[]): Promise<CliResult> {
  return runCli(args, { config: CONFIG, env: { ...awsTestEnv, AWS_ENDPOINT_URL: moto.url, JWT_SECRET: SECRET } });
}

const clientOpts = () => ({ endpoint: moto.url, region: 'ap-southeast-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

before(async () => {
  ensureBuilt();
  moto = await startMoto();
  browser = await reportBrowser();
  stateDir = path.join(ROOT, 'examples', 'shop-api', '.slipway', 'production');
  await rm(stateDir, { recursive: true, force: true });
});
after(async () => {
  await browser?.close();
  await rm(stateDir, { recursive: true, force: true });
  await moto?.stop();
});

test('synth writes every layer as UTF-8 YAML', async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'slipway-synth-'));
  try {
    const r = await cli(['synth', 'production', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const files = (await readdir(out)).sort();
    assert.deepEqual(files, ['cluster', 'database', 'network', 'registry', 'security', 'service'].map((l) => `shop-api-production-${l}.yaml`));
    for (const f of files) {
      const text = await readFile(path.join(out, f));
      assert.ok(decodeUtf8(text).ok, f);
      assert.ok(!text.includes(SECRET));
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('deploy without --allow-unverified is not called verified: it fails and rolls back (exit 1); deploy --report still writes the report of the failed run, seen in headless Chromium', async () => {
  const report = path.join(await mkdtemp(path.join(os.tmpdir(), 'slipway-report-')), 'failed.html');
  const r = await cli(['deploy', 'production', '--image', `${IMAGE}:v0`, '--report', report]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /could not be verified/);
  assert.doesNotMatch(r.stdout, /✓ Deployed/);
  assert.match(r.stdout, new RegExp(`Report written to ${report.replace(/[.]/g, '\\.')}`));
  const html = await readFile(report, 'utf8');
  assert.match(html, /<p class="run-summary outcome-(undone|failed)"/);
  assert.match(html, /id="gantt-verify" data-step="verify" data-status="failed"/);
  assert.match(html, /<rect class="undo/, 'the undone steps are drawn');
  assert.ok(!html.includes(SECRET), 'secret in the report');
  // As seen in headless Chromium: the failed verification, the stacks, the preflight.
  const v = await browser.view(report, path.join(path.dirname(report), 'failed.png'));
  assert.deepEqual(seenSections(v), []);
  assert.match(v.sections.timeline.text, /could not be verified/);
  assert.match(v.sections.architecture.text, /shop-api-production-service/);
  assert.match(v.sections.findings.text, /Preflight of .*: go/);
});

test('deploy --image --allow-unverified runs the whole flow; the result is recorded as unverified, with the commit it was deployed from; its zh-CN report is seen drawn in headless Chromium', async () => {
  const r = await cli(['deploy', 'production', '--image', `${IMAGE}:v1`, '--allow-unverified', '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { ok: boolean; result: string; release: string };
  assert.equal(result.ok, true);
  assert.equal(result.result, 'unverified');
  assert.ok(!(r.stdout + r.stderr).includes(SECRET), 'secret printed');

  const cfn = new CloudFormationClient(clientOpts());
  for (const layer of ['network', 'security', 'database', 'registry', 'cluster', 'service']) {
    const st = await cfn.send(new DescribeStacksCommand({ StackName: `shop-api-production-${layer}` }));
    assert.match(st.Stacks?.[0]?.StackStatus ?? '', /COMPLETE$/, layer);
  }
  const ecs = new ECSClient(clientOpts());
  const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'shop-api-production', services: ['shop-api'] }))).services?.[0];
  assert.ok(svc?.taskDefinition, 'service exists');
  const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition }))).taskDefinition!;
  const c = td.containerDefinitions![0]!;
  assert.equal(c.image, `${IMAGE}:v1`);
  const names = (c.environment ?? []).map((e) => e.name);
  assert.ok(!names.includes('DB_USERNAME'));
  assert.ok((c.secrets ?? []).some((x) => x.name === 'DB_USER' && x.valueFrom?.endsWith(':username::')), 'the login from the master secret');
  assert.ok((c.secrets ?? []).some((x) => x.name === 'JWT_SECRET' && x.valueFrom), 'secret by valueFrom');
  assert.ok(!JSON.stringify(td).includes(SECRET), 'secret value in the task definition');

  const st = await cli(['status', 'production', '--json']);
  assert.equal(st.code, 0, st.stderr);
  assert.equal((JSON.parse(st.stdout) as { state: string }).state, 'serving');
  const rel = JSON.parse((await cli(['releases', 'production', '--json'])).stdout) as { id: string; result: string; gitCommit?: string }[];
  assert.equal(rel[0]?.id, result.release);
  firstRelease = result.release;
  assert.equal(rel[0]?.result, 'unverified');
  // The ledger records the commit the app was deployed from, as the machine targets do.
  const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: path.dirname(CONFIG), encoding: 'utf8' }).trim();
  assert.match(rel[0]?.gitCommit ?? '', new RegExp(`^${head}(-dirty)?$`));

  // The report: the run's steps with the commit point, the stacks drawn from AWS, the monthly cost; no secret.
  const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'slipway-report-')), 'report.html');
  const rep = await cli(['report', 'production', '--out', out, '--lang', 'zh-CN']);
  assert.equal(rep.code, 0, rep.stdout + rep.stderr);
  assert.equal(rep.stdout.trim(), out);
  const html = await readFile(out, 'utf8');
  assert.ok(!html.includes(SECRET), 'secret in the report');
  assert.match(html, /<html lang="zh-CN">/);
  assert.match(html, /id="gantt-update-service" data-step="update-service" data-status="done"/);
  assert.match(html, /<g id="gantt-commit">/);
  assert.match(html, new RegExp(`data-release="${result.release}"`));
  for (const layer of ['network', 'security', 'database', 'registry', 'cluster', 'service']) assert.match(html, new RegExp(`id="arch-group-${layer}"`), layer);
  assert.match(html, /data-kind="vpc"/);
  assert.equal((html.match(/<g class="node kind-subnet[^>]*data-kind="subnet"/g) ?? []).length, 2, 'two subnets, one per zone');
  assert.match(html, /ap-southeast-2a 中的子网[^]*ap-southeast-2b 中的子网/);
  assert.match(html, /data-kind="security-group"[^]*tcp 5432 ← sg-/);
  assert.match(html, /id="arch-rds" data-kind="rds"/);
  assert.match(html, /id="arch-ecs-service" data-kind="ecs-service"/);
  assert.match(html, /id="arch-ecr" data-kind="ecr"/);
  assert.match(html, /<section id="cost">[^]*每月合计<\/th><th class="num">\$\d+\.\d\d/);
  // As seen in headless Chromium, in Chinese: the steps, the stacks drawn, the preflight.
  const v = await browser.view(out, path.join(path.dirname(out), 'report-zh.png'));
  assert.deepEqual(seenSections(v), []);
  assert.match(v.sections.timeline.text, /最近一次运行的时间线/);
  assert.match(v.sections.architecture.text, /shop-api-production-service/);
  assert.match(v.sections.findings.text, /预检：可以部署/);
});

/** The safety findings of `slipway check production --json`. */
async function safety(): Promise<Record<string, { severity: string; title: string; evidence: string }>> {
  const r = await cli(['check', 'production', '--json']);
  const report = JSON.parse(r.stdout) as { findings: { id: string; severity: string; title: string; evidence: string }[] };
  return Object.fromEntries(report.findings.filter((f) => f.id === 'backup.recent' || f.id === 'rollback.previous').map((f) => [f.id, f]));
}

test('after an aws release, the safety checks read RDS and the SSM ledger: a recent backup and a release to roll back to, not "no backup yet" or "first deploy"', async () => {
  const f = await safety();
  // moto, like RDS with automated backups, reports the instance's latest restorable time.
  assert.equal(f['backup.recent']?.severity, 'passed', JSON.stringify(f));
  assert.match(f['backup.recent']!.title, /point-in-time restore/);
  assert.match(f['backup.recent']!.evidence, /^In rds:/);
  assert.equal(f['rollback.previous']?.severity, 'passed', JSON.stringify(f));
  assert.match(f['rollback.previous']!.evidence, /1 release\(s\) to return to in ssm:\/slipway\/shop-api-production\/releases/);
  assert.equal(f['rollback.previous']!.title, `Rollback possible to ${firstRelease}`);
});

test('plan after a deploy shows the stacks and the monthly cost; destroy --yes --force removes the stacks', async () => {
  const p = await cli(['plan', 'production', '--image', `${IMAGE}:v2`]);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /shop-api-production-network/);
  assert.match(p.stdout, /Total\s+\$\d+/);
  const d = await cli(['destroy', 'production', '--yes', '--force']);
  assert.equal(d.code, 0, d.stdout + d.stderr);
  const cfn = new CloudFormationClient(clientOpts());
  for (const layer of ['service', 'database', 'cluster']) {
    const alive = await cfn.send(new DescribeStacksCommand({ StackName: `shop-api-production-${layer}` })).then(
      (r) => r.Stacks?.[0]?.StackStatus !== 'DELETE_COMPLETE',
      () => false,
    );
    assert.equal(alive, false, layer);
  }
});

test('after destroy and a fresh deploy, rollback chooses no release of the destroyed generation (says there is no good release, exit 1) and their task definitions are deregistered', async () => {
  const ecs = new ECSClient(clientOpts());
  const before = JSON.parse((await cli(['releases', 'production', '--json'])).stdout) as { id: string; details: { taskDefinitionArn?: string } }[];
  const old = before.map((r) => r.details.taskDefinitionArn).filter((x): x is string => typeof x === 'string');
  assert.ok(old.length > 0, 'the destroyed generation had releases');
  for (const arn of old) {
    const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))).taskDefinition;
    assert.equal(td?.status, 'INACTIVE', arn);
  }
  const d = await cli(['deploy', 'production', '--image', `${IMAGE}:v3`, '--allow-unverified']);
  assert.equal(d.code, 0, d.stdout + d.stderr);
  const r = await cli(['rollback', 'production']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /no earlier good release to roll back to/);
  assert.doesNotMatch(r.stdout + r.stderr, /Rolling back from/);
  const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'shop-api-production', services: ['shop-api'] }))).services?.[0];
  assert.ok(svc?.taskDefinition && !old.includes(svc.taskDefinition), 'the service runs a task definition of the destroyed generation');
});
