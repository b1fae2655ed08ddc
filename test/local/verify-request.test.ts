/**
 * Verify checks with headers and a body carrying `${secret:NAME}`, through the real CLI on the
 * local target: the example's admin route answers 200 only when the bearer token is the secret,
 * and the secret's value appears in no output, journal or release file.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { filesContaining, makeEnv, type CliResult, type TestEnv } from '../helpers/local-env.js';

const CANARY = `ca$nary "quoted' verify ${Date.now()}`;
let env: TestEnv;
const outputs: CliResult[] = [];

before(async () => {
  env = await makeEnv('local', { secret: CANARY });
  await env.editConfig((c) => {
    c.verify = [
      { name: 'admin stats', path: '/api/admin/stats', headers: { Authorization: 'Bearer ${secret:JWT_SECRET}' }, json: [{ path: 'products', exists: true }] },
      { name: 'post with a secret body', method: 'POST', path: '/api/none', headers: { 'X-Probe': '${secret:JWT_SECRET}' }, body: { token: '${secret:JWT_SECRET}' }, status: 404 },
    ];
  });
});
after(async () => {
  await env?.destroy();
});

test('a verify check whose bearer header is ${secret:JWT_SECRET} passes on the example admin route', async () => {
  const r = await env.cli(['deploy', 'local', '--verbose']);
  outputs.push(r);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /admin stats 200/);
  assert.match(r.stdout + r.stderr, /post with a secret body 404/);
});

test('a failing verify check with a secret header fails the deploy and names the check, not the secret', async () => {
  await env.editConfig((c) => {
    c.verify = [{ name: 'admin stats wrong token', path: '/api/admin/stats', headers: { Authorization: 'Basic ${secret:JWT_SECRET}' } }];
  });
  const r = await env.cli(['deploy', 'local', '--json']);
  outputs.push(r);
  assert.notEqual(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /admin stats wrong token: status 401, expected 200/);
});

test('the secret used in verify headers and body appears in no CLI output and in no file but the secrets files', async () => {
  outputs.push(await env.cli(['releases', 'local', '--json']), await env.cli(['status', 'local', '--json']));
  for (const o of outputs) assert.ok(!(o.stdout + o.stderr).includes(CANARY), `CLI output:\n${o.stdout}${o.stderr}`);
  const forms = [CANARY, JSON.stringify(CANARY).slice(1, -1)];
  const files = [...new Set((await Promise.all(forms.map((f) => filesContaining(env.dir, f)))).flat())].sort();
  const allowed = (f: string) => f === path.join(env.dir, 'app', '.env.local') || f.startsWith(path.join(env.stateDir, 'secrets') + path.sep);
  assert.deepEqual(files.filter((f) => !allowed(f)), [], 'files holding the secret');
  for (const f of files) assert.equal((await stat(f)).mode & 0o077, 0, `${f} is private`);
});
