/**
 * What a new user meets in the first ten minutes, on the local target: a clone in a
 * directory only root can enter, a first deploy that fails, a failure whose cause is one
 * line among stack frames, a start command in Procfile form, a redeploy whose
 * dependencies did not change, rollback to what already serves, a dirty tree, and a
 * release port reachable around the stable port.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { makeEnv, servingVersion, releaseProcesses, type TestEnv } from '../helpers/local-env.js';

type Release = { id: string; result: string; gitCommit?: string; active?: boolean };
const releases = async (env: TestEnv): Promise<Release[]> => JSON.parse((await env.cli(['releases', 'local', '--json'])).stdout) as Release[];

/** Whether anything accepts a TCP connection on the port. */
const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });

describe('a clone in a 0700 directory, deployed as root', () => {
  let env: TestEnv;
  let relocated: string;

  before(async () => {
    env = await makeEnv('local', { privateDir: true });
    // A Procfile-style start command: a leading assignment, run through the shell.
    await env.editConfig((c) => {
      c.app.start = 'GREETING=hello node dist/server.js';
      // References to what the target provides, for an app that reads other names.
      c.environments.local.env = { HOST: '127.0.0.1', DATABASE_HOST: '${DB_HOST}', DSN: 'postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:${DB_PORT}/${DB_NAME}', LISTEN_PORT: '${PORT}' };
    });
    execFileSync('git', ['init', '-q'], { cwd: path.join(env.dir, 'app') });
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '-A'], { cwd: path.join(env.dir, 'app') });
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'first'], { cwd: path.join(env.dir, 'app') });
  });
  after(async () => {
    await env?.destroy();
    if (relocated) assert.equal(existsSync(relocated), false, 'destroy removes the relocated cluster');
  });

  test('deploys: the cluster lives where the postgres user can reach it, recorded in pg/location', async () => {
    assert.equal((await stat(env.dir)).mode & 0o777, 0o700);
    const r = await env.cli(['deploy', 'local']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    relocated = (await readFile(path.join(env.stateDir, 'pg', 'location'), 'utf8')).trim();
    assert.match(relocated, /^\/var\/lib\/slipway\/pg\/[0-9a-f]{16}$/);
    assert.ok(existsSync(path.join(relocated, 'data', 'PG_VERSION')));
    assert.equal(execFileSync('stat', ['-c', '%U', path.join(relocated, 'data')], { encoding: 'utf8' }).trim(), 'postgres');
    const version = await servingVersion(env);
    const list = await releases(env);
    assert.equal(list.find((x) => x.id === version)?.result, 'succeeded');
  });

  test('the Procfile-style start command (VAR=value cmd) serves, with the variable set; ${NAME} references in env reach the process filled in and stay references in env.json', async () => {
    const procs = await releaseProcesses(env.stateDir);
    assert.equal(procs.size, 1);
    const [pid, release] = [...procs][0]!;
    const environ = new Map((await readFile(`/proc/${pid}/environ`, 'latin1')).split('\0').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const));
    assert.equal(environ.get('GREETING'), 'hello');
    assert.equal(environ.get('DATABASE_HOST'), '127.0.0.1');
    assert.equal(environ.get('LISTEN_PORT'), environ.get('PORT'));
    assert.match(environ.get('PORT') ?? '', /^\d+$/);
    const password = (await readFile(path.join(env.stateDir, 'secrets', 'db-password'), 'utf8')).trim();
    assert.equal(environ.get('DSN'), `postgres://shop:${password}@127.0.0.1:${environ.get('DB_PORT')}/shop`);
    const stored = await readFile(path.join(env.stateDir, 'releases', release!, 'env.json'), 'utf8');
    assert.match(stored, /postgres:\/\/\$\{DB_USER\}:\$\{DB_PASSWORD\}@/);
    assert.equal(stored.includes(password), false);
  });

  test('a redeploy with unchanged dependencies reuses node_modules (hard links) and marks an uncommitted tree dirty', async () => {
    const server = path.join(env.dir, 'app', 'src', 'server.ts');
    await writeFile(server, (await readFile(server, 'utf8')) + '\n// edited\n');
    const before = await servingVersion(env);
    const r = await env.cli(['deploy', 'local']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`reused node_modules of release ${before}`));
    const now = await servingVersion(env);
    const file = (id: string) => path.join(env.stateDir, 'releases', id, 'app', 'node_modules', 'pg', 'package.json');
    assert.equal((await stat(file(now))).ino, (await stat(file(before))).ino);
    const list = await releases(env);
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: path.join(env.dir, 'app'), encoding: 'utf8' }).trim();
    assert.equal(list.find((x) => x.id === before)?.gitCommit, head);
    assert.equal(list.find((x) => x.id === now)?.gitCommit, `${head}-dirty`);
  });

  test('rollback --to the release already serving exits 2 at once and says so', async () => {
    const serving = await servingVersion(env);
    const r = await env.cli(['rollback', 'local', '--to', serving]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`Release ${serving} is already serving local`));
    assert.doesNotMatch(r.stdout + r.stderr, /health/i);
    assert.equal(await servingVersion(env), serving);
  });

  test('status says when the release port listens on all interfaces', async () => {
    const quiet = JSON.parse((await env.cli(['status', 'local', '--json'])).stdout) as { rows: { key: string; value: string }[] };
    assert.equal(quiet.rows.some((x) => x.key === 'status.direct'), false);
    await env.editConfig((c) => {
      c.environments.local.env = { ...c.environments.local.env, HOST: '0.0.0.0' };
    });
    const r = await env.cli(['deploy', 'local']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const st = JSON.parse((await env.cli(['status', 'local', '--json'])).stdout) as { rows: { key: string; value: string }[] };
    const row = st.rows.find((x) => x.key === 'status.direct');
    assert.ok(row, JSON.stringify(st.rows));
    assert.match(row.value, /listens on all interfaces: it is reachable directly, around the stable port/);
  });
});

describe('a first deploy that fails', () => {
  let env: TestEnv;
  before(async () => {
    env = await makeEnv('local');
    // A migration that cannot authenticate: the cause is one line above a stack trace.
    await writeFile(
      path.join(env.dir, 'app', 'scripts', 'wrong-password.mjs'),
      `import pg from 'pg';
const c = new pg.Client({ host: process.env.DB_HOST, port: Number(process.env.DB_PORT), user: process.env.DB_USER, database: process.env.DB_NAME, password: 'not-the-password' });
try { await c.connect(); } catch (e) { console.error(e); for (let i = 0; i < 12; i++) console.error('    at frame' + i + ' (/app/node_modules/x/index.js:' + i + ':1)'); process.exit(1); }
`,
    );
    await env.editConfig((c) => {
      c.database.migrate = 'node scripts/wrong-password.mjs';
    });
  });
  after(async () => {
    await env?.destroy();
  });

  test('exits 1 naming the cause line and the connection fix, keeps the full output in the release log, and leaves nothing serving', async () => {
    const r = await env.cli(['deploy', 'local']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /password authentication failed for user "shop"/);
    assert.doesNotMatch(r.stderr, /fix the migration/i);
    assert.match(r.stderr, /fix: .*(connect|password|credentials)/i);
    assert.match(r.stdout, /nothing was deployed to local, and nothing of this run is left running/);
    assert.doesNotMatch(r.stdout, /still serves/);
    const log = /local:(\/\S+\/migrate\.log)/.exec(r.stderr)?.[1];
    assert.ok(log, r.stderr);
    const full = await readFile(log, 'utf8');
    assert.match(full, /at frame11/);
    assert.equal(await listening(env.port), false, 'the stable port is free again');
    assert.equal(existsSync(path.join(env.stateDir, 'run', 'supervisor.json')), false);
    assert.equal((await releaseProcesses(env.stateDir)).size, 0);
  });
});
