/**
 * The config `slipway init` writes for a fixture app deploys to the local target with only
 * the secrets added by hand: the convict + knex app (yarn.lock, installed with yarn through
 * corepack from the npm registry), migrated by knex, serving rows from its own PostgreSQL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT, ensureBuilt, get, type CliResult } from '../helpers/local-env.js';

function cli(args: string[], cwd: string): Promise<CliResult> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'slipway.js'), ...args], { cwd, env: { ...process.env, SLIPWAY_LANG: 'en', CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

test('the convict + knex app deploys to local with the config init wrote plus SESSION_SECRET in .env.local: yarn install, knex migration, rows served', async () => {
  ensureBuilt();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-initdeploy-'));
  await chmod(dir, 0o755); // PostgreSQL runs as postgres and must reach the state dir
  const app = path.join(dir, 'app');
  await cp(path.join(ROOT, 'test', 'fixtures', 'apps', 'convict-knex'), app, { recursive: true });
  try {
    const init = await cli(['init', app], dir);
    assert.equal(init.code, 0, init.stdout + init.stderr);
    const config = path.join(app, 'slipway.yaml');
    await writeFile(path.join(app, '.env.local'), 'SESSION_SECRET="init-deploy-secret-value"\n', { mode: 0o600 });
    const deploy = await cli(['deploy', 'local', '--config', config], dir);
    assert.equal(deploy.code, 0, deploy.stdout + deploy.stderr);
    assert.match(deploy.stdout, /✓ Run migrations/);
    const port = (parse(await readFile(config, 'utf8')) as { environments: { local: { port: number } } }).environments.local.port;
    const root = await get(`http://127.0.0.1:${port}/`);
    assert.equal(root.status, 200, root.body);
    const notes = await get(`http://127.0.0.1:${port}/notes`);
    assert.equal(notes.status, 200, notes.body);
    assert.deepEqual(JSON.parse(notes.body), []);
    const release = /release\s+(\S+)/.exec((await cli(['status', 'local', '--config', config], dir)).stdout)?.[1];
    assert.ok(release, 'status names the serving release');
    // yarn (not npm) installed it: yarn v1 leaves its integrity file, and no package-lock.json appears.
    const releaseApp = path.join(app, '.slipway', 'local', 'releases', release, 'app');
    await readFile(path.join(releaseApp, 'node_modules', '.yarn-integrity'), 'utf8');
    await assert.rejects(readFile(path.join(releaseApp, 'package-lock.json')));
  } finally {
    const d = await cli(['destroy', 'local', '--yes', '--force-unlock', '--config', path.join(app, 'slipway.yaml')], dir);
    await rm(dir, { recursive: true, force: true });
    assert.equal(d.code, 0, d.stdout + d.stderr);
  }
});

test('without database.migrate the deploy of the knex app warns in the preflight and marks Run migrations skipped (-), not ✓', async () => {
  ensureBuilt();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-initdeploy-'));
  await chmod(dir, 0o755);
  const app = path.join(dir, 'app');
  await cp(path.join(ROOT, 'test', 'fixtures', 'apps', 'convict-knex'), app, { recursive: true });
  const config = path.join(app, 'slipway.yaml');
  try {
    assert.equal((await cli(['init', app], dir)).code, 0);
    await writeFile(config, (await readFile(config, 'utf8')).replace(/^ {2}migrate: .*\n/m, ''));
    await writeFile(path.join(app, '.env.local'), 'SESSION_SECRET="init-deploy-secret-value"\n', { mode: 0o600 });
    const deploy = await cli(['deploy', 'local', '--config', config], dir);
    assert.equal(deploy.code, 0, deploy.stdout + deploy.stderr);
    assert.match(deploy.stdout, /The app has knex migrations but no migrate command is set/);
    assert.match(deploy.stdout, /- Run migrations/);
    assert.doesNotMatch(deploy.stdout, /✓ Run migrations/);
  } finally {
    const d = await cli(['destroy', 'local', '--yes', '--force-unlock', '--config', config], dir);
    await rm(dir, { recursive: true, force: true });
    assert.equal(d.code, 0, d.stdout + d.stderr);
  }
});
