import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { allCatalogs, detectLang, getLang, hasMessage, normalizeLang, registerCatalog, setLang, t, type Catalog } from '../../src/engine/i18n.js';
import { checks } from '../../src/engine/messages/checks.js';
import { core } from '../../src/engine/messages/core.js';
import { cli } from '../../src/engine/messages/cli.js';
import { local } from '../../src/engine/messages/local.js';
import { SlipwayError } from '../../src/engine/errors.js';

const MESSAGES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/engine/messages');
const initial = getLang();
/** Every catalog exported by a file in src/engine/messages (some areas register lazily). */
const fileCatalogs: { file: string; name: string; catalog: Catalog }[] = [];
before(async () => {
  for (const f of readdirSync(MESSAGES).filter((f) => f.endsWith('.ts')).sort()) {
    const mod = (await import(pathToFileURL(path.join(MESSAGES, f)).href)) as Record<string, unknown>;
    for (const [name, v] of Object.entries(mod)) {
      if (v && typeof v === 'object' && Object.values(v).every((m) => m && typeof m === 'object' && 'en' in m)) {
        fileCatalogs.push({ file: f, name, catalog: v as Catalog });
        registerCatalog(v as Catalog);
      }
    }
  }
});
after(() => setLang(initial));

const placeholders = (s: string) => [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();
const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]/;
/**
 * Whether a text has words to translate: anything left after removing placeholders,
 * `code` and upper-case acronyms (`AWS`, `GET {path} → {status}` are the same in both).
 */
const needsTranslation = (en: string) => /[a-z]{2,}/.test(en.replace(/\{\w+\}/g, '').replace(/`[^`]*`/g, ''));
const KNOWN_ISSUES = new Set<string>();

describe('message catalogs', () => {
  test('every catalog file is found and registered', () => {
    const all = allCatalogs();
    for (const c of [core, cli, local, checks]) assert.ok(all.includes(c));
    assert.ok(fileCatalogs.length >= 4, fileCatalogs.map((c) => c.file).join());
    for (const c of fileCatalogs) assert.ok(all.includes(c.catalog), `${c.file}: ${c.name}`);
  });

  test('every message has non-empty en and zh-CN with the same placeholders; zh-CN is Chinese', () => {
    const problems: string[] = [];
    let count = 0;
    for (const catalog of allCatalogs()) {
      for (const [key, m] of Object.entries(catalog)) {
        count++;
        if (typeof m.en !== 'string' || !m.en.trim()) problems.push(`${key}: empty en`);
        if (typeof m['zh-CN'] !== 'string' || !m['zh-CN'].trim()) problems.push(`${key}: empty zh-CN`);
        if (!m.en || !m['zh-CN']) continue;
        const pe = placeholders(m.en);
        const pz = placeholders(m['zh-CN']);
        if (pe.join() !== pz.join()) problems.push(`${key}: placeholders en {${pe.join(',')}} vs zh-CN {${pz.join(',')}}`);
        if (needsTranslation(m.en) && !CJK.test(m['zh-CN'])) problems.push(`${key}: zh-CN has no Chinese text: ${m['zh-CN']}`);
      }
    }
    assert.ok(count > 50, `expected many messages, found ${count}`);
    assert.deepEqual(
      problems.filter((p) => !KNOWN_ISSUES.has(p)),
      [],
    );
  });

  test('a key defined in two catalogs has the same text (no silent override)', () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const catalog of allCatalogs()) {
      for (const [key, m] of Object.entries(catalog)) {
        const prev = seen.get(key);
        if (prev !== undefined && prev !== m.en) clashes.push(key);
        seen.set(key, m.en);
      }
    }
    assert.deepEqual(clashes, []);
  });

  test('the error keys raised by config, secrets and the lock have a fix message', () => {
    for (const k of ['config.notFound', 'config.notUtf8', 'config.yamlSyntax', 'config.unknownKey', 'config.missing', 'config.wrongType', 'config.badTarget', 'lock.held', 'secrets.missing']) {
      assert.ok(hasMessage(k), k);
      assert.ok(hasMessage(`${k}.fix`), `${k}.fix`);
    }
  });
});

describe('language detection', () => {
  test('normalizeLang', () => {
    assert.equal(normalizeLang('zh-CN'), 'zh-CN');
    assert.equal(normalizeLang('zh_CN.UTF-8'), 'zh-CN');
    assert.equal(normalizeLang('ZH'), 'zh-CN');
    assert.equal(normalizeLang('zh_TW'), 'zh-CN');
    assert.equal(normalizeLang('en'), 'en');
    assert.equal(normalizeLang('en_US.UTF-8'), 'en');
    assert.equal(normalizeLang('C'), 'en');
    assert.equal(normalizeLang('C.UTF-8'), 'en');
    assert.equal(normalizeLang('POSIX'), 'en');
    assert.equal(normalizeLang('fr_FR.UTF-8'), undefined);
    assert.equal(normalizeLang(''), undefined);
  });

  test('detectLang: SLIPWAY_LANG, then LC_ALL, LC_MESSAGES, LANG; default en', () => {
    assert.equal(detectLang({}), 'en');
    assert.equal(detectLang({ LANG: 'zh_CN.UTF-8' }), 'zh-CN');
    assert.equal(detectLang({ LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' }), 'zh-CN');
    assert.equal(detectLang({ LC_ALL: 'en_US.UTF-8', LC_MESSAGES: 'zh_CN', LANG: 'zh_CN' }), 'en');
    assert.equal(detectLang({ SLIPWAY_LANG: 'zh-CN', LC_ALL: 'en_US.UTF-8', LANG: 'en_US.UTF-8' }), 'zh-CN');
    assert.equal(detectLang({ SLIPWAY_LANG: 'en', LANG: 'zh_CN.UTF-8' }), 'en');
    assert.equal(detectLang({ SLIPWAY_LANG: '', LANG: 'zh_CN.UTF-8' }), 'zh-CN', 'an empty variable is skipped');
    assert.equal(detectLang({ LANG: 'de_DE.UTF-8' }), 'en', 'unsupported languages fall back to en');
  });
});

describe('t()', () => {
  test('interpolates params in the current or given language', () => {
    setLang('en');
    assert.equal(t('config.fileMissing', { file: '/x/slipway.yaml' }), 'The configuration file /x/slipway.yaml does not exist.');
    assert.equal(t('config.fileMissing', { file: '/x/slipway.yaml' }, 'zh-CN'), '配置文件 /x/slipway.yaml 不存在。');
    setLang('zh-CN');
    assert.equal(getLang(), 'zh-CN');
    assert.equal(t('config.fileMissing', { file: 'a.yaml' }), '配置文件 a.yaml 不存在。');
    setLang('en');
  });

  test('numbers and booleans are stringified; every occurrence is filled', () => {
    registerCatalog({ 'test.i18n.multi': { en: '{n} of {n} ok={ok}', 'zh-CN': '{n} / {n} 成功={ok}' } });
    assert.equal(t('test.i18n.multi', { n: 3, ok: false }, 'en'), '3 of 3 ok=false');
    assert.equal(t('test.i18n.multi', { n: 0, ok: true }, 'zh-CN'), '0 / 0 成功=true');
  });

  test('missing, undefined and null params stay visible as placeholders', () => {
    assert.equal(t('config.yamlSyntax', { file: 'f', line: 1, col: undefined, reason: null }, 'en'), 'YAML syntax error in f at line 1, column {col}: {reason}');
  });

  test('unknown keys show as themselves (and are still interpolated)', () => {
    assert.equal(hasMessage('no.such.key'), false);
    assert.equal(t('no.such.key'), 'no.such.key');
    assert.equal(t('no.such.{x}', { x: 'y' }), 'no.such.y');
  });

  test('a later catalog overrides an earlier one; registering twice is a no-op', () => {
    const a: Catalog = { 'test.i18n.override': { en: 'first', 'zh-CN': '第一' } };
    const b: Catalog = { 'test.i18n.override': { en: 'second', 'zh-CN': '第二' } };
    registerCatalog(a);
    registerCatalog(b);
    const len = allCatalogs().length;
    registerCatalog(a);
    assert.equal(allCatalogs().length, len);
    assert.equal(t('test.i18n.override', {}, 'en'), 'second');
  });

  test('SlipwayError keeps an English message and translates text() and fixText()', () => {
    const e = new SlipwayError({ key: 'config.fileMissing', params: { file: 'a.yaml' }, fix: 'config.fileMissing.fix', exitCode: 2 });
    setLang('zh-CN');
    try {
      assert.equal(e.message, 'The configuration file a.yaml does not exist.');
      assert.equal(e.text(), '配置文件 a.yaml 不存在。');
      assert.match(e.fixText()!, /--config/);
      assert.ok(CJK.test(e.fixText()!));
      assert.deepEqual(e.toJSON(), { code: 'config.fileMissing', message: '配置文件 a.yaml 不存在。', fix: e.fixText(), exitCode: 2 });
    } finally {
      setLang('en');
    }
  });
});
