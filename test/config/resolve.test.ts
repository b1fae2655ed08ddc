import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, validateConfig, type LoadedConfig } from '../../src/config/load.js';
import { environmentNames, readSecrets, resolveEnvironment } from '../../src/config/resolve.js';
import { parseDotenv } from '../../src/config/dotenv.js';
import { ConfigError } from '../../src/engine/errors.js';
import { setLang } from '../../src/engine/i18n.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const VALID = path.join(ROOT, 'test', 'fixtures', 'config-valid', 'slipway.yaml');

let tmp: string;
let n = 0;
before(async () => {
  setLang('en');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'slipway-resolve-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A LoadedConfig from an object, as if read from `<dir>/slipway.yaml`. */
function loaded(value: unknown, dir = '/srv/app'): LoadedConfig {
  const file = path.join(dir, 'slipway.yaml');
  return { config: validateConfig(value, file), file, dir };
}
const app = { name: 'shop-api', start: 'node server.js' };

describe('resolveEnvironment', () => {
  test('merges env, secrets, database and verify overrides of an environment', async () => {
    const l = await loadConfig({ file: VALID });
    const prod = resolveEnvironment(l, 'production');
    assert.equal(prod.name, 'production');
    assert.equal(prod.configFile, VALID);
    assert.equal(prod.configDir, path.dirname(VALID));
    assert.equal(prod.appDir, path.dirname(VALID));
    assert.deepEqual(prod.env, { LOG_LEVEL: 'warn', FEATURE_X: 'on' });
    assert.deepEqual(prod.secretNames, ['SESSION_SECRET', 'STRIPE_KEY']);
    assert.equal(prod.database?.name, 'shop_prod', 'overridden');
    assert.equal(prod.database?.user, 'shop', 'inherited');
    assert.equal(prod.database?.migrate, 'npm run migrate', 'inherited');
    assert.deepEqual(
      prod.verify.map((v) => [v.path, v.status]),
      [['/ready', 204]],
      'verify is replaced, not merged',
    );
    assert.equal(prod.production, true);
    assert.equal(prod.target.target, 'local');
    assert.equal(prod.check.production, undefined);

    const local = resolveEnvironment(l, 'local');
    assert.deepEqual(local.env, { LOG_LEVEL: 'info' });
    assert.deepEqual(local.secretNames, ['SESSION_SECRET']);
    assert.deepEqual(local.database, { version: 16, name: 'shop', user: 'shop', migrate: 'npm run migrate' });
    assert.deepEqual(
      local.verify.map((v) => v.path),
      ['/healthz', '/api/items'],
      'top-level verify when the environment has none',
    );
    assert.equal(local.production, false);
  });

  test('an environment may set the database version explicitly', () => {
    const l = loaded({ app, database: { version: 14, name: 'a', user: 'b' }, environments: { prod: { target: 'local', database: { version: 17 } } } });
    assert.equal(resolveEnvironment(l, 'prod').database?.version, 17);
  });

  test('a database only in the environment; urlSecret becomes a secret name', () => {
    const l = loaded({ app, secrets: ['A'], environments: { prod: { target: 'local', secrets: ['A', 'B'], database: { name: 'd', user: 'u', urlSecret: 'DATABASE_URL' } } } });
    const r = resolveEnvironment(l, 'prod');
    assert.equal(r.database?.name, 'd');
    assert.equal(r.database?.version, 15, 'default version');
    assert.deepEqual(r.secretNames, ['A', 'B', 'DATABASE_URL'], 'deduplicated, urlSecret appended');
    const none = resolveEnvironment(loaded({ app, environments: { dev: { target: 'local' } } }), undefined);
    assert.equal(none.database, undefined);
  });

  test('an incomplete database (no user anywhere) is a config error', () => {
    const l = loaded({ app, environments: { prod: { target: 'local', database: { name: 'd' } } } });
    assert.throws(
      () => resolveEnvironment(l, 'prod'),
      (e) => e instanceof ConfigError && e.exitCode === 2 && e.key === 'config.missing' && e.params.path === 'environments.prod.database.user' && e.place === `${l.file} database`,
    );
  });

  test('the default environment: the only one, else `local`, else an error listing them', () => {
    assert.equal(resolveEnvironment(loaded({ app, environments: { staging: { target: 'local' } } }), undefined).name, 'staging');
    assert.equal(resolveEnvironment(loaded({ app, environments: { production: { target: 'local', port: 8081 }, local: { target: 'local' } } }), undefined).name, 'local');
    const two = loaded({ app, environments: { staging: { target: 'local' }, production: { target: 'local', port: 8081 } } });
    assert.deepEqual(environmentNames(two.config), ['staging', 'production']);
    assert.throws(
      () => resolveEnvironment(two, undefined),
      (e) =>
        e instanceof ConfigError &&
        e.exitCode === 2 &&
        e.key === 'config.chooseEnvironment' &&
        e.place === `${two.file} environments` &&
        e.fixText() === 'Use one of: staging, production.',
    );
  });

  test('an unknown environment is a config error naming the known ones', () => {
    const l = loaded({ app, environments: { staging: { target: 'local' }, production: { target: 'local', port: 8081 } } });
    assert.throws(
      () => resolveEnvironment(l, 'prod'),
      (e) =>
        e instanceof ConfigError &&
        e.exitCode === 2 &&
        e.key === 'config.unknownEnvironment' &&
        e.text() === 'There is no environment `prod`.' &&
        e.place === `${l.file} environments` &&
        /staging, production/.test(e.fixText() ?? ''),
    );
  });

  test('production: by name (prod, production) unless check.production says otherwise', () => {
    const l = loaded({
      app,
      environments: {
        prod: { target: 'local', port: 8081 },
        production: { target: 'local', port: 8082, check: { production: false } },
        staging: { target: 'local', port: 8083 },
        live: { target: 'local', port: 8084, check: { production: true } },
        preprod: { target: 'local', port: 8085 },
      },
    });
    const p = (name: string) => resolveEnvironment(l, name).production;
    assert.deepEqual([p('prod'), p('production'), p('staging'), p('live'), p('preprod')], [true, false, false, true, false]);
  });

  test('appDir is relative to the config directory', () => {
    const l = loaded({ app: { ...app, dir: 'services/api' }, environments: { local: { target: 'local' } } }, '/srv/repo');
    assert.equal(resolveEnvironment(l, undefined).appDir, '/srv/repo/services/api');
  });
});

describe('readSecrets', () => {
  async function envDir(files: Record<string, string | Buffer>): Promise<string> {
    const d = path.join(tmp, `s${++n}`);
    await mkdir(d, { recursive: true });
    for (const [name, body] of Object.entries(files)) await writeFile(path.join(d, name), body);
    return d;
  }
  const cfg = (dir: string) =>
    resolveEnvironment(loaded({ app, secrets: ['SESSION_SECRET', 'STRIPE_KEY'], environments: { production: { target: 'local', secrets: ['EMPTY', 'NOWHERE'] } } }, dir), 'production');

  test('reads the process env and .env.<env>; the process env wins; missing ones are listed', async () => {
    const d = await envDir({
      '.env.production': 'SESSION_SECRET=from-file-session\nSTRIPE_KEY=from-file-stripe\nEMPTY=\nUNDECLARED=not-taken\n',
      '.env.staging': 'NOWHERE=wrong-environment-file\n',
    });
    const s = await readSecrets(cfg(d), { STRIPE_KEY: 'from-env-stripe', UNRELATED: 'x' });
    assert.deepEqual(Object.fromEntries(s.values), { SESSION_SECRET: 'from-file-session', STRIPE_KEY: 'from-env-stripe' });
    assert.deepEqual(s.missing, ['EMPTY', 'NOWHERE']);
    assert.deepEqual(s.sources, [path.join(d, '.env.production')]);
    assert.equal(s.values.has('UNDECLARED'), false, 'only declared names are taken');
  });

  test('without a .env file only the process env counts', async () => {
    const d = await envDir({});
    const s = await readSecrets(cfg(d), { SESSION_SECRET: 'a', STRIPE_KEY: 'b', EMPTY: 'c', NOWHERE: 'd' });
    assert.deepEqual(s.missing, []);
    assert.deepEqual(s.sources, []);
    assert.equal(s.values.size, 4);
    const none = await readSecrets(cfg(d), {});
    assert.deepEqual(none.missing, ['SESSION_SECRET', 'STRIPE_KEY', 'EMPTY', 'NOWHERE']);
  });

  test('defaults to process.env', async () => {
    const d = await envDir({});
    const name = `SLIPWAY_TEST_SECRET_${process.pid}`;
    process.env[name] = 'value-from-process';
    try {
      const r = resolveEnvironment(loaded({ app, secrets: [name], environments: { local: { target: 'local' } } }, d), undefined);
      const s = await readSecrets(r);
      assert.equal(s.values.get(name), 'value-from-process');
    } finally {
      delete process.env[name];
    }
  });

  test('a .env file that is not UTF-8 is a config error', async () => {
    let gbk: Buffer;
    try {
      gbk = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: '# 密钥\nSESSION_SECRET=x\n' });
    } catch {
      gbk = Buffer.from([0x23, 0x20, 0xc3, 0xdc, 0xd4, 0xbf, 0x0a, ...Buffer.from('SESSION_SECRET=x\n')]);
    }
    const d = await envDir({ '.env.production': gbk });
    await assert.rejects(readSecrets(cfg(d), {}), (e) => e instanceof ConfigError && e.key === 'config.notUtf8' && e.exitCode === 2 && e.place === path.join(d, '.env.production'));
  });
});

describe('parseDotenv', () => {
  test('KEY=value lines, comments, blank lines, export, CRLF', () => {
    const m = parseDotenv('# comment\n\nA=1\r\nexport B=two\n  C = spaced  \n#D=commented\nexport   E=e\n');
    assert.deepEqual(Object.fromEntries(m), { A: '1', B: 'two', C: 'spaced', E: 'e' });
  });

  test('double quotes: escapes and # kept; single quotes: literal', () => {
    const m = parseDotenv(['DQ="a b # not a comment"', 'NL="line1\\nline2"', 'ESC="say \\"hi\\" \\\\ done"', "SQ='raw \\n $HOME # x'", 'EMPTYQ=""'].join('\n'));
    assert.equal(m.get('DQ'), 'a b # not a comment');
    assert.equal(m.get('NL'), 'line1\nline2');
    assert.equal(m.get('ESC'), 'say "hi" \\ done');
    assert.equal(m.get('SQ'), 'raw \\n $HOME # x');
    assert.equal(m.get('EMPTYQ'), '');
  });

  test('unquoted values: inline comments after whitespace are dropped, other # and = kept', () => {
    const m = parseDotenv('A=value # trailing comment\nB=pa#ss\nC=x=y=z\nURL=postgres://u:p@h:5432/db?ssl=true\nD=\n');
    assert.deepEqual(Object.fromEntries(m), { A: 'value', B: 'pa#ss', C: 'x=y=z', URL: 'postgres://u:p@h:5432/db?ssl=true', D: '' });
  });

  test('unbalanced quotes are kept as written; invalid lines are skipped; the last duplicate wins', () => {
    const m = parseDotenv('A="unterminated\nB=\'x"\n1BAD=no\nNOT A LINE\nexport\nC=first\nC=second\n');
    assert.deepEqual(Object.fromEntries(m), { A: '"unterminated', B: '\'x"', C: 'second' });
  });
});
