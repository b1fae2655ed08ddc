/**
 * `slipway init`: look at an app directory (package.json scripts, lockfile, port, health
 * route, environment variables it reads, migrations) and write a starting slipway.yaml
 * with one environment (local, or ssh with `--target ssh --host user@vm`).
 */
import { readFile, writeFile, access } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { SlipwayError } from '../engine/errors.js';
import { t } from '../engine/i18n.js';
import { detectHealth, detectMigrations, detectPackageManager, detectPort, type AppPackage, type PackageManager } from '../config/detect.js';
import { sshAddressSchema } from '../config/schema.js';

export interface InitOptions {
  force: boolean;
  /** The environment's target (default local). */
  target?: 'local' | 'ssh';
  /** The VM for `target: ssh` (`deploy@203.0.113.10`). */
  host?: string;
  /** The environment's name (default: the target's name, `production` for ssh). */
  env?: string;
}

/** What init found in the app, as written into the config. */
export interface InitFound {
  port: number;
  healthPath: string;
  packageManager: PackageManager;
  lockfile?: string;
  migrate?: string;
  migrationTool?: string;
  env: string[];
  secrets: string[];
  testOnly: string[];
  stablePort: number;
}

export interface InitResult {
  file: string;
  environment: string;
  found: InitFound;
  notes: string[];
}

const DB_NAMES = new Set(['DB_HOST', 'DB_PORT', 'DB_NAME', 'DB_USER', 'DB_PASSWORD', 'DATABASE_URL', 'PORT', 'NODE_ENV', 'HOST', 'PGSSLMODE', 'PGSSLROOTCERT']);
const SECRET_HINT = /(SECRET|PASSWORD|TOKEN|KEY|PRIVATE|CREDENTIAL)/;
const DB_DEPS = /^(pg|postgres|knex|drizzle-orm|typeorm|sequelize|@prisma\/client|prisma|node-pg-migrate|slonik|pg-promise|kysely)$/;

const exists = (p: string): Promise<boolean> => access(p).then(() => true, () => false);

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A stable port: 8080 when free, else the next free one (never the app's own port). */
async function stablePort(appPort: number): Promise<number> {
  for (let p = 8080; p < 8180; p++) if (p !== appPort && (await portFree(p))) return p;
  return 8080;
}

/** Add `.slipway/` and `.env.*` to the app's .gitignore (created when missing). */
async function ignoreState(dir: string): Promise<string[]> {
  const file = path.join(dir, '.gitignore');
  const text = await readFile(file, 'utf8').catch(() => '');
  const lines = new Set(text.split(/\r?\n/).map((l) => l.trim()));
  const add = ['.slipway/', '.env.*'].filter((l) => !lines.has(l) && !lines.has(l.replace(/\/$/, '')) && !lines.has(`/${l}`));
  if (add.length) await writeFile(file, `${text}${text && !text.endsWith('\n') ? '\n' : ''}${add.join('\n')}\n`, 'utf8');
  return add;
}

function startCommand(scripts: Record<string, string>): string {
  const prod = scripts['start:prod'];
  if (prod?.startsWith('node ')) return prod;
  const start = scripts.start;
  if (start && !/(nodemon|ts-node|--watch|vite|next dev|nest start)/.test(start)) return start.startsWith('node ') ? start : 'npm start';
  return prod ? 'npm run start:prod' : 'npm start';
}

function environmentLines(name: string, o: InitOptions, port: number): string[] {
  if (o.target !== 'ssh') return [`  ${name}:`, '    target: local', `    port: ${port}`];
  return [`  ${name}:`, '    target: ssh', `    host: ${o.host!}`, `    port: ${port}`, '    database:', '      mode: managed'];
}

export async function initConfig(dirArg: string, opts: InitOptions): Promise<InitResult> {
  const dir = path.resolve(dirArg);
  const file = path.join(dir, 'slipway.yaml');
  if (opts.target === 'ssh' && (!opts.host || !sshAddressSchema.safeParse(opts.host).success)) {
    throw new SlipwayError({ key: 'init.sshHost', params: { host: opts.host ?? '' }, fix: 'init.sshHost.fix', exitCode: 2 });
  }
  if (!opts.force && (await exists(file))) throw new SlipwayError({ key: 'init.exists', params: { file }, place: file, fix: 'init.exists.fix', exitCode: 2 });
  let pkg: AppPackage = {};
  try {
    pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as AppPackage;
  } catch {
    throw new SlipwayError({ key: 'init.noPackage', params: { dir }, place: dir, fix: 'init.noPackage.fix', exitCode: 2 });
  }
  const notes: string[] = [];
  const scripts = pkg.scripts ?? {};
  const name = (pkg.name ?? path.basename(dir)).replace(/^@[^/]+\//, '').toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^[^a-z]+/, '').slice(0, 40) || 'app';
  const port = (await detectPort(dir)) ?? 3000;
  const health = await detectHealth(dir);
  const { pm, lockfile } = await detectPackageManager(dir, pkg);
  const migration = await detectMigrations(dir, pkg);
  let names: string[] = [];
  let required = new Set<string>();
  let testOnly: string[] = [];
  try {
    const { scanApp, consumedByRuntime } = await import('../checks/envcontract/contract.js');
    const reads = (await scanApp(dir)).reads;
    names = [...new Set(reads.map((r) => r.name))];
    // Only what the app needs without a fallback (and outside NODE_ENV=test) goes into the config.
    required = new Set(reads.filter((r) => !r.fallback && !r.testOnly && !consumedByRuntime(r.name)).map((r) => r.name));
    testOnly = [...new Set(reads.filter((r) => r.testOnly).map((r) => r.name))].filter((n) => !reads.some((r) => r.name === n && !r.testOnly));
  } catch {
    notes.push(t('init.noScan'));
  }
  const own = names.filter((n) => !DB_NAMES.has(n) && required.has(n));
  const secrets = own.filter((n) => SECRET_HINT.test(n));
  const plain = own.filter((n) => !SECRET_HINT.test(n));
  const deps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
  const usesDb = names.some((n) => n.startsWith('DB_') || n === 'DATABASE_URL') || !!migration || deps.some((d) => DB_DEPS.test(d));
  const envName = opts.env ?? (opts.target === 'ssh' ? 'production' : 'local');
  const stable = opts.target === 'ssh' ? 8080 : await stablePort(port);
  const dbName = name.replace(/-/g, '_');
  const lines = [
    '# yaml-language-server: $schema=https://unpkg.com/slipway/schema/slipway.schema.json',
    '# Written by `slipway init`; see docs/configuration.md.',
    'app:',
    `  name: ${name}`,
    '  dir: .',
    ...(scripts.build ? ['  build: npm run build'] : []),
    `  start: ${startCommand(scripts)}`,
    `  port: ${port}`,
    `  healthPath: ${health.path}`,
    ...(usesDb ? ['database:', '  version: 15', `  name: ${dbName}`, `  user: ${dbName}`, ...(migration?.command ? [`  migrate: ${migration.command}`] : [])] : []),
    'env:',
    '  NODE_ENV: production',
    ...plain.map((n) => `  ${n}: ""   # TODO: set a value`),
    ...(secrets.length ? ['secrets:', ...secrets.map((n) => `  - ${n}`)] : ['secrets: []']),
    'verify:',
    `  - path: ${health.path}`,
    '    status: 200',
    'environments:',
    ...environmentLines(envName, opts, stable),
    '',
  ];
  await writeFile(file, lines.join('\n'), 'utf8');
  const ignored = await ignoreState(dir);
  notes.push(t('init.found', { port, health: health.path, secrets: secrets.join(', ') || '-', plain: plain.join(', ') || '-' }));
  notes.push(t('init.packageManager', { pm, lockfile: lockfile ?? '-' }));
  if (migration?.command) notes.push(t('init.migrate', { tool: migration.tool, command: migration.command }));
  else if (migration) notes.push(t('init.migrateUnknown', { tool: migration.tool }));
  if (!health.found) notes.push(t('init.noHealth', { path: health.path }));
  if (testOnly.length) notes.push(t('init.testOnly', { names: testOnly.join(', ') }));
  if (ignored.length) notes.push(t('init.gitignore', { entries: ignored.join(', ') }));
  if (secrets.length) notes.push(t('init.secretsHint', { file: `.env.${envName}` }));
  return {
    file,
    environment: envName,
    found: { port, healthPath: health.path, packageManager: pm, ...(lockfile ? { lockfile } : {}), ...(migration?.command ? { migrate: migration.command } : {}), ...(migration ? { migrationTool: migration.tool } : {}), env: plain, secrets, testOnly, stablePort: stable },
    notes,
  };
}
