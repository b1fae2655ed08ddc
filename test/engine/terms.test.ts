/**
 * One Chinese term per concept across every catalog: 修复 for "fix" (never 解决办法),
 * 发布 for "release" (版本 only where the English says version or revision), and no
 * "0 小时前"-style relative times.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setLang, type Catalog } from '../../src/engine/i18n.js';
import { ago } from '../../src/engine/time.js';

const MESSAGES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/engine/messages');
/** Messages where 版本 is a version although the English does not say the word. */
const VERSION_MEANT = new Set(['aws.import.badDump.fix', 'checks.app.lockOk', 'checks.app.enginesUnknown.fix']);
const entries: { key: string; en: string; zh: string }[] = [];
before(async () => {
  for (const f of readdirSync(MESSAGES).filter((f) => f.endsWith('.ts'))) {
    const mod = (await import(pathToFileURL(path.join(MESSAGES, f)).href)) as Record<string, unknown>;
    for (const v of Object.values(mod)) {
      if (!v || typeof v !== 'object') continue;
      for (const [key, m] of Object.entries(v as Catalog)) {
        if (m && typeof m === 'object' && typeof m.en === 'string' && typeof m['zh-CN'] === 'string') entries.push({ key, en: m.en, zh: m['zh-CN'] });
      }
    }
  }
});

describe('zh-CN terminology over every catalog in src/engine/messages', () => {
  test('catalogs were read (more than 300 messages)', () => {
    assert.ok(entries.length > 300, String(entries.length));
  });

  test('"fix" is 修复: no zh-CN message says 解决办法, and the CLI label cli.fix is 修复', () => {
    const bad = entries.filter((e) => e.zh.includes('解决办法')).map((e) => `${e.key}: ${e.zh}`);
    assert.deepEqual(bad, []);
    assert.equal(entries.find((e) => e.key === 'cli.fix')?.zh, '修复');
  });

  test('"release" is 发布: 版本 appears only in messages whose English says version or revision', () => {
    const bad = entries.filter((e) => e.zh.includes('版本') && !/version|revision/i.test(e.en) && !VERSION_MEANT.has(e.key)).map((e) => `${e.key}: ${e.en} | ${e.zh}`);
    assert.deepEqual(bad, []);
  });

  test('no relative time is built as "{n} 小时前"/"{n} h old" (0 would read "0 小时前"); under a minute is 刚刚 / just now', () => {
    const bad = entries.filter((e) => !e.key.startsWith('time.') && /\{\w+\}\s*小时前/.test(e.zh)).map((e) => `${e.key}: ${e.zh}`);
    assert.deepEqual(bad, []);
    const justNow = entries.find((e) => e.key === 'time.justNow');
    assert.deepEqual(justNow && [justNow.en, justNow.zh], ['just now', '刚刚']);
  });

  test('ago(): 0 and 59 s are 刚刚 (just now), 5 min is "5 分钟前", 3 h is "3 小时前"', () => {
    setLang('zh-CN');
    try {
      assert.deepEqual([ago(0), ago(59_000), ago(5 * 60_000), ago(3 * 3_600_000)], ['刚刚', '刚刚', '5 分钟前', '3 小时前']);
      setLang('en');
      assert.equal(ago(0), 'just now');
    } finally {
      setLang('en');
    }
  });
});
