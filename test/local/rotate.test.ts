/**
 * `slipway db rotate-password` on a local environment, against the real PostgreSQL slipway
 * owns: no request fails under steady load, the old password is rejected afterwards, the app
 * serves with the new one; a kill -9 before and after the switch converges on the next run.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { deployedEnv, filesContaining, get, load, releaseProcesses, type TestEnv } from '../helpers/local-env.js';

let env: TestEnv;

before(async () => {
  env = await deployedEnv();
});
after(async () => {
  await env?.destroy();
});

const secretsFile = (name: string) => readFile(path.join(env.stateDir, 'secrets', name), 'utf8').then((s) => s.trim(), () => undefined);

/** The login and password slipway gives the app now. */
async function live(): Promise<{ login: string; password: string }> {
  return { login: (await secretsFile('db-login')) ?? 'shop', password: (await secretsFile('db-password'))! };
}

/** Whether PostgreSQL accepts this login and password (the error code when it does not). */
async function login(user: string, password: string): Promise<string> {
  const info = JSON.parse(await readFile(path.join(env.stateDir, 'pg', 'server.json'), 'utf8')) as { port: number };
  const pg = (await import('pg')).default;
  const client = new pg.Client({ host: '127.0.0.1', port: info.port, user, password, database: 'shop' });
  try {
    await client.connect();
    const r = await client.query<{ u: string }>('SELECT current_user AS u');
    return `ok:${r.rows[0]!.u}`;
  } catch (e) {
    return `rejected:${(e as { code?: string }).code ?? (e as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The database and the serving app agree: the app's process runs with the live login, which PostgreSQL accepts; the other is rejected. */
async function assertConverged(): Promise<string> {
  const creds = await live();
  assert.equal(await login(creds.login, creds.password), 'ok:shop', 'the live login acts as the owner');
  const other = creds.login === 'shop' ? 'shop_alt' : 'shop';
  assert.match(await login(other, creds.password), /^rejected:28/);
  const health = await get(`${env.url}/health`);
  assert.equal(health.status, 200, health.body);
  const version = (JSON.parse(health.body) as { version: string }).version;
  const procs = [...(await releaseProcesses(env.stateDir)).entries()];
  assert.deepEqual(procs.map(([, r]) => r), [version], 'exactly the serving release runs');
  const environ = (await readFile(`/proc/${procs[0]![0]}/environ`, 'latin1')).split('\0');
  assert.ok(environ.includes(`DB_USER=${creds.login}`) && environ.includes(`DB_PASSWORD=${creds.password}`), 'the app runs with the live login and password');
  assert.equal(await secretsFile('db-rotation.json'), undefined, 'no rotation left pending');
  return version;
}

test('rotate under 25 requests/s: no request fails, the old password is rejected, the app serves with the new one', async () => {
  const old = await live();
  const before = (JSON.parse((await get(`${env.url}/health`)).body) as { version: string }).version;
  const traffic = load(`${env.url}/api/products?limit=2`, 25);
  await new Promise((r) => setTimeout(r, 500));
  const r = await env.cli(['db', 'rotate-password', 'local']);
  await new Promise((r) => setTimeout(r, 500));
  const result = await traffic.stop();
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.ok(result.sent >= 25, `sent ${result.sent}`);
  assert.equal(result.failed, 0, result.errors.slice(0, 5).join('\n'));
  const now = await live();
  assert.notEqual(now.password, old.password);
  assert.equal(now.login, 'shop_alt');
  assert.match(await login('shop', old.password), /^rejected:28/, 'PostgreSQL rejects the old password');
  const version = await assertConverged();
  assert.notEqual(version, before, 'a new release serves');
  const releases = JSON.parse((await env.cli(['releases', 'local', '--json'])).stdout) as { id: string; result: string; details: { rotatedFrom?: string } }[];
  assert.deepEqual({ result: releases[0]!.result, from: releases[0]!.details.rotatedFrom }, { result: 'succeeded', from: before });
  // The new password is in the secrets dir only: not in the journal, the logs, the release records.
  for (const dir of ['journal', 'logs', 'releases']) assert.deepEqual(await filesContaining(path.join(env.stateDir, dir), now.password), [], dir);
  assert.ok(!r.stdout.includes(now.password) && !r.stderr.includes(now.password));

  // The second rotation alternates back to the owner's own login.
  const again = await env.cli(['db', 'rotate-password', 'local']);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.equal((await live()).login, 'shop');
  assert.match(await login('shop_alt', now.password), /^rejected:28/);
  await assertConverged();
});

for (const [fp, mode] of [['rotate-grant:after', 'undone'], ['switch:after', 'resumed']] as const) {
  test(`kill -9 at ${fp}: the next command finishes the rotation's ${mode} part and the database and app agree`, async () => {
    const old = await live();
    const killed = await env.cli(['db', 'rotate-password', 'local'], { env: { SLIPWAY_FAILPOINT: fp } });
    assert.equal(killed.signal, 'SIGKILL', killed.stdout + killed.stderr);
    // Both logins work while the rotation hangs: whatever runs keeps working.
    assert.equal(await login(old.login, old.password), 'ok:shop');
    const next = await env.cli(['db', 'rotate-password', 'local']);
    assert.equal(next.code, 0, next.stdout + next.stderr);
    assert.match(next.stdout, new RegExp(`interrupted rotate-password was ${mode}`), next.stdout);
    assert.notEqual((await live()).password, old.password);
    await assertConverged();
  });
}
