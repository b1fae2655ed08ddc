/**
 * The whole local lifecycle against real PostgreSQL and real processes: deploy, status,
 * redeploy under steady load with zero failed requests, rollback, secrets nowhere, destroy.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, access } from 'node:fs/promises';
import path from 'node:path';
import net from 'node:net';
import http from 'node:http';
import { makeEnv, get, load, releaseProcesses, filesContaining, type TestEnv } from '../helpers/local-env.js';
import { assertFollowsLog } from '../helpers/follow.js';
import { reportBrowser, seenSections, type ReportBrowser } from '../helpers/browser.js';

let env: TestEnv;
let browser: ReportBrowser | undefined;
const outputs: string[] = [];
const record = (r: { stdout: string; stderr: string }) => outputs.push(r.stdout, r.stderr);

before(async () => {
  env = await makeEnv();
});
after(async () => {
  await browser?.close();
  await env?.destroy();
});

test('first deploy serves the example app with seeded rows', async () => {
  const r = await env.cli(['deploy', 'local']);
  record(r);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`Deployed .* to local: ${env.url.replace(/\./g, '\\.')}`));
  const health = await get(`${env.url}/health`);
  assert.equal(health.status, 200);
  const products = JSON.parse((await get(`${env.url}/api/products?limit=5`)).body) as { items: unknown[] };
  assert.equal(products.items.length, 5);
  const status = await env.cli(['status', 'local', '--json']);
  record(status);
  const st = JSON.parse(status.stdout) as { state: string; activeRelease: string; lastRun?: { kind: string; outcome: string } };
  assert.equal(st.state, 'serving');
  assert.deepEqual({ kind: st.lastRun?.kind, outcome: st.lastRun?.outcome }, { kind: 'deploy', outcome: 'succeeded' });
  const procs = await releaseProcesses(env.stateDir);
  assert.deepEqual([...procs.values()], [st.activeRelease]);
});

test('redeploy under 25 requests/s loses no request and stops the old release', async () => {
  const before = JSON.parse((await env.cli(['status', 'local', '--json'])).stdout) as { activeRelease: string };
  // A visible change: the example reports its version from package.json unless APP_VERSION is set.
  const server = path.join(env.dir, 'app', 'src', 'server.ts');
  await writeFile(server, (await readFile(server, 'utf8')) + '\n// redeploy marker\n');
  const traffic = load(`${env.url}/api/products?limit=2`, 25);
  await new Promise((r) => setTimeout(r, 500));
  const r = await env.cli(['deploy', 'local']);
  record(r);
  await new Promise((r) => setTimeout(r, 500));
  const result = await traffic.stop();
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.ok(result.sent >= 40, `sent ${result.sent}`);
  assert.equal(result.failed, 0, result.errors.slice(0, 5).join('\n'));
  const after = JSON.parse((await env.cli(['status', 'local', '--json'])).stdout) as { activeRelease: string };
  assert.notEqual(after.activeRelease, before.activeRelease);
  const procs = await releaseProcesses(env.stateDir);
  assert.deepEqual([...procs.values()], [after.activeRelease], 'only the new release runs');
  const health = JSON.parse((await get(`${env.url}/health`)).body) as { version: string };
  assert.equal(health.version, after.activeRelease);
});

test('releases lists both and rollback returns to the previous one', async () => {
  const list = JSON.parse((await env.cli(['releases', 'local', '--json'])).stdout) as { id: string; result: string; active?: boolean }[];
  assert.equal(list.filter((r) => r.result === 'succeeded').length, 2);
  const [newest, previous] = list;
  assert.equal(newest!.active, true);
  const r = await env.cli(['rollback', 'local']);
  record(r);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const health = JSON.parse((await get(`${env.url}/health`)).body) as { version: string };
  assert.equal(health.version, previous!.id);
  const after = JSON.parse((await env.cli(['releases', 'local', '--json'])).stdout) as { id: string; result: string; active?: boolean }[];
  assert.equal(after.find((x) => x.active)!.id, previous!.id);
  assert.equal(after.find((x) => x.id === newest!.id)!.result, 'rolled-back');
  const json = await env.cli(['deploy', 'local', '--json']);
  record(json);
  assert.equal(json.code, 0, json.stderr);
  const events = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
  assert.ok(events.some((e) => e.type === 'step:end'));
  assert.equal(events.at(-1)!.type, 'result');
});

test('report: one HTML file with the steps of the last run, the stable port, the releases and their verification, in en and zh-CN, seen drawn in headless Chromium', async () => {
  const r = await env.cli(['report', 'local']);
  record(r);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const file = r.stdout.trim();
  assert.equal(file, path.join(env.stateDir, 'report.html'), 'the default report file is in the environment\'s state dir');
  const html = await readFile(file, 'utf8');
  outputs.push(html);
  const releases = JSON.parse((await env.cli(['releases', 'local', '--json'])).stdout) as { id: string; active?: boolean }[];
  const active = releases.find((x) => x.active)!;
  // The last run is the deploy --json above: every step of the machine deploy plan has a Gantt row, the switch is the commit point.
  for (const step of ['database', 'supervisor', 'build', 'backup', 'migrate', 'start', 'health', 'switch', 'verify', 'drain', 'finalize']) assert.match(html, new RegExp(`id="gantt-${step}" data-step="${step}" data-status="(done|skipped)"`), step);
  assert.match(html, /<g id="gantt-commit">/);
  assert.match(html, /data-outcome="succeeded"/);
  assert.match(html, new RegExp(`Build release ${active.id}`));
  // Architecture: the stable port serves the active release, which uses slipway's PostgreSQL.
  assert.match(html, new RegExp(`id="arch-stable-port"[^]*stable port ${env.port}`));
  assert.match(html, new RegExp(`id="arch-release-${active.id}"`));
  assert.match(html, /id="arch-database"[^]*PostgreSQL 1\d/);
  // Releases with verification results, and the preflight the deploy ran.
  for (const rel of releases) assert.match(html, new RegExp(`data-release="${rel.id}"`));
  assert.match(html, new RegExp(`data-release="${active.id}"[^]*checks passed`));
  assert.match(html, /<section id="findings"><h2>Preflight findings<\/h2><p class="verdict go">/);
  const zh = await env.cli(['report', 'local', '--lang', 'zh-CN', '--out', path.join(env.dir, 'report-zh.html')]);
  record(zh);
  assert.equal(zh.code, 0, zh.stdout + zh.stderr);
  const zhHtml = await readFile(path.join(env.dir, 'report-zh.html'), 'utf8');
  outputs.push(zhHtml);
  assert.match(zhHtml, /<html lang="zh-CN">[^]*最近一次运行的时间线[^]*固定端口/);
  // Both files as a person sees them in headless Chromium: drawn, with their text, no error, no request.
  browser = await reportBrowser();
  const en = await browser.view(file, path.join(env.dir, 'report.png'));
  assert.deepEqual(seenSections(en), []);
  assert.match(en.sections.timeline.text, new RegExp(`Build release ${active.id}`));
  assert.match(en.sections.architecture.text, new RegExp(`stable port ${env.port}`));
  assert.match(en.sections.findings.text, /Preflight of .*: go/);
  const zhView = await browser.view(path.join(env.dir, 'report-zh.html'), path.join(env.dir, 'report-zh.png'));
  assert.deepEqual(seenSections(zhView), []);
  assert.match(zhView.sections.timeline.text, /最近一次运行的时间线/);
  assert.match(zhView.sections.architecture.text, /固定端口/);
});

test('logs --follow prints the lines the app writes as they are written; Ctrl-C ends it (exit 0) and stops its tail', async () => {
  const { activeRelease } = JSON.parse((await env.cli(['status', 'local', '--json'])).stdout) as { activeRelease: string };
  await assertFollowsLog(env.spawnCli, 'local', path.join(env.stateDir, 'logs', `app-${activeRelease}.log`));
});

test('secret values appear in no output, journal, log or state file', async () => {
  const logs = await env.cli(['logs', 'local', '-n', '200']);
  record(logs);
  assert.match(logs.stdout, /listening on http:\/\/127\.0\.0\.1:\d+/, 'logs shows the serving release output');
  for (const out of outputs) assert.ok(!out.includes(env.secret), 'a secret value was printed');
  const hits = (await filesContaining(env.stateDir, env.secret)).filter((f) => !f.includes(`${path.sep}pg${path.sep}data${path.sep}`));
  assert.deepEqual(hits, []);
  // The running app did receive it (the admin route checks the bearer token).
  const ok = await new Promise<number>((resolve, reject) => {
    const req = http.get(`${env.url}/api/admin/stats`, { headers: { authorization: `Bearer ${env.secret}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  }).catch(() => 0);
  assert.equal(ok, 200);
});

test('destroy removes processes, database, files and frees the port', async () => {
  const r = await env.cli(['destroy', 'local', '--yes']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal((await releaseProcesses(env.stateDir)).size, 0);
  await assert.rejects(access(env.stateDir));
  await new Promise<void>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(env.port, '127.0.0.1', () => s.close(() => resolve()));
  });
  const pgs = (await import('node:child_process')).execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  assert.ok(!pgs.includes(env.stateDir), 'no process still refers to the state dir');
});
