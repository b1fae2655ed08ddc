/**
 * Find, read, decode, parse and validate the configuration. Every failure becomes a
 * ConfigError naming the file, the line, the config path, the bad value and a fix.
 */
import { readFile, access, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { ConfigError } from '../engine/errors.js';
import { configSchema, type SlipwayConfig } from './schema.js';
import { decodeUtf8, lineOfByte } from './encoding.js';
import { nearest } from '../engine/text.js';
import { checkConsistency } from './consistency.js';
import { formatPath } from './path.js';
import type { RawConfig } from './yaml-file.js';

export { formatPath };

export const CONFIG_FILES = ['slipway.config.ts', 'slipway.config.mjs', 'slipway.config.js', 'slipway.yaml', 'slipway.yml'] as const;

export interface LoadedConfig {
  config: SlipwayConfig;
  file: string;
  dir: string;
}

export async function findConfigFile(cwd: string): Promise<string> {
  for (const name of CONFIG_FILES) {
    const p = path.join(cwd, name);
    try {
      await access(p);
      return p;
    } catch {
      /* try the next name */
    }
  }
  throw new ConfigError({ key: 'config.notFound', params: { dir: cwd }, place: cwd, fix: 'config.notFound.fix' });
}

export async function loadConfig(opts: { file?: string; cwd?: string } = {}): Promise<LoadedConfig> {
  const cwd = opts.cwd ?? process.cwd();
  const file = opts.file ? path.resolve(cwd, opts.file) : await findConfigFile(cwd);
  const raw = /\.(ya?ml)$/i.test(file) ? await readYamlFile(file) : await importConfigModule(file);
  const config = validateConfig(raw.value, file, raw.locate);
  await checkAppDir(config, file, raw.locate);
  return { config, file, dir: path.dirname(file) };
}

async function checkAppDir(config: SlipwayConfig, file: string, locate: RawConfig['locate']): Promise<void> {
  const dir = path.resolve(path.dirname(file), config.app.dir);
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (isDir) return;
  const line = locate(['app', 'dir']);
  throw new ConfigError({
    key: 'config.appDirMissing',
    params: { value: JSON.stringify(config.app.dir), dir },
    place: line ? `${file}:${line} app.dir` : `${file} app.dir`,
    fix: 'config.appDirMissing.fix',
  });
}

export async function readUtf8File(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError({
      key: code === 'ENOENT' ? 'config.fileMissing' : 'config.fileUnreadable',
      params: { file, reason: code ?? String(e) },
      place: file,
      fix: code === 'ENOENT' ? 'config.fileMissing.fix' : 'config.fileUnreadable.fix',
    });
  }
  const verdict = decodeUtf8(bytes);
  if (!verdict.ok) {
    const line = verdict.byteOffset >= 0 ? lineOfByte(bytes, verdict.byteOffset) : 1;
    throw new ConfigError({
      key: 'config.notUtf8',
      params: { file, encoding: verdict.encoding.toUpperCase(), line },
      place: `${file}:${line}`,
      fix: 'config.notUtf8.fix',
      fixParams: { file, from: verdict.encoding === 'unknown' ? 'GBK' : verdict.encoding.toUpperCase() },
    });
  }
  return verdict.text;
}

async function readYamlFile(file: string): Promise<RawConfig> {
  const text = await readUtf8File(file);
  // Its own module, loaded only for YAML configs (a static import, so the bundled CLI sees yaml's named exports).
  const { parseYamlConfig } = await import('./yaml-file.js');
  return parseYamlConfig(text, file);
}

async function importConfigModule(file: string): Promise<RawConfig> {
  try {
    let mod: { default?: unknown };
    if (file.endsWith('.ts')) {
      const { createJiti } = await import('jiti');
      const jiti = createJiti(import.meta.url, { moduleCache: false });
      mod = (await jiti.import(file)) as { default?: unknown };
    } else {
      mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    }
    const value = mod.default ?? mod;
    return { value: typeof value === 'function' ? await (value as () => unknown)() : value, locate: () => undefined };
  } catch (e) {
    throw new ConfigError({
      key: 'config.moduleFailed',
      params: { file, reason: e instanceof Error ? e.message.split('\n')[0] : String(e) },
      place: file,
      fix: 'config.moduleFailed.fix',
    });
  }
}

export function validateConfig(value: unknown, file: string, locate: RawConfig['locate'] = () => undefined): SlipwayConfig {
  const result = configSchema.safeParse(value);
  if (result.success) {
    checkConsistency(result.data, file, locate);
    return result.data;
  }
  const issue = pickIssue(result.error.issues);
  throw issueToError(issue, value, file, locate);
}

type Issue = z.core.$ZodIssue;

/**
 * The most useful issue first: a misspelled key beats the "missing" it causes, and a
 * missing or wrong key beats the union summary.
 */
function pickIssue(issues: readonly Issue[]): Issue {
  const unknown = issues.find((i) => i.code === 'unrecognized_keys');
  if (unknown) return unknown;
  for (const i of issues) {
    if (i.code === 'invalid_union' && 'errors' in i && i.errors.length) {
      const inner = i.errors.flat();
      if (inner.length) return { ...pickIssue(inner), path: [...i.path, ...pickIssue(inner).path] } as Issue;
    }
  }
  return issues[0]!;
}

function getAt(value: unknown, p: readonly PropertyKey[]): unknown {
  let cur: unknown = value;
  for (const k of p) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k as string];
  }
  return cur;
}

function show(v: unknown): string {
  if (v === undefined) return '(missing)';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function issueToError(issue: Issue, value: unknown, file: string, locate: RawConfig['locate']): ConfigError {
  let p: PropertyKey[] = [...issue.path];
  let key = 'config.invalid';
  let fix = 'config.invalid.fix';
  const params: Record<string, string | number> = { detail: issue.message };
  if (issue.code === 'unrecognized_keys') {
    const bad = issue.keys[0]!;
    p = [...p, bad];
    key = 'config.unknownKey';
    const known = knownKeys(issue.path, value);
    const suggestion = nearest(bad, known, { ignoreCase: true });
    fix = suggestion ? 'config.unknownKey.fix' : 'config.unknownKey.fixPlain';
    params.key = bad;
    params.suggestion = suggestion ?? '';
    params.known = known.join(', ');
  } else if (issue.code === 'invalid_type' && getAt(value, p) === undefined) {
    key = 'config.missing';
    fix = 'config.missing.fix';
    params.expected = issue.expected;
  } else if (issue.code === 'invalid_type') {
    key = 'config.wrongType';
    fix = 'config.wrongType.fix';
    params.expected = issue.expected;
  } else if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator && misspelledDiscriminator(value, issue.path, issue.discriminator)) {
    // `taget: aws`: the discriminator is missing because its key is misspelled.
    const parent = issue.path[issue.path.length - 1] === issue.discriminator ? issue.path.slice(0, -1) : issue.path;
    const bad = misspelledDiscriminator(value, issue.path, issue.discriminator)!;
    p = [...parent, bad];
    key = 'config.unknownKey';
    fix = 'config.unknownKey.fix';
    params.key = bad;
    params.suggestion = issue.discriminator;
    params.known = knownKeys(parent, value, String((getAt(value, parent) as Record<string, unknown>)[bad])).join(', ');
  } else if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    if (p[p.length - 1] !== issue.discriminator) p = [...p, issue.discriminator];
    key = 'config.badTarget';
    fix = 'config.badTarget.fix';
  } else if (issue.code === 'invalid_value') {
    key = 'config.badValue';
    fix = 'config.badValue.fix';
    params.allowed = issue.values.map((v) => JSON.stringify(v)).join(', ');
  }
  const where = formatPath(p);
  const line = locate(p);
  params.path = where;
  params.value = show(getAt(value, p));
  params.file = file;
  return new ConfigError({
    key,
    params,
    place: line ? `${file}:${line} ${where}` : `${file} ${where}`,
    fix,
    fixParams: params,
  });
}

/** The key of an object that is a misspelling of its missing discriminator (`taget` for `target`). */
function misspelledDiscriminator(value: unknown, issuePath: readonly PropertyKey[], discriminator: string): string | undefined {
  const parent = issuePath[issuePath.length - 1] === discriminator ? issuePath.slice(0, -1) : issuePath;
  const obj = getAt(value, parent);
  if (obj === null || typeof obj !== 'object' || discriminator in obj) return undefined;
  const keys = Object.keys(obj);
  return keys.find((k) => nearest(discriminator, [k], { ignoreCase: true }) !== undefined);
}

/** Keys the schema allows at a path (used for "did you mean"). */
function knownKeys(p: readonly PropertyKey[], value: unknown, targetOverride?: string): string[] {
  let schema: unknown = configSchema;
  for (const k of p) {
    const def = (schema as { def?: Record<string, unknown> }).def;
    if (!def) return [];
    if (def.type === 'object') schema = (def.shape as Record<string, unknown>)[k as string];
    else if (def.type === 'record') schema = def.valueType;
    else if (def.type === 'array') schema = def.element;
    else return [];
    schema = unwrap(schema);
    const d = (schema as { def?: Record<string, unknown> }).def;
    if (d?.type === 'union') {
      const target = targetOverride ?? (getAt(value, [...p.slice(0, p.indexOf(k) + 1)]) as { target?: string } | undefined)?.target;
      const opts = d.options as { def: { type?: string; shape?: Record<string, { def: { values?: unknown[] } }> } }[];
      // The environment union by its target; another union (a list or an object) by its object form.
      schema = opts.find((o) => o.def.shape?.target?.def.values?.includes(target)) ?? opts.find((o) => o.def.type === 'object') ?? opts[0];
    }
  }
  const def = (unwrap(schema) as { def?: { type?: string; shape?: Record<string, unknown> } }).def;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function unwrap(s: unknown): unknown {
  let cur = s as { def?: { type?: string; innerType?: unknown } };
  while (cur?.def && (cur.def.type === 'optional' || cur.def.type === 'default' || cur.def.type === 'nullable')) {
    cur = cur.def.innerType as typeof cur;
  }
  return cur;
}
