/** `app.lockfile` names the package manager and blocks when the target cannot run it; `app.migrate` warns about migrations nothing runs. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { one, preflight, setup } from './helpers.js';

const pkg = JSON.stringify({ name: 'a', version: '1.0.0', scripts: { start: 'node server.js' } });
const YARN_APP = { 'package.json': pkg, 'yarn.lock': '# yarn lockfile v1\n', 'server.js': '' };
const PNPM_APP = { 'package.json': pkg, 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n", 'server.js': '' };

/** Run `fn` with a PATH holding only `node` (no corepack, yarn or pnpm). */
async function withoutCorepack<T>(fn: () => Promise<T>): Promise<T> {
  const bin = mkdtempSync(path.join(os.tmpdir(), 'slipway-nocorepack-'));
  symlinkSync(process.execPath, path.join(bin, 'node'));
  const saved = process.env.PATH;
  process.env.PATH = bin;
  try {
    return await fn();
  } finally {
    process.env.PATH = saved;
    rmSync(bin, { recursive: true, force: true });
  }
}

describe('app.lockfile', () => {
  it('passes a yarn.lock and names yarn with the version corepack runs', async () => {
    const f = one(await preflight(await setup({ files: YARN_APP }), { areas: ['app'] }), 'app.lockfile');
    assert.equal(f.severity, 'passed', JSON.stringify(f));
    assert.match(f.title, /^yarn\.lock pins the dependencies; installed with yarn 1\.\d+\.\d+ \(corepack\)$/);
  });

  it('passes a pnpm-lock.yaml and names pnpm', async () => {
    const f = one(await preflight(await setup({ files: PNPM_APP }), { areas: ['app'] }), 'app.lockfile');
    assert.equal(f.severity, 'passed', JSON.stringify(f));
    assert.match(f.title, /installed with pnpm \d+\.\d+\.\d+ \(corepack\)$/);
  });

  it('blocks a pnpm-lock.yaml when corepack cannot run on the target, with a fix naming pnpm and app.install', async () => {
    const s = await setup({ files: PNPM_APP });
    const f = one(await withoutCorepack(() => preflight(s, { areas: ['app'] })), 'app.lockfile');
    assert.equal(f.severity, 'blocker');
    assert.match(f.title, /pnpm-lock\.yaml needs pnpm/);
    assert.match(f.fix ?? '', /corepack/);
    assert.match(f.fix ?? '', /app\.install/);
  });

  it('passes a pnpm-lock.yaml without corepack when app.install is set', async () => {
    const s = await setup({ files: PNPM_APP, config: { app: { name: 'demo', start: 'node server.js', install: 'pnpm install --frozen-lockfile' } } });
    const f = one(await withoutCorepack(() => preflight(s, { areas: ['app'] })), 'app.lockfile');
    assert.equal(f.severity, 'passed');
  });
});

describe('app.migrate', () => {
  const KNEX_APP = { 'package.json': JSON.stringify({ name: 'a', version: '1.0.0', scripts: { start: 'node server.js' }, dependencies: { knex: '^3' } }), 'package-lock.json': '{}', 'server.js': '', 'knexfile.js': 'module.exports = {};', 'migrations/001_init.js': '' };
  const DB = { version: 15, name: 'a', user: 'a' };

  it('warns about knex migrations without database.migrate, with the command as the fix', async () => {
    const s = await setup({ files: KNEX_APP, config: { app: { name: 'demo', start: 'node server.js' }, database: DB } });
    const f = one(await preflight(s, { areas: ['app'] }), 'app.migrate');
    assert.equal(f.severity, 'warning');
    assert.match(f.title, /knex migrations/);
    assert.equal(f.fix, 'Set database.migrate: npx knex migrate:latest');
  });

  it('passes when database.migrate is set', async () => {
    const s = await setup({ files: KNEX_APP, config: { app: { name: 'demo', start: 'node server.js' }, database: { ...DB, migrate: 'npx knex migrate:latest' } } });
    assert.equal(one(await preflight(s, { areas: ['app'] }), 'app.migrate').severity, 'passed');
  });
});
