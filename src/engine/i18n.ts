/**
 * Message catalog lookup. Every user-facing string lives in `messages/*.ts` with an
 * `en` and a `zh-CN` text; `{name}` placeholders are filled from params.
 */
import { core } from './messages/core.js';
import { cli } from './messages/cli.js';
import { local } from './messages/local.js';

export type Lang = 'en' | 'zh-CN';
export type MessageParams = Record<string, string | number | boolean | undefined | null>;
import type { Catalog, Message } from './messages/catalog.js';

export type { Catalog, Message } from './messages/catalog.js';

const catalogs: Catalog[] = [core, cli, local];
const loaded = new Set<Catalog>(catalogs);
let current: Lang = detectLang(process.env);

/** Add an area's catalog (areas register lazily so the CLI starts fast). */
export function registerCatalog(catalog: Catalog): void {
  if (loaded.has(catalog)) return;
  loaded.add(catalog);
  catalogs.push(catalog);
}

export function detectLang(env: NodeJS.ProcessEnv): Lang {
  const raw = env.SLIPWAY_LANG || env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return normalizeLang(raw) ?? 'en';
}

export function normalizeLang(raw: string): Lang | undefined {
  const v = raw.toLowerCase();
  if (v.startsWith('zh')) return 'zh-CN';
  if (v.startsWith('en') || v === 'c' || v.startsWith('c.') || v === 'posix') return 'en';
  return undefined;
}

export function setLang(lang: Lang): void {
  current = lang;
}
export function getLang(): Lang {
  return current;
}

function lookup(key: string): Message | undefined {
  for (let i = catalogs.length - 1; i >= 0; i--) {
    const m = catalogs[i]![key];
    if (m) return m;
  }
  return undefined;
}

export function hasMessage(key: string): boolean {
  return lookup(key) !== undefined;
}

/** Translate `key` into the current (or given) language. Unknown keys show as themselves. */
export function t(key: string, params: MessageParams = {}, lang: Lang = current): string {
  const m = lookup(key);
  const text = m ? m[lang] : key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined || v === null ? whole : String(v);
  });
}

/** All catalogs, for the completeness test. */
export function allCatalogs(): readonly Catalog[] {
  return catalogs;
}
