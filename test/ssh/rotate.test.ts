/**
 * `slipway db rotate-password` on a VM, against the PostgreSQL slipway runs there: no request
 * fails under steady load, the old password is rejected afterwards (checked by psql inside the
 * VM's network namespace, the password in its environment), the app serves with the new one,
 * and neither password appears on any process's command line (the VM shares this machine's
 * pid table) or in any output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { filesContaining, get, load } from '../helpers/local-env.js';
import { commandLinesContaining, deployedSshEnv, vmReleaseProcesses } from '../helpers/ssh-env.js';

const BIN = '/usr/lib/postgresql/15/bin';
const run = promisify(execFile);

const vm = deployedSshEnv();

const secretsFile = (name: string) => readFile(path.join(vm.env.remoteDir, 'secrets', name), 'utf8').then((s) => s.trim(), () => undefined);

async function live(): Promise<{ login: string; password: string }> {
  return { login: (await secretsFile('db-login')) ?? 'shop', password: (await secretsFile('db-password'))! };
}

/** psql inside the VM's namespace on its loopback: `ok:<user>`, or `rejected:<psql's error>`. */
async function login(user: string, password: string): Promise<string> {
  const { port } = JSON.parse(await readFile(path.join(vm.env.remoteDir, 'pg', 'server.json'), 'utf8')) as { port: number };
  try {
    const { stdout } = await run('ip', ['netns', 'exec', vm.env.vm.ns, `${BIN}/psql`, '-X', '-At', '-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', 'shop', '-c', 'select current_user'], {
      env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '5' },
    });
    return `ok:${stdout.trim()}`;
  } catch (e) {
    return `rejected:${(e as { stderr?: string }).stderr ?? (e as Error).message}`;
  }
}

test('rotate on a VM under 20 requests/s: no request fails, the old password is rejected, the app serves with the new one, no password on a command line', async () => {
  const old = await live();
  assert.equal(await login(old.login, old.password), 'ok:shop');
  const before = (JSON.parse((await get(`${vm.env.url}/health`)).body) as { version: string }).version;
  // Every process command line while the rotation runs, but the CLI's own; checked for both passwords afterwards.
  const seen = new Set<string>();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      for (const l of await commandLinesContaining('')) if (!l.includes('slipway.js')) seen.add(l.replace(/^\d+: /, ''));
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const traffic = load(`${vm.env.url}/api/products?limit=2`, 20);
  await new Promise((r) => setTimeout(r, 500));
  const r = await vm.env.cli(['db', 'rotate-password', 'staging']);
  await new Promise((r) => setTimeout(r, 500));
  const result = await traffic.stop();
  sampling = false;
  await sampler;
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.ok(result.sent >= 20, `sent ${result.sent}`);
  assert.equal(result.failed, 0, result.errors.slice(0, 5).join('\n'));

  const now = await live();
  assert.notEqual(now.password, old.password);
  assert.equal(now.login, 'shop_alt');
  assert.match(await login('shop', old.password), /^rejected:.*password authentication failed/, 'PostgreSQL rejects the old password');
  assert.match(await login('shop', now.password), /^rejected:.*password authentication failed/, 'the old login is closed altogether');
  assert.equal(await login('shop_alt', now.password), 'ok:shop', 'the new login acts as the owner');

  // A new release serves, and it is the only one running, with the new login and password.
  const health = await get(`${vm.env.url}/health`);
  assert.equal(health.status, 200, health.body);
  const version = (JSON.parse(health.body) as { version: string }).version;
  assert.notEqual(version, before);
  const procs = [...(await vmReleaseProcesses(vm.env.remoteDir)).entries()];
  assert.deepEqual(procs.map(([, rel]) => rel), [version], 'exactly the serving release runs');
  const environ = (await readFile(`/proc/${procs[0]![0]}/environ`, 'latin1')).split('\0');
  assert.ok(environ.includes(`DB_USER=${now.login}`) && environ.includes(`DB_PASSWORD=${now.password}`), 'the app runs with the new login and password');
  const products = await get(`${vm.env.url}/api/products?limit=2`);
  assert.equal(products.status, 200, products.body);

  assert.ok(seen.size > 0);
  for (const p of [old.password, now.password]) {
    assert.deepEqual([...seen].filter((l) => l.includes(p)), [], 'a command line carried a password');
    assert.ok(!(r.stdout + r.stderr).includes(p), 'the output carried a password');
    for (const dir of ['journal', 'logs', 'releases']) assert.deepEqual(await filesContaining(path.join(vm.env.remoteDir, dir), p), [], dir);
  }
  assert.equal(await secretsFile('db-rotation.json'), undefined, 'no rotation left pending');
});
