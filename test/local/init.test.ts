/** `slipway init` reads an app and writes a config that validates and matches the app. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { initConfig } from '../../src/session/init.js';
import { validateConfig } from '../../src/config/load.js';
import { EXAMPLE } from '../helpers/local-env.js';
import { SlipwayError } from '../../src/engine/errors.js';

test('init on the example app finds its port, health route, secrets, database and migrations', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-init-'));
  try {
    await cp(EXAMPLE, dir, { recursive: true, filter: (src) => !/(node_modules|dist|\.slipway|slipway\.yaml)$/.test(src) });
    const out = await initConfig(dir, { force: false });
    const file = path.join(dir, 'slipway.yaml');
    assert.equal(out.file, file);
    const cfg = validateConfig(parse(await readFile(file, 'utf8')), file);
    assert.equal(cfg.app.name, 'shop-api');
    assert.equal(cfg.app.port, 3050);
    assert.equal(cfg.app.healthPath, '/health');
    assert.equal(cfg.app.build, 'npm run build');
    assert.equal(cfg.app.start, 'node dist/server.js');
    assert.deepEqual(cfg.secrets, ['JWT_SECRET']);
    assert.equal(cfg.database?.migrate, 'npm run migrate');
    assert.equal(cfg.environments.local?.target, 'local');
    assert.ok(!Object.keys(cfg.env).some((k) => k.startsWith('DB_')), 'database variables are the target’s, not config');
    await assert.rejects(initConfig(dir, { force: false }), (e: unknown) => e instanceof SlipwayError && e.key === 'init.exists' && e.exitCode === 2);
    await initConfig(dir, { force: true });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('init refuses a directory without package.json, with a fix', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-init-'));
  try {
    await assert.rejects(initConfig(dir, { force: false }), (e: unknown) => e instanceof SlipwayError && e.key === 'init.noPackage' && !!e.fixText());
    await assert.rejects(access(path.join(dir, 'slipway.yaml')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
