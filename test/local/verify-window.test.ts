/**
 * The verification window and `slipway verify` on a local environment, with a small app
 * (test/fixtures/apps/window-app) that goes bad a while after it starts, chosen by its env:
 * a route that starts answering 500, a FATAL line in its log. One environment for the file;
 * no database, so each deploy takes seconds.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, get, load, makeEnv, servingVersion, type TestEnv } from '../helpers/local-env.js';

let env: TestEnv;
let good: string;

const setEnv = (vars: Record<string, string>) =>
  env.editConfig((c) => {
    c.environments.local.env = vars;
  });

async function statusRelease(): Promise<string> {
  const r = await env.cli(['status', 'local', '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const st = JSON.parse(r.stdout) as { state: string; activeRelease?: string };
  assert.equal(st.state, 'serving');
  return st.activeRelease!;
}

async function releases(): Promise<{ id: string; result: string; active?: boolean }[]> {
  return JSON.parse((await env.cli(['releases', 'local', '--json'])).stdout) as { id: string; result: string; active?: boolean }[];
}

before(async () => {
  env = await makeEnv('local', { source: path.join(ROOT, 'test', 'fixtures', 'apps', 'window-app') });
  await env.editConfig((c) => {
    c.environments.local.verify = { window: '90s', maxErrorRate: '1%', logPatterns: ['FATAL', 'ECONNREFUSED'] };
  });
  const r = await env.cli(['deploy', 'local', '--watch', '0']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /Watching/, '--watch 0 turns the configured window off');
  good = await servingVersion(env);
});
after(async () => {
  await env?.destroy();
});

test('slipway verify passes on a healthy release, with a verdict per host', async () => {
  for (let i = 0; i < 5; i++) assert.equal((await get(`${env.url}/api/x`)).status, 200);
  const r = await env.cli(['verify', 'local']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`✓ local  ${good}  health 200  5xx 0/\\d+  log: no match`));
  assert.match(r.stdout, /local passed verification \(1 host/);
});

test('a release that answers 5xx on one route 10 s after the switch is rolled back within the window (exit 1, the evidence, the breach and the rollback each said once)', async () => {
  await setEnv({ FAIL_ROUTE: '/api/x', FAIL_AFTER_S: '10' });
  const traffic = load(`${env.url}/api/x`, 20);
  let r;
  try {
    r = await env.cli(['deploy', 'local']); // the configured window: 90s
  } finally {
    await traffic.stop();
  }
  const out = r.stdout + r.stderr;
  assert.equal(r.code, 1, out);
  assert.match(r.stdout, /Watching .* for 90s on 1 host\(s\): health, 5xx share \(limit 1%, over at least 20 requests\)/);
  assert.match(out, /5xx \d+\/\d+ \([\d.]+%\) on GET \/api\/x/);
  // Said once each, between the window and the rollback's steps.
  assert.equal(r.stdout.match(/Verification failed on local: /g)?.length, 1, r.stdout);
  assert.equal(r.stdout.match(/Rolling every host of local back to the last good release/g)?.length, 1, r.stdout);
  assert.match(r.stderr, /breached the verification window \(5xx .*\) and local was rolled back to the last good release/);
  // The old release serves again, by HTTP and by status; the bad one is recorded as failed.
  assert.equal(await servingVersion(env), good);
  assert.equal((await get(`${env.url}/api/x`)).status, 200);
  assert.equal(await statusRelease(), good);
  const list = await releases();
  assert.equal(list.find((x) => x.active)?.id, good);
  // Not a good release any more (a later `rollback` or `promote` will not take it), with the window's evidence.
  const bad = list.find((x) => x.id !== good) as { result: string; evidence?: string[] } | undefined;
  assert.notEqual(bad?.result, 'succeeded', JSON.stringify(list));
  assert.match(bad?.evidence?.join('\n') ?? '', /5xx \d+\/\d+ .* on GET \/api\/x/);
});

test('a FATAL line in the log after the switch is a breach: rolled back, the line printed with the secret redacted', async () => {
  await setEnv({ FATAL_AFTER_S: '3' });
  const r = await env.cli(['deploy', 'local', '--watch', '30s']);
  const out = r.stdout + r.stderr;
  assert.equal(r.code, 1, out);
  assert.equal(r.stdout.match(/Watching .* for 30s/g)?.length, 1, 'the window line prints once: the run\'s renderer stops listening when it closes');
  assert.match(out, /log: 1 line\(s\) match/);
  assert.match(out, /FATAL cannot reach the payments upstream/);
  assert.ok(!out.includes(env.secret), 'the secret is redacted');
  assert.equal(await servingVersion(env), good);
  assert.equal(await statusRelease(), good);
});

test('slipway verify fails (exit 1) on a release answering 5xx, and --rollback-on-fail rolls it back', async () => {
  await setEnv({ FAIL_ROUTE: '/api/x', FAIL_AFTER_S: '0' });
  const d = await env.cli(['deploy', 'local', '--watch', '0']);
  assert.equal(d.code, 0, d.stdout + d.stderr);
  const bad = await servingVersion(env);
  assert.notEqual(bad, good);
  for (let i = 0; i < 25; i++) await get(`${env.url}/api/x`);
  const plain = await env.cli(['verify', 'local']);
  assert.equal(plain.code, 1, plain.stdout + plain.stderr);
  assert.match(plain.stdout, new RegExp(`✗ local  ${bad}  health 200  5xx 25/\\d+`));
  assert.match(plain.stderr, /local failed verification: 5xx 25\/\d+ \([\d.]+%\) on GET \/api\/x/);
  assert.equal(await servingVersion(env), bad, 'without --rollback-on-fail nothing changes');

  const r = await env.cli(['verify', 'local', '--rollback-on-fail']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /breached the verification window \(5xx 25\/\d+ \([\d.]+%\) on GET \/api\/x\) and local was rolled back/);
  assert.equal(await servingVersion(env), good);
  assert.equal(await statusRelease(), good);
});
