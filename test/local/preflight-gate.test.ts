/**
 * deploy runs the preflight first: a blocker stops it before anything changes; accepting
 * that one named risk lets it through and the release records the acceptance.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { makeEnv, get, type TestEnv } from '../helpers/local-env.js';

let env: TestEnv;

before(async () => {
  env = await makeEnv();
  // Production, and busy all day: the change-window check blocks (the risk assessment's low-traffic rule).
  await env.editConfig((c) => {
    c.environments.local.check = { production: true, busyHours: ['00:00-23:59'], timeZone: 'Asia/Shanghai' };
  });
});
after(async () => {
  await env?.destroy();
});

test('a blocker stops the deploy before anything is changed, in both languages', async () => {
  const r = await env.cli(['deploy', 'local']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /window\.busy/);
  assert.match(r.stderr, /Preflight found blockers: window\.busy\. Nothing was changed\./);
  assert.match(r.stderr, /--accept-risk window\.busy/);
  await assert.rejects(access(path.join(env.stateDir, 'releases')), 'no release was started');
  const zh = await env.cli(['deploy', 'local', '--lang', 'zh-CN']);
  assert.equal(zh.code, 1);
  assert.match(zh.stderr, /预检发现阻断项：window\.busy。未做任何更改。/);
  const json = await env.cli(['check', 'local', '--json']);
  assert.equal(json.code, 1);
  const report = JSON.parse(json.stdout) as { go: boolean; findings: { id: string; severity: string }[] };
  assert.equal(report.go, false);
  assert.ok(report.findings.some((f) => f.id === 'window.busy' && f.severity === 'blocker'));
});

test('--accept-risk <id> lets this one run through and records it in the release', async () => {
  const r = await env.cli(['deploy', 'local', '--accept-risk', 'window.busy']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Accepted risk window\.busy/);
  assert.equal((await get(`${env.url}/health`)).status, 200);
  const [rel] = JSON.parse((await env.cli(['releases', 'local', '--json'])).stdout) as { id: string; acceptedRisks?: string[] }[];
  assert.deepEqual(rel!.acceptedRisks, ['window.busy']);
  const stored = JSON.parse(await readFile(path.join(env.stateDir, 'releases', rel!.id, 'release.json'), 'utf8')) as { acceptedRisks: string[] };
  assert.deepEqual(stored.acceptedRisks, ['window.busy']);
  // Accepting is per run: the next deploy is blocked again.
  const again = await env.cli(['deploy', 'local']);
  assert.equal(again.code, 1);
});
