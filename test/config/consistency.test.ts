/**
 * Configuration mistakes that span settings or files: each is a ConfigError with exit 2,
 * the file and place, a specific message and a fix (fixtures in test/fixtures/config-errors).
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, validateConfig } from '../../src/config/load.js';
import { resolveEnvironment } from '../../src/config/resolve.js';
import { ConfigError } from '../../src/engine/errors.js';
import { setLang } from '../../src/engine/i18n.js';

const ERR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/config-errors');
before(() => setLang('en'));

async function loadError(name: string): Promise<ConfigError> {
  const file = path.join(ERR, name);
  let caught: unknown;
  try {
    await loadConfig({ file });
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`);
  assert.equal(caught.exitCode, 2);
  assert.ok(caught.place?.startsWith(file), `place ${caught.place} names the file`);
  assert.ok(caught.fixText(), 'has a fix');
  assert.doesNotMatch(caught.text() + (caught.fixText() ?? ''), /\{\w+\}/, 'no unfilled placeholders');
  return caught;
}

describe('configuration errors that name the problem', () => {
  test('an empty file is config.empty, and the fix says to run slipway init', async () => {
    const e = await loadError('empty.yaml');
    assert.equal(e.key, 'config.empty');
    assert.match(e.fixText() ?? '', /slipway init/);
  });

  test('a file of only comments is config.empty', async () => {
    const e = await loadError('comments-only.yaml');
    assert.equal(e.key, 'config.empty');
  });

  test('an empty environments map is config.noEnvironments at line 4, and the fix shows an example environment', async () => {
    const e = await loadError('no-environments.yaml');
    assert.equal(e.key, 'config.noEnvironments');
    assert.match(e.place ?? '', /no-environments\.yaml:4 environments$/);
    assert.match(e.fixText() ?? '', /target: local/);
    assert.doesNotMatch(e.fixText() ?? '', /Use one of: \./);
  });

  test('two local environments on the default port 8080 is config.portShared naming both and suggesting 8081', async () => {
    const e = await loadError('port-shared.yaml');
    assert.equal(e.key, 'config.portShared');
    assert.equal(e.params.first, 'staging');
    assert.equal(e.params.second, 'production');
    assert.equal(e.params.port, 8080);
    assert.match(e.fixText() ?? '', /8081/);
  });

  test('two ssh environments on different hosts may share a port; on the same host they may not', () => {
    const base = { app: { name: 'shop', start: 'node s.js' } };
    const env = (host: string) => ({ target: 'ssh', host });
    assert.doesNotThrow(() => validateConfig({ ...base, environments: { a: env('deploy@10.0.0.1'), b: env('deploy@10.0.0.2') } }, 'x.yaml'));
    assert.throws(
      () => validateConfig({ ...base, environments: { a: env('deploy@10.0.0.1'), b: env('root@10.0.0.1:22') } }, 'x.yaml'),
      (e: unknown) => e instanceof ConfigError && e.key === 'config.portShared' && e.params.host === '10.0.0.1',
    );
  });

  test('a secret listed twice is config.secretTwice at the second occurrence (secrets[2], line 7)', async () => {
    const e = await loadError('secret-twice.yaml');
    assert.equal(e.key, 'config.secretTwice');
    assert.equal(e.params.name, 'JWT_SECRET');
    assert.match(e.place ?? '', /secret-twice\.yaml:7 secrets\[2\]$/);
  });

  test('an unknown check.timeZone is config.badTimeZone with a did-you-mean (Asia/Shangai → Asia/Shanghai)', async () => {
    const e = await loadError('bad-timezone.yaml');
    assert.equal(e.key, 'config.badTimeZone');
    assert.equal(e.params.path, 'environments.production.check.timeZone');
    assert.match(e.fixText() ?? '', /Asia\/Shanghai/);
  });

  test('an app.dir that does not exist is config.appDirMissing with the resolved directory', async () => {
    const e = await loadError('missing-app-dir.yaml');
    assert.equal(e.key, 'config.appDirMissing');
    assert.equal(e.params.dir, path.join(ERR, 'services', 'api'));
    assert.match(e.place ?? '', /missing-app-dir\.yaml:3 app\.dir$/);
  });
});

describe('the database password rule: slipway owns the credentials of a database it runs', () => {
  const app = { name: 'shop', start: 'node s.js' };
  const database = { name: 'shop', user: 'shop' };
  const resolve = (value: unknown) => {
    const file = '/srv/app/slipway.yaml';
    return resolveEnvironment({ config: validateConfig(value, file), file, dir: '/srv/app' }, 'local');
  };
  const owned = (name: string, where: string) => (e: unknown) =>
    e instanceof ConfigError && e.exitCode === 2 && e.key === 'config.dbOwned' && e.params.name === name && e.params.where === where && /database\.mode: external/.test(e.fixText() ?? '');

  test('DB_PASSWORD in env of a local environment with a managed database is config.dbOwned (exit 2) whose fix names database.mode: external', () => {
    assert.throws(() => resolve({ app, database, environments: { local: { target: 'local', env: { DB_PASSWORD: 'hunter2' } } } }), owned('DB_PASSWORD', 'env'));
  });

  test('DB_PASSWORD or DATABASE_URL listed in secrets of an ssh environment with a managed database is config.dbOwned', () => {
    assert.throws(() => resolve({ app, database, secrets: ['DB_PASSWORD'], environments: { local: { target: 'ssh', host: 'deploy@10.0.0.1' } } }), owned('DB_PASSWORD', 'secrets'));
    assert.throws(() => resolve({ app, database, environments: { local: { target: 'local', secrets: ['DATABASE_URL'] } } }), owned('DATABASE_URL', 'secrets'));
  });

  test('the same names are allowed without a database, and with database.mode: external (DATABASE_URL is then the url secret)', () => {
    assert.doesNotThrow(() => resolve({ app, environments: { local: { target: 'local', env: { DB_PASSWORD: 'x' } } } }));
    const ext = resolve({ app, database: { ...database, mode: 'external' }, environments: { local: { target: 'local', secrets: ['DATABASE_URL'] } } });
    assert.deepEqual(ext.secretNames, ['DATABASE_URL']);
  });
});
