import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findConfigFile, loadConfig, validateConfig } from '../../src/config/load.js';
import { editDistance, nearest } from '../../src/engine/text.js';
import { decodeUtf8, firstInvalidUtf8, lineOfByte } from '../../src/config/encoding.js';
import { ConfigError } from '../../src/engine/errors.js';
import { setLang, t } from '../../src/engine/i18n.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIX = path.join(ROOT, 'test', 'fixtures');
const ERR = path.join(FIX, 'config-errors');

let tmp: string;
let n = 0;
before(async () => {
  setLang('en');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'slipway-load-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});
async function dir(): Promise<string> {
  const d = path.join(tmp, `d${++n}`);
  await mkdir(d, { recursive: true });
  return d;
}

/** Load and expect a ConfigError; returns it for further checks. */
async function configError(file: string, check: { key: string; place: RegExp | string; params?: Record<string, unknown> }): Promise<ConfigError> {
  let caught: unknown;
  try {
    await loadConfig({ file });
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`);
  assert.equal(caught.name, 'ConfigError');
  assert.equal(caught.exitCode, 2);
  assert.equal(caught.key, check.key, caught.message);
  assert.ok(caught.place, 'place is set');
  assert.ok(caught.place.startsWith(file), `place ${caught.place} names the file ${file}`);
  if (typeof check.place === 'string') assert.equal(caught.place, check.place);
  else assert.match(caught.place, check.place);
  for (const [k, v] of Object.entries(check.params ?? {})) assert.equal(caught.params[k], v, `param ${k}`);
  assert.ok(caught.fixText(), 'has a fix');
  assert.ok(!caught.text().startsWith(caught.key), 'the key resolves to a message');
  assert.doesNotMatch(caught.text() + caught.fixText(), /\{\w+\}/, 'no unfilled placeholders');
  return caught;
}

const MINIMAL = 'app:\n  name: shop-api\n  start: node server.js\nenvironments:\n  local:\n    target: local\n';

describe('loadConfig: valid files', () => {
  test('a full YAML file loads, with defaults filled in', async () => {
    const file = path.join(FIX, 'config-valid', 'slipway.yaml');
    const loaded = await loadConfig({ file });
    assert.equal(loaded.file, file);
    assert.equal(loaded.dir, path.dirname(file));
    const c = loaded.config;
    assert.equal(c.app.name, 'shop-api');
    assert.equal(c.app.healthPath, '/healthz');
    assert.equal(c.app.dir, '.');
    assert.equal(c.database?.version, 16);
    assert.deepEqual(c.secrets, ['SESSION_SECRET']);
    assert.equal(c.verify[0]!.method, 'GET');
    assert.equal(c.verify[0]!.status, 200);
    assert.equal(c.verify[0]!.timeoutMs, 5000);
    const local = c.environments.local!;
    assert.equal(local.target, 'local');
    assert.equal(local.keepReleases, 5);
    assert.ok(local.target === 'local' && local.port === 8088 && local.host === '127.0.0.1' && local.lockTtlMs === 30_000);
    assert.deepEqual(Object.keys(c.environments), ['local', 'production']);
  });

  test('the file is found in cwd when not given; a relative --config resolves against cwd', async () => {
    const d = await dir();
    await writeFile(path.join(d, 'slipway.yaml'), MINIMAL);
    assert.equal(await findConfigFile(d), path.join(d, 'slipway.yaml'));
    const a = await loadConfig({ cwd: d });
    assert.equal(a.file, path.join(d, 'slipway.yaml'));
    await writeFile(path.join(d, 'other.yml'), MINIMAL);
    const b = await loadConfig({ cwd: d, file: 'other.yml' });
    assert.equal(b.file, path.join(d, 'other.yml'));
  });

  test('a UTF-8 file with a BOM and Chinese comments loads', async () => {
    const d = await dir();
    const file = path.join(d, 'slipway.yaml');
    await writeFile(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('# 生产环境配置\n' + MINIMAL)]));
    const { config } = await loadConfig({ file });
    assert.equal(config.app.name, 'shop-api');
  });

  test('slipway.config.ts with defineConfig from the package sources loads (preferred over slipway.yaml)', async () => {
    const d = await dir();
    const index = path.join(ROOT, 'src', 'index.ts');
    await writeFile(
      path.join(d, 'slipway.config.ts'),
      `import { defineConfig } from ${JSON.stringify(index)};
const port: number = 9000 + 1;
export default defineConfig({
  app: { name: 'ts-app', start: 'node server.js' },
  database: { name: 'tsdb', user: 'tsuser' },
  environments: { local: { target: 'local', port } },
});
`,
    );
    await writeFile(path.join(d, 'slipway.yaml'), MINIMAL);
    const loaded = await loadConfig({ cwd: d });
    assert.equal(loaded.file, path.join(d, 'slipway.config.ts'));
    assert.equal(loaded.config.app.name, 'ts-app');
    assert.equal(loaded.config.database?.version, 15);
    const local = loaded.config.environments.local!;
    assert.ok(local.target === 'local' && local.port === 9001);
  });

  test('a config module may export a (async) function', async () => {
    const d = await dir();
    const file = path.join(d, 'slipway.config.mjs');
    await writeFile(file, `export default async () => ({ app: { name: 'fn-app', start: 'node s.js' }, environments: { local: { target: 'local' } } });\n`);
    const { config } = await loadConfig({ file });
    assert.equal(config.app.name, 'fn-app');
  });
});

describe('loadConfig: errors name the file, the line and the config path', () => {
  test('unknown key: did-you-mean and the line', async () => {
    const file = path.join(ERR, 'unknown-key.yaml');
    const e = await configError(file, { key: 'config.unknownKey', place: `${file}:4 app.heathPath`, params: { key: 'heathPath', suggestion: 'healthPath' } });
    assert.match(e.fixText()!, /Did you mean `healthPath`\?/);
    assert.match(e.fixText()!, /Allowed here: .*\bstart\b/);
  });

  test('unknown key inside an environment suggests the target-specific key', async () => {
    const file = path.join(ERR, 'unknown-env-key.yaml');
    const e = await configError(file, { key: 'config.unknownKey', place: `${file}:7 environments.local.prot`, params: { suggestion: 'port' } });
    assert.match(e.fixText()!, /lockTtlMs/, 'lists the local target keys');
  });

  test('unknown key with nothing close: no suggestion, plain fix', async () => {
    const d = await dir();
    const file = path.join(d, 'slipway.yaml');
    await writeFile(file, MINIMAL.replace('app:\n', 'app:\n  zzzzzzzzzz: 1\n'));
    const e = await configError(file, { key: 'config.unknownKey', place: `${file}:2 app.zzzzzzzzzz` });
    assert.equal(e.fix, 'config.unknownKey.fixPlain');
    assert.doesNotMatch(e.fixText()!, /Did you mean/);
  });

  test('wrong type: database.version "fifteen"', async () => {
    const file = path.join(ERR, 'wrong-type.yaml');
    const e = await configError(file, { key: 'config.wrongType', place: `${file}:5 database.version`, params: { path: 'database.version', expected: 'number', value: '"fifteen"' } });
    assert.match(e.text(), /database\.version has the wrong type: expected number, got "fifteen"/);
  });

  test('missing required field: app.start', async () => {
    const file = path.join(ERR, 'missing-start.yaml');
    const e = await configError(file, { key: 'config.missing', place: /^.*missing-start\.yaml:\d+ app\.start$/, params: { path: 'app.start' } });
    assert.match(e.fixText()!, /Add `app\.start`/);
  });

  test('bad target: target: gcp', async () => {
    const file = path.join(ERR, 'bad-target.yaml');
    const e = await configError(file, { key: 'config.badTarget', place: `${file}:8 environments.production.target`, params: { path: 'environments.production.target', value: '"gcp"' } });
    assert.match(e.text(), /environments\.production\.target is "gcp"/);
    assert.match(e.fixText()!, /local, ssh, aws/);
  });

  test('bad value: an enum', async () => {
    const d = await dir();
    const file = path.join(d, 'slipway.yaml');
    await writeFile(file, MINIMAL + 'verify:\n  - path: /health\n    method: OPTIONS\n');
    await configError(file, { key: 'config.badValue', place: `${file}:9 verify[0].method`, params: { value: '"OPTIONS"' } });
  });

  test('unparsable YAML: the line and column', async () => {
    const file = path.join(ERR, 'syntax.yaml');
    const e = await configError(file, { key: 'config.yamlSyntax', place: `${file}:3:10`, params: { line: 3, col: 10 } });
    assert.match(e.text(), /line 3, column 10/);
  });

  test('duplicate YAML key is refused', async () => {
    const file = path.join(ERR, 'duplicate-key.yaml');
    await configError(file, { key: 'config.yamlSyntax', place: `${file}:4:3` });
  });

  test('a GBK-encoded file is refused with the encoding, the line and an iconv fix', async () => {
    const d = await dir();
    const file = path.join(d, 'slipway.yaml');
    const utf8 = 'app:\n  name: shop-api\n  # 启动命令\n  start: node server.js\nenvironments:\n  local:\n    target: local\n';
    let gbk: Buffer;
    try {
      gbk = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: utf8 });
    } catch {
      // no iconv: the same text with the comment's GBK bytes (启动命令 = C6 F4 B6 AF C3 FC C1 EE)
      gbk = Buffer.from(utf8.replace('启动命令', '\u0000'), 'utf8');
      const at = gbk.indexOf(0);
      gbk = Buffer.concat([gbk.subarray(0, at), Buffer.from([0xc6, 0xf4, 0xb6, 0xaf, 0xc3, 0xfc, 0xc1, 0xee]), gbk.subarray(at + 1)]);
    }
    assert.ok(gbk.includes(Buffer.from([0xc6, 0xf4, 0xb6, 0xaf])), 'GBK bytes of 启动');
    await writeFile(file, gbk);
    const e = await configError(file, { key: 'config.notUtf8', place: `${file}:3`, params: { encoding: 'GBK', line: 3 } });
    assert.match(e.fixText()!, new RegExp(`iconv -f GBK -t UTF-8 ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  test('a UTF-16 LE file with a BOM is refused', async () => {
    const d = await dir();
    const file = path.join(d, 'slipway.yaml');
    await writeFile(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(MINIMAL, 'utf16le')]));
    const e = await configError(file, { key: 'config.notUtf8', place: `${file}:1`, params: { encoding: 'UTF-16LE' } });
    assert.match(e.fixText()!, /iconv -f UTF-16LE -t UTF-8/);
  });

  test('a UTF-16 LE file without a BOM is refused too', async () => {
    const d = await dir();
    const file = path.join(d, 'slipway.yaml');
    await writeFile(file, Buffer.from(MINIMAL, 'utf16le'));
    await configError(file, { key: 'config.notUtf8', place: `${file}:1`, params: { encoding: 'UTF-16LE' } });
  });

  test('a missing --config file', async () => {
    const file = path.join(tmp, 'nope', 'slipway.yaml');
    await configError(file, { key: 'config.fileMissing', place: file });
  });

  test('no configuration in the directory', async () => {
    const d = await dir();
    await assert.rejects(loadConfig({ cwd: d }), (e) => e instanceof ConfigError && e.key === 'config.notFound' && e.place === d && e.exitCode === 2);
  });

  test('a config module that throws', async () => {
    const d = await dir();
    const file = path.join(d, 'slipway.config.ts');
    await writeFile(file, `throw new Error('kaboom in config');\nexport default {};\n`);
    const e = await configError(file, { key: 'config.moduleFailed', place: file, params: { reason: 'kaboom in config' } });
    assert.match(e.text(), /kaboom in config/);
  });

  test('a config module with a schema error names the config path (no line)', async () => {
    const d = await dir();
    const file = path.join(d, 'slipway.config.mjs');
    await writeFile(file, `export default { app: { name: 'x', start: 's', heathPath: '/h' }, environments: { local: { target: 'local' } } };\n`);
    await configError(file, { key: 'config.unknownKey', place: `${file} app.heathPath`, params: { suggestion: 'healthPath' } });
  });

  test('errors are translated (zh-CN) with the same place', async () => {
    const file = path.join(ERR, 'unknown-key.yaml');
    const e = await configError(file, { key: 'config.unknownKey', place: `${file}:4 app.heathPath` });
    setLang('zh-CN');
    try {
      assert.match(e.text(), /未知的键 `heathPath`/);
      assert.match(e.fixText()!, /是否想写 `healthPath`/);
      assert.equal(e.message, t('config.unknownKey', e.params, 'en'), 'Error.message stays English');
    } finally {
      setLang('en');
    }
  });
});

describe('validateConfig and helpers', () => {
  test('the first useful issue is reported for an invalid object', () => {
    assert.throws(
      () => validateConfig({ app: { name: 'Bad Name', start: 'x' }, environments: { local: { target: 'local' } } }, '/c.yaml'),
      (e) => e instanceof ConfigError && e.key === 'config.invalid' && e.place === '/c.yaml app.name' && /lower-case/.test(e.text()),
    );
    assert.throws(
      () => validateConfig({ app: { name: 'ok', start: 'x' } }, '/c.yaml'),
      (e) => e instanceof ConfigError && e.key === 'config.missing' && e.place === '/c.yaml environments',
    );
    assert.throws(
      () => validateConfig({ app: { name: 'ok', start: 'x' }, environments: { local: { port: 1 } } }, '/c.yaml'),
      (e) => e instanceof ConfigError && e.key === 'config.badTarget' && e.place === '/c.yaml environments.local.target' && e.params.value === '(missing)',
    );
  });

  test('nearest / editDistance', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(nearest('heathPath', ['name', 'healthPath', 'port'], { ignoreCase: true }), 'healthPath');
    assert.equal(nearest('PORT', ['name', 'port'], { ignoreCase: true }), 'port');
    assert.equal(nearest('completely', ['name', 'port'], { ignoreCase: true }), undefined);
    assert.equal(nearest('DB_USERNAME', ['DB_HOST', 'DB_USER', 'PORT'], { ratio: 0.45 }), 'DB_USER');
  });

  test('decodeUtf8 / firstInvalidUtf8 / lineOfByte', () => {
    assert.deepEqual(decodeUtf8(Buffer.from('a: 中文\n')), { ok: true, text: 'a: 中文\n' });
    assert.deepEqual(decodeUtf8(Buffer.from([0xfe, 0xff, 0, 0x61])), { ok: false, encoding: 'utf-16be', byteOffset: 0 });
    const bad = Buffer.from([0x61, 0x0a, 0x62, 0xff, 0x63]);
    assert.equal(firstInvalidUtf8(bad), 3);
    assert.equal(lineOfByte(bad, 3), 2);
    assert.equal(firstInvalidUtf8(Buffer.from('ok ✓')), -1);
    assert.equal(firstInvalidUtf8(Buffer.from([0xe4, 0xb8])), 0, 'truncated sequence');
    const v = decodeUtf8(Buffer.from([0x61, 0xff]));
    assert.ok(!v.ok && v.encoding === 'unknown' && v.byteOffset === 1);
  });
});
