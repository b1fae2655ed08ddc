/**
 * The config `slipway init` writes for a fixture app deploys to the local target with only
 * the secrets added by hand: the convict + knex app (yarn.lock, installed with yarn through
 * corepack from the npm registry), migrated by knex, serving rows from its own PostgreSQL;
 * the TypeScript drizzle app (pnpm-lock.yaml, pnpm through corepack, built with tsc, migrated
 * by drizzle-orm's migrator from drizzle/meta/_journal.json, a /health that ignores the
 * database); the NestJS-style ConfigService app (package-lock.json, npm ci, tsc, its own
 * `migration:run`). One deploy per fixture, destroyed at the end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, chmod, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT, ensureBuilt, get } from '../helpers/local-env.js';
import { runCli, type CliResult } from '../helpers/cli.js';

const cli = (args: string[], cwd: string): Promise<CliResult> => runCli(args, { cwd });

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

/** A fixture app copied to a fresh 0755 directory, `slipway init` run on it, and the secrets written to .env.local. */
async function initFixture(name: string, dotenv: string): Promise<{ dir: string; app: string; config: string }> {
  ensureBuilt();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-initdeploy-'));
  await chmod(dir, 0o755);
  const app = path.join(dir, 'app');
  await cp(path.join(ROOT, 'test', 'fixtures', 'apps', name), app, { recursive: true });
  const init = await cli(['init', app], dir);
  assert.equal(init.code, 0, init.stdout + init.stderr);
  await writeFile(path.join(app, '.env.local'), dotenv, { mode: 0o600 });
  return { dir, app, config: path.join(app, 'slipway.yaml') };
}

async function stablePort(config: string): Promise<number> {
  return (parse(await readFile(config, 'utf8')) as { environments: { local: { port: number } } }).environments.local.port;
}

async function servingRelease(config: string, dir: string): Promise<string> {
  const release = /release\s+(\S+)/.exec((await cli(['status', 'local', '--config', config], dir)).stdout)?.[1];
  assert.ok(release, 'status names the serving release');
  return release;
}

async function postJson(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

test('the TypeScript drizzle app deploys to local with the config init wrote plus LINK_SIGNING_KEY: pnpm install, tsc build, drizzle migrator, rows served, health-without-database warning', async () => {
  const { dir, app, config } = await initFixture('drizzle-ts', 'LINK_SIGNING_KEY="init-deploy-link-key"\n');
  try {
    const deploy = await cli(['deploy', 'local', '--config', config], dir);
    assert.equal(deploy.code, 0, deploy.stdout + deploy.stderr);
    assert.match(deploy.stdout, /✓ Run migrations/);
    assert.match(deploy.stdout, /The health check does not cover the database: \/health answered 200/);
    const port = await stablePort(config);
    assert.equal((await get(`http://127.0.0.1:${port}/health`)).status, 200);
    const created = await postJson(`http://127.0.0.1:${port}/links`, { url: 'https://example.com/a' });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const list = await get(`http://127.0.0.1:${port}/links`);
    assert.equal(list.status, 200, list.body);
    const rows = JSON.parse(list.body) as { id: number; url: string; hits: number; createdAt: string }[];
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.url, 'https://example.com/a');
    assert.equal(rows[0]?.hits, 0);
    assert.ok(rows[0]?.createdAt, 'the second migration (created_at) was applied');
    // pnpm (not npm) installed it, and tsc built it in the release.
    const releaseApp = path.join(app, '.slipway', 'local', 'releases', await servingRelease(config, dir), 'app');
    await access(path.join(releaseApp, 'node_modules', '.pnpm'));
    await access(path.join(releaseApp, 'dist', 'migrate.js'));
    await assert.rejects(access(path.join(releaseApp, 'package-lock.json')));
  } finally {
    const d = await cli(['destroy', 'local', '--yes', '--force-unlock', '--config', config], dir);
    await rm(dir, { recursive: true, force: true });
    assert.equal(d.code, 0, d.stdout + d.stderr);
  }
});

test('the NestJS-style ConfigService app deploys to local with the config init wrote plus the two Stripe secrets: npm ci, tsc build, migration:run, rows served', async () => {
  const { dir, app, config } = await initFixture('nest-config', 'STRIPE_API_KEY="sk_test_init_deploy"\nSTRIPE_WEBHOOK_SECRET="whsec_init_deploy"\n');
  try {
    const deploy = await cli(['deploy', 'local', '--config', config], dir);
    assert.equal(deploy.code, 0, deploy.stdout + deploy.stderr);
    assert.match(deploy.stdout, /✓ Run migrations/);
    const port = await stablePort(config);
    assert.equal((await get(`http://127.0.0.1:${port}/healthz`)).status, 200);
    const created = await postJson(`http://127.0.0.1:${port}/orders`, { total: 1250 });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.deepEqual(created.json, { id: 1, total: 1250, currency: 'eur' });
    const list = await get(`http://127.0.0.1:${port}/orders`);
    assert.equal(list.status, 200, list.body);
    assert.deepEqual(JSON.parse(list.body), [{ id: 1, total: 1250, currency: 'eur' }]);
    // npm ci installed it from package-lock.json.
    const releaseApp = path.join(app, '.slipway', 'local', 'releases', await servingRelease(config, dir), 'app');
    await access(path.join(releaseApp, 'node_modules', '.package-lock.json'));
    await access(path.join(releaseApp, 'node_modules', 'pg', 'package.json'));
  } finally {
    const d = await cli(['destroy', 'local', '--yes', '--force-unlock', '--config', config], dir);
    await rm(dir, { recursive: true, force: true });
    assert.equal(d.code, 0, d.stdout + d.stderr);
  }
});
