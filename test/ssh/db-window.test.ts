/**
 * `slipway db open --ttl` on ssh: a port-forward from a loopback port here to the VM's
 * PostgreSQL (which listens only on the VM's own loopback, inside its network namespace),
 * through the SSH connection. A real `pg` client queries through it; `db close` ends it from
 * another process; the TTL ends it by itself, and then the port refuses connections. The
 * database password appears in no output.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from '../../src/engine/net.js';
import type { CliResult } from '../helpers/local-env.js';
import { startVm, type Vm } from '../helpers/vm.js';
import { makeSshEnv, type SshEnv } from '../helpers/ssh-env.js';

let vm: Vm;
let env: SshEnv;
let password = '';
const outputs: CliResult[] = [];

before(async () => {
  vm = await startVm();
  env = await makeSshEnv(vm);
  const r = await env.cli(['deploy', 'staging']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  password = (await readFile(path.join(env.remoteDir, 'secrets', 'db-password'), 'utf8')).trim();
});
after(async () => {
  for (const o of outputs) assert.ok(!(o.stdout + o.stderr).includes(password), 'an output contained the database password');
  await vm?.stop();
});

/** A query through the forwarded port; undefined while nothing answers there. */
async function query(port: number): Promise<string | undefined> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'shop', password, database: 'shop', connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const r = await client.query<{ who: string; addr: string | null }>('select current_user as who, inet_server_addr()::text as addr');
    return `${r.rows[0]!.who} ${r.rows[0]!.addr}`;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Wait until the forward answers (the CLI is starting and connecting over SSH), or its process ended. */
async function reached(port: number, done: Promise<CliResult>): Promise<string> {
  let ended = false;
  void done.then(() => (ended = true));
  for (;;) {
    const r = await query(port);
    if (r) return r;
    if (ended) throw new Error(`db open ended before its port answered: ${JSON.stringify(await done)}`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

test('db open forwards a local port to the VM PostgreSQL; db close from another process ends it', async () => {
  const port = await freePort();
  const open = env.spawnCli(['db', 'open', 'staging', '--ttl', '10m', '--port', String(port)]);
  assert.equal(await reached(port, open.done), 'shop 127.0.0.1/32', 'the query ran on the VM, over its loopback');
  const lease = path.join(env.remoteDir, 'db-window.json');
  assert.ok(existsSync(lease), 'the lease is on the VM');
  const close = await env.cli(['db', 'close', 'staging']);
  outputs.push(close);
  assert.equal(close.code, 0, close.stdout + close.stderr);
  assert.match(close.stdout, /Closed the database window of staging/);
  const r = await open.done;
  outputs.push(r);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`127\\.0\\.0\\.1:${port} forwards to PostgreSQL on .+ until \\d{4}-`));
  assert.match(r.stdout, new RegExp(`postgresql://shop@127\\.0\\.0\\.1:${port}/shop`));
  assert.match(r.stdout, /PGPASSWORD="\$\{PGPASSWORD\}" psql/);
  assert.match(r.stdout, /`slipway db close` ended it/);
  assert.equal(await query(port), undefined, 'the port is closed');
  assert.ok(!existsSync(lease));
});

test('the forward closes by itself when its TTL is up', async () => {
  const port = await freePort();
  const open = env.spawnCli(['db', 'open', 'staging', '--ttl', '20s', '--port', String(port)]);
  assert.match(await reached(port, open.done), /^shop /);
  const r = await open.done;
  outputs.push(r);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /The window of staging closed: its time is up/);
  assert.equal(await query(port), undefined, 'the port is closed');
  assert.ok(!existsSync(path.join(env.remoteDir, 'db-window.json')));
});
