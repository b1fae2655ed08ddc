/**
 * `database: { mode: external }` on a VM: the database is one slipway does not run (here a
 * PostgreSQL started by the test inside the VM's network namespace, reached on its loopback),
 * given to slipway as the secret DATABASE_URL. The backup before migrating is a pg_dump taken
 * on the VM; a failed migration restores it; destroy leaves the database alone.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFile, chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { get } from '../helpers/local-env.js';
import { startVm, type Vm } from '../helpers/vm.js';
import { makeSshEnv, type SshEnv } from '../helpers/ssh-env.js';

const BIN = '/usr/lib/postgresql/15/bin';
const PASSWORD = `ext-${Date.now()}-pw`;
let vm: Vm;
let env: SshEnv;
let pgData: string;

/** psql inside the VM's namespace, as the app's role. */
const psql = (sql: string): string =>
  execFileSync('ip', ['netns', 'exec', vm.ns, `${BIN}/psql`, '-X', '-At', '-h', '127.0.0.1', '-p', '5432', '-U', 'shop', '-d', 'shop', '-c', sql], {
    encoding: 'utf8',
    env: { ...process.env, PGPASSWORD: PASSWORD },
  }).trim();

const asPostgres = (argv: string[]) => execFileSync('ip', ['netns', 'exec', vm.ns, 'runuser', '-u', 'postgres', '--', ...argv], { encoding: 'utf8', cwd: '/' });

before(async () => {
  vm = await startVm();
  // The "external" server: the VM's own PostgreSQL, not slipway's.
  const root = path.join(vm.dir, 'extpg');
  pgData = path.join(root, 'data');
  await mkdir(root, { recursive: true });
  await chmod(root, 0o755);
  execFileSync('chown', ['postgres', root]);
  const pw = path.join(root, 'pw');
  await writeFile(pw, `${PASSWORD}\n`, { mode: 0o600 });
  execFileSync('chown', ['postgres', pw]);
  asPostgres([`${BIN}/initdb`, '-D', pgData, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pw}`, '-E', 'UTF8', '--locale=C']);
  asPostgres([`${BIN}/pg_ctl`, '-D', pgData, '-l', path.join(root, 'log'), '-o', "-c listen_addresses=127.0.0.1 -c port=5432 -c unix_socket_directories=''", '-w', 'start']);
  execFileSync('ip', ['netns', 'exec', vm.ns, `${BIN}/psql`, '-X', '-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-c', `CREATE ROLE shop LOGIN PASSWORD '${PASSWORD}'`, '-c', 'CREATE DATABASE shop OWNER shop'], {
    env: { ...process.env, PGPASSWORD: PASSWORD },
  });
  env = await makeSshEnv(vm, { environment: { database: { mode: 'external' } } });
  await env.editConfig((c) => {
    c.secrets = [...(c.secrets as string[]), 'DATABASE_URL'];
  });
  await appendFile(path.join(env.dir, 'app', '.env.staging'), `DATABASE_URL=postgres://shop:${PASSWORD}@127.0.0.1:5432/shop\n`);
});
after(async () => {
  if (pgData) execFileSync('runuser', ['-u', 'postgres', '--', `${BIN}/pg_ctl`, '-D', pgData, '-m', 'immediate', 'stop'], { stdio: 'ignore', cwd: '/' });
  await vm?.stop();
});

describe('ssh target with an external database', () => {
  test('deploy migrates and serves the external database; no PostgreSQL of slipway runs on the VM', async () => {
    const r = await env.cli(['deploy', 'staging']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const products = JSON.parse((await get(`${env.url}/api/products?limit=5`)).body) as { items: unknown[] };
    assert.equal(products.items.length, 5);
    assert.ok(Number(psql('SELECT count(*) FROM products')) >= 5);
    const st = JSON.parse((await env.cli(['status', 'staging', '--json'])).stdout) as { state: string; rows: { key: string; value: string }[] };
    assert.equal(st.state, 'serving');
    assert.equal(st.rows.find((x) => x.key === 'status.database')?.value, 'external');
    assert.deepEqual(await readdir(path.join(env.remoteDir, 'pg')).catch(() => []), []);
  });

  test('a failed migration restores the pg_dump taken on the VM before it; the old release keeps serving', async () => {
    const before = psql('SELECT md5(string_agg(id::text || price_cents::text, \',\' ORDER BY id)) FROM products');
    const serving = (JSON.parse((await get(`${env.url}/health`)).body) as { version: string }).version;
    await writeFile(
      path.join(env.dir, 'app', 'scripts', 'bad-migration.mjs'),
      `import pg from 'pg';
const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
await c.connect();
await c.query('UPDATE products SET price_cents = price_cents + 1');
await c.end();
console.error('migration 2 of 2 failed: relation "nope" does not exist');
process.exit(1);
`,
    );
    await env.editConfig((c) => {
      c.database.migrate = 'npm run migrate && node scripts/bad-migration.mjs';
    });
    const r = await env.cli(['deploy', 'staging']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /Database restored from/);
    const dumps = (await readdir(path.join(env.remoteDir, 'backups'))).filter((f) => f.endsWith('.dump'));
    assert.ok(dumps.length >= 2, dumps.join(','));
    assert.equal(psql('SELECT md5(string_agg(id::text || price_cents::text, \',\' ORDER BY id)) FROM products'), before);
    assert.equal((JSON.parse((await get(`${env.url}/health`)).body) as { version: string }).version, serving);
  });

  test('destroy removes the environment from the VM and leaves the external database and its data', async () => {
    const rows = psql('SELECT count(*) FROM products');
    await env.destroy();
    assert.equal(psql('SELECT count(*) FROM products'), rows);
  });
});
