/**
 * `slipway db open --ttl` / `db close` on a local environment: a loopback port forwarded to
 * the PostgreSQL slipway owns. The user connects the way the command says — the password
 * read from the file it names into PGPASSWORD, psql on the URL it prints — and a real `pg`
 * client queries through it; `db close` from another process ends it (the port refuses,
 * `db open` exits 0); the TTL ends it by itself. After a `db rotate-password` the printed
 * login is the live one. The database password appears in no output and on no command line.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../src/engine/net.js';
import { commandLinesContaining } from '../helpers/ssh-env.js';
import { deployedEnv, type CliResult, type TestEnv } from '../helpers/local-env.js';

const run = promisify(execFile);
let env: TestEnv;
const outputs: CliResult[] = [];
const passwords = new Set<string>();
/** `db open` processes still running (a failed assertion leaves one): stopped after the tests. */
const running = new Set<number>();

const livePassword = async () => (await readFile(path.join(env.stateDir, 'secrets', 'db-password'), 'utf8')).trim();

before(async () => {
  env = await deployedEnv();
  passwords.add(await livePassword());
});
after(async () => {
  for (const pid of running) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already ended */
    }
  }
  for (const o of outputs) for (const p of passwords) assert.ok(!(o.stdout + o.stderr).includes(p), 'an output contained the database password');
  await env?.destroy();
});

/** A query through the forwarded port with the live login and password; undefined while nothing answers there. */
async function query(port: number, user = 'shop'): Promise<string | undefined> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ host: '127.0.0.1', port, user, password: await livePassword(), database: 'shop', connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const r = await client.query<{ who: string }>('select session_user as who');
    return r.rows[0]!.who;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Wait until the command has printed its connection lines (or ended). */
async function printed(open: { done: Promise<CliResult> }, out: () => string): Promise<string> {
  let ended = false;
  void open.done.then(() => (ended = true));
  for (;;) {
    if (/Close it earlier|Open until/.test(out())) return out();
    if (ended) throw new Error(`db open ended before it printed its window: ${JSON.stringify(await open.done)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

function spawnOpen(args: string[]): { done: Promise<CliResult>; stdout: () => string } {
  let stdout = '';
  const s = env.spawnCli(['db', 'open', 'local', ...args], { onStdout: (c) => (stdout += c) });
  running.add(s.pid);
  void s.done.then(() => running.delete(s.pid));
  return { done: s.done, stdout: () => stdout };
}

/**
 * What the user is told, run as told: the password line's `export PGPASSWORD=…` command, then
 * the printed psql line with a query. The shell's command line holds `$(cat <file>)`, not the password.
 */
async function psqlAsTold(out: string, sql: string): Promise<string> {
  const exportCmd = /`(export PGPASSWORD="\$\(cat [^`]+\)")`/.exec(out)?.[1];
  const psqlCmd = /(PGPASSWORD="\$\{PGPASSWORD\}" psql "[^"]+")/.exec(out)?.[1];
  assert.ok(exportCmd && psqlCmd, out);
  const { stdout } = await run('sh', ['-c', `${exportCmd} && ${psqlCmd} -X -A -t -c "${sql}"`], { env: { ...process.env, PGPASSWORD: '', PGCONNECT_TIMEOUT: '5' } });
  return stdout.trim();
}

test('db open prints a loopback connection without the password; psql as told connects; db close from another process ends it', async () => {
  const port = await freePort();
  const open = spawnOpen(['--ttl', '10m', '--port', String(port)]);
  const out = await printed(open, open.stdout);
  assert.match(out, new RegExp(`127\\.0\\.0\\.1:${port} forwards to PostgreSQL on .+ until \\d{4}-`));
  assert.match(out, new RegExp(`postgresql://shop@127\\.0\\.0\\.1:${port}/shop`));
  assert.match(out, new RegExp(`export PGPASSWORD="\\$\\(cat ${env.stateDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/secrets/db-password\\)"`));
  // The forward is the only way in that the test uses: the server's own port is not the printed one.
  const server = JSON.parse(await readFile(path.join(env.stateDir, 'pg', 'server.json'), 'utf8')) as { port: number };
  assert.notEqual(server.port, port);
  let sampling = true;
  const seen: string[] = [];
  const sampler = (async () => {
    while (sampling) {
      seen.push(...(await commandLinesContaining(await livePassword())));
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const psqlOut = await psqlAsTold(out, 'select session_user || chr(32) || count(*) from products');
  sampling = false;
  await sampler;
  assert.match(psqlOut, /^shop \d+$/, 'psql ran the query through the forward');
  assert.deepEqual(seen, [], 'no command line carried the password');
  assert.equal(await query(port), 'shop', 'a pg client queries through the forward');
  const lease = path.join(env.stateDir, 'db-window.json');
  assert.ok(existsSync(lease), 'the lease is in the environment state');

  const close = await env.cli(['db', 'close', 'local']);
  outputs.push(close);
  assert.equal(close.code, 0, close.stdout + close.stderr);
  assert.match(close.stdout, /Closed the database window of local/);
  const r = await open.done;
  outputs.push(r);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /`slipway db close` ended it/);
  assert.equal(await query(port), undefined, 'the port refuses');
  assert.ok(!existsSync(lease));
  const again = await env.cli(['db', 'close', 'local']);
  outputs.push(again);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /No database window of local is open/);
});

test('the forward closes by itself when its TTL is up', async () => {
  const port = await freePort();
  const open = spawnOpen(['--ttl', '8s', '--port', String(port)]);
  await printed(open, open.stdout);
  assert.equal(await query(port), 'shop');
  const r = await open.done;
  outputs.push(r);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /The window of local closed: its time is up/);
  assert.equal(await query(port), undefined, 'the port refuses');
  assert.ok(!existsSync(path.join(env.stateDir, 'db-window.json')));
});

test('after db rotate-password the window prints the live login, and psql as told connects with it', async () => {
  const rot = await env.cli(['db', 'rotate-password', 'local']);
  outputs.push(rot);
  assert.equal(rot.code, 0, rot.stdout + rot.stderr);
  passwords.add(await livePassword());
  const login = (await readFile(path.join(env.stateDir, 'secrets', 'db-login'), 'utf8')).trim();
  assert.equal(login, 'shop_alt');
  const port = await freePort();
  const open = spawnOpen(['--ttl', '10m', '--port', String(port)]);
  const out = await printed(open, open.stdout);
  assert.match(out, new RegExp(`postgresql://shop_alt@127\\.0\\.0\\.1:${port}/shop`));
  // The alternate login starts its sessions as the owner.
  assert.equal(await psqlAsTold(out, 'select session_user || chr(32) || current_user'), 'shop_alt shop');
  const close = await env.cli(['db', 'close', 'local']);
  outputs.push(close);
  assert.equal(close.code, 0, close.stdout + close.stderr);
  const r = await open.done;
  outputs.push(r);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(await query(port, 'shop_alt'), undefined, 'the port refuses');
});
