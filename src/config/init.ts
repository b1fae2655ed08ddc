/**
 * `slipway init`: look at an app directory (package.json scripts, port, health route,
 * environment variables it reads, migrations) and write a starting slipway.yaml.
 */
import { readFile, writeFile, access, readdir } from 'node:fs/promises';
import path from 'node:path';
import { SlipwayError } from '../engine/errors.js';
import { t } from '../engine/i18n.js';

export interface InitResult {
  file: string;
  notes: string[];
}

const DB_NAMES = new Set(['DB_HOST', 'DB_PORT', 'DB_NAME', 'DB_USER', 'DB_PASSWORD', 'DATABASE_URL', 'PORT', 'NODE_ENV', 'HOST', 'PGSSLMODE', 'PGSSLROOTCERT']);
const SECRET_HINT = /(SECRET|PASSWORD|TOKEN|KEY|PRIVATE|CREDENTIAL)/;

async function exists(p: string): Promise<boolean> {
  return access(p).then(() => true, () => false);
}

async function grepSources(dir: string, re: RegExp): Promise<RegExpExecArray | undefined> {
  for (const sub of ['src', '.']) {
    let names: string[] = [];
    try {
      names = await readdir(path.join(dir, sub));
    } catch {
      continue;
    }
    for (const n of names.filter((x) => /\.(ts|js|mjs|cjs)$/.test(x))) {
      const text = await readFile(path.join(dir, sub, n), 'utf8').catch(() => '');
      const m = re.exec(text);
      if (m) return m;
    }
  }
  return undefined;
}

export async function initConfig(dirArg: string, opts: { force: boolean }): Promise<InitResult> {
  const dir = path.resolve(dirArg);
  const file = path.join(dir, 'slipway.yaml');
  if (!opts.force && (await exists(file))) throw new SlipwayError({ key: 'init.exists', params: { file }, place: file, fix: 'init.exists.fix', exitCode: 2 });
  let pkg: { name?: string; scripts?: Record<string, string> } = {};
  try {
    pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as typeof pkg;
  } catch {
    throw new SlipwayError({ key: 'init.noPackage', params: { dir }, place: dir, fix: 'init.noPackage.fix', exitCode: 2 });
  }
  const notes: string[] = [];
  const scripts = pkg.scripts ?? {};
  const name = (pkg.name ?? path.basename(dir)).replace(/^@[^/]+\//, '').toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^[^a-z]+/, '').slice(0, 40) || 'app';
  const portMatch = await grepSources(dir, /(?<![A-Z_])PORT\b[^\n]{0,20}?(?:\?\?|\|\||:)\s*['"]?(\d{2,5})\b/);
  const port = portMatch ? Number(portMatch[1]) : 3000;
  const health = (await grepSources(dir, /['"`](\/(?:api\/)?health[a-z]*)['"`]/))?.[1] ?? '/health';
  const hasMigrations = (await exists(path.join(dir, 'migrations'))) || !!scripts.migrate;
  let names: string[] = [];
  let required = new Set<string>();
  try {
    const { scanApp, consumedByRuntime } = await import('../checks/envcontract/contract.js');
    const reads = (await scanApp(dir)).reads;
    names = [...new Set(reads.map((r) => r.name))];
    // Only what the app needs without a fallback goes into the config; the rest are optional.
    required = new Set(reads.filter((r) => !r.fallback && !consumedByRuntime(r.name)).map((r) => r.name));
  } catch {
    notes.push(t('init.noScan'));
  }
  const own = names.filter((n) => !DB_NAMES.has(n) && required.has(n));
  const secrets = own.filter((n) => SECRET_HINT.test(n));
  const plain = own.filter((n) => !SECRET_HINT.test(n));
  const usesDb = names.some((n) => n.startsWith('DB_') || n === 'DATABASE_URL') || hasMigrations;
  const start = scripts.start && !/(nodemon|ts-node|--watch|vite|next dev)/.test(scripts.start) ? (scripts.start.startsWith('node ') ? scripts.start : 'npm start') : 'npm start';
  const lines = [
    '# yaml-language-server: $schema=https://unpkg.com/slipway/schema/slipway.schema.json',
    '# Written by `slipway init`; see docs/configuration.md.',
    'app:',
    `  name: ${name}`,
    '  dir: .',
    ...(scripts.build ? ['  build: npm run build'] : []),
    `  start: ${start}`,
    `  port: ${port}`,
    `  healthPath: ${health}`,
    ...(usesDb ? ['database:', '  version: 15', `  name: ${name.replace(/-/g, '_')}`, `  user: ${name.replace(/-/g, '_')}`, ...(scripts.migrate ? ['  migrate: npm run migrate'] : [])] : []),
    'env:',
    '  NODE_ENV: production',
    ...plain.map((n) => `  ${n}: ""   # TODO: set a value`),
    ...(secrets.length ? ['secrets:', ...secrets.map((n) => `  - ${n}`)] : ['secrets: []']),
    'verify:',
    `  - path: ${health}`,
    '    status: 200',
    'environments:',
    '  local:',
    '    target: local',
    '    port: 8080',
    '',
  ];
  await writeFile(file, lines.join('\n'), 'utf8');
  notes.push(t('init.found', { port, health, secrets: secrets.join(', ') || '-', plain: plain.join(', ') || '-' }));
  if (secrets.length) notes.push(t('init.secretsHint', { file: '.env.local' }));
  return { file, notes };
}
