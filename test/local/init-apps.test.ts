/**
 * `slipway init` through the real CLI on fixture apps shaped like open-source ones
 * (test/fixtures/apps): what it found, the config it wrote (valid against the schema),
 * the .gitignore, and an ssh environment from `--target ssh --host`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { validateConfig } from '../../src/config/load.js';
import type { InitResult } from '../../src/session/init.js';
import { ROOT, ensureBuilt } from '../helpers/local-env.js';

const APPS = path.join(ROOT, 'test', 'fixtures', 'apps');

interface Ran {
  code: number | null;
  out: InitResult;
  stdout: string;
  stderr: string;
}

/** A copy of a fixture app, with `slipway init --json <args>` run in it through the CLI. */
async function initApp(app: string, args: string[] = []): Promise<{ dir: string; ran: Ran }> {
  ensureBuilt();
  const dir = await mkdtemp(path.join(os.tmpdir(), `slipway-init-${app}-`));
  await cp(path.join(APPS, app), dir, { recursive: true });
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'slipway.js'), 'init', dir, '--json', ...args], { encoding: 'utf8', env: { ...process.env, SLIPWAY_LANG: 'en', CI: 'true' } });
  const out = r.status === 0 ? (JSON.parse(r.stdout) as InitResult) : ({} as InitResult);
  return { dir, ran: { code: r.status, out, stdout: r.stdout, stderr: r.stderr } };
}

async function writtenConfig(dir: string) {
  const file = path.join(dir, 'slipway.yaml');
  return validateConfig(parse(await readFile(file, 'utf8')), file);
}

test('init on the convict + knex app (yarn.lock, no health route) finds port 4000, knex migrations, yarn, SESSION_SECRET and MAIL_FROM', async () => {
  const { dir, ran } = await initApp('convict-knex');
  try {
    assert.equal(ran.code, 0, ran.stdout + ran.stderr);
    const f = ran.out.found;
    assert.equal(f.port, 4000);
    assert.equal(f.packageManager, 'yarn');
    assert.equal(f.lockfile, 'yarn.lock');
    assert.equal(f.migrate, 'npx knex migrate:latest');
    assert.equal(f.migrationTool, 'knex');
    assert.deepEqual(f.secrets, ['SESSION_SECRET']);
    assert.deepEqual(f.env, ['MAIL_FROM']);
    assert.equal(f.healthPath, '/');
    const cfg = await writtenConfig(dir);
    assert.equal(cfg.app.port, 4000);
    assert.equal(cfg.app.start, 'node src/index.js');
    assert.equal(cfg.app.healthPath, '/');
    assert.equal(cfg.database?.migrate, 'npx knex migrate:latest');
    assert.deepEqual(cfg.secrets, ['SESSION_SECRET']);
    assert.ok(!('DB_POOL_MAX' in cfg.env), 'a convict setting with a default is not required');
    assert.equal(cfg.environments.local?.target, 'local');
    assert.equal(cfg.environments.local?.port, f.stablePort);
    const ignore = (await readFile(path.join(dir, '.gitignore'), 'utf8')).split('\n');
    assert.deepEqual(ignore.filter(Boolean), ['node_modules/', '.slipway/', '.env.*']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('init on the TypeScript drizzle app finds port 8787, `npm run db:migrate`, pnpm, /health, and leaves the NODE_ENV=test variables out', async () => {
  const { dir, ran } = await initApp('drizzle-ts');
  try {
    assert.equal(ran.code, 0, ran.stdout + ran.stderr);
    const f = ran.out.found;
    assert.equal(f.port, 8787);
    assert.equal(f.packageManager, 'pnpm');
    assert.equal(f.migrate, 'npm run db:migrate');
    assert.equal(f.healthPath, '/health');
    assert.deepEqual(f.secrets, ['LINK_SIGNING_KEY']);
    assert.deepEqual(f.env, ['PUBLIC_BASE_URL']);
    assert.deepEqual(f.testOnly.sort(), ['TEST_DATABASE_URL', 'TEST_FROZEN_NOW', 'TEST_SEED']);
    const cfg = await writtenConfig(dir);
    assert.equal(cfg.app.build, 'npm run build');
    assert.equal(cfg.app.start, 'node dist/index.js');
    assert.equal(cfg.app.name, 'links-api');
    assert.ok(!Object.keys(cfg.env).some((k) => k.startsWith('TEST_')), JSON.stringify(cfg.env));
    assert.ok(!cfg.secrets.some((k) => k.startsWith('TEST_')));
    const ignore = await readFile(path.join(dir, '.gitignore'), 'utf8');
    assert.equal(ignore, '.slipway/\n.env.*\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('init on the NestJS-style ConfigService app finds port 3100, its migration:run script, /healthz and the ConfigService.get names', async () => {
  const { dir, ran } = await initApp('nest-config');
  try {
    assert.equal(ran.code, 0, ran.stdout + ran.stderr);
    const f = ran.out.found;
    assert.equal(f.port, 3100);
    assert.equal(f.packageManager, 'npm');
    assert.equal(f.migrate, 'npm run migration:run');
    assert.equal(f.healthPath, '/healthz');
    assert.deepEqual(f.secrets.sort(), ['STRIPE_API_KEY', 'STRIPE_WEBHOOK_SECRET']);
    assert.deepEqual(f.env, ['ORDERS_REGION']);
    const cfg = await writtenConfig(dir);
    assert.equal(cfg.app.start, 'node dist/main');
    assert.equal(cfg.app.build, 'npm run build');
    assert.ok(!('DEFAULT_CURRENCY' in cfg.env), 'get(name, default) is not required');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('init --target ssh --host deploy@203.0.113.10 writes an ssh environment with a managed database that validates', async () => {
  const { dir, ran } = await initApp('convict-knex', ['--target', 'ssh', '--host', 'deploy@203.0.113.10']);
  try {
    assert.equal(ran.code, 0, ran.stdout + ran.stderr);
    assert.equal(ran.out.environment, 'production');
    const cfg = await writtenConfig(dir);
    const env = cfg.environments.production;
    assert.equal(env?.target, 'ssh');
    assert.ok(env?.target === 'ssh');
    assert.equal(env.host, 'deploy@203.0.113.10');
    assert.equal(env.port, 8080);
    assert.equal(env.database?.mode, 'managed');
    assert.deepEqual(Object.keys(cfg.environments), ['production']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('init --target ssh --env staging names the environment staging', async () => {
  const { dir, ran } = await initApp('nest-config', ['--target', 'ssh', '--host', '203.0.113.10:2222', '--env', 'staging']);
  try {
    assert.equal(ran.code, 0, ran.stdout + ran.stderr);
    const cfg = await writtenConfig(dir);
    assert.equal(cfg.environments.staging?.target, 'ssh');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('init --target ssh without --host exits 2 with a fix and writes nothing', async () => {
  const { dir, ran } = await initApp('nest-config', ['--target', 'ssh']);
  try {
    assert.equal(ran.code, 2);
    assert.match(ran.stdout + ran.stderr, /--target ssh --host deploy@203\.0\.113\.10/);
    await assert.rejects(readFile(path.join(dir, 'slipway.yaml')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
