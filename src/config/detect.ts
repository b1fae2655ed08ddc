/**
 * What `slipway init` reads from an app without running it: the package manager its
 * lockfile belongs to, how it migrates its database, its own default port and health route.
 */
import { access, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

export type PackageManager = 'npm' | 'yarn' | 'pnpm';

export interface AppPackage {
  name?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  packageManager?: string;
}

const exists = (p: string): Promise<boolean> => access(p).then(() => true, () => false);

/** Lockfiles and the package manager each belongs to, in the order they are preferred. */
export const LOCKFILES: readonly (readonly [string, PackageManager])[] = [
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
  ['yarn.lock', 'yarn'],
  ['pnpm-lock.yaml', 'pnpm'],
];

/** The package manager: the lockfile's, else package.json's `packageManager` field, else npm. */
export async function detectPackageManager(dir: string, pkg: AppPackage): Promise<{ pm: PackageManager; lockfile?: string }> {
  for (const [file, pm] of LOCKFILES) if (await exists(path.join(dir, file))) return { pm, lockfile: file };
  const field = /^(npm|yarn|pnpm)@/.exec(pkg.packageManager ?? '')?.[1] as PackageManager | undefined;
  return { pm: field ?? 'npm' };
}

/** A script body that migrates, by tool. */
const MIGRATE_SCRIPT = /\bknex\b.*\bmigrate:latest\b|\bdrizzle-kit\s+(migrate|push)\b|\bnode-pg-migrate\b(?!.*\bdown\b)|\btypeorm\b.*\bmigration:run\b|\bsequelize(-cli)?\b.*\bdb:migrate\b(?!:undo)|\bprisma\s+migrate\s+deploy\b|\bmigrat/;

export interface MigrationSetup {
  /** The tool found (knex, drizzle-kit, …), or `script` for an app's own migrate script. */
  tool: string;
  /** The command to run, when one can be given. */
  command?: string;
}

const has = (pkg: AppPackage, dep: string): boolean => !!(pkg.dependencies?.[dep] ?? pkg.devDependencies?.[dep]);

async function firstExisting(dir: string, names: string[]): Promise<string | undefined> {
  for (const n of names) if (await exists(path.join(dir, n))) return n;
  return undefined;
}

/** How the app migrates: its own script first, then the tool's standard setup. */
export async function detectMigrations(dir: string, pkg: AppPackage): Promise<MigrationSetup | undefined> {
  const scripts = pkg.scripts ?? {};
  const names = Object.keys(scripts).filter((k) => /migrat/i.test(k) && !/(down|undo|rollback|revert|create|generate|make|new|status)/i.test(k) && MIGRATE_SCRIPT.test(scripts[k]!));
  const best = names.sort((a, b) => a.length - b.length)[0];
  const run = (s: string): string => (s === 'start' ? 'npm start' : `npm run ${s}`);
  if (best) return { tool: 'script', command: run(best) };
  const knexfile = await firstExisting(dir, ['knexfile.js', 'knexfile.cjs', 'knexfile.mjs', 'knexfile.ts']);
  if (knexfile) return { tool: 'knex', command: 'npx knex migrate:latest' };
  if (await firstExisting(dir, ['drizzle.config.ts', 'drizzle.config.js', 'drizzle.config.mjs', 'drizzle.config.json'])) return { tool: 'drizzle-kit', command: 'npx drizzle-kit migrate' };
  if (await exists(path.join(dir, 'prisma', 'migrations'))) return { tool: 'prisma', command: 'npx prisma migrate deploy' };
  if ((await exists(path.join(dir, '.sequelizerc'))) || (has(pkg, 'sequelize-cli') && (await exists(path.join(dir, 'migrations'))))) return { tool: 'sequelize', command: 'npx sequelize-cli db:migrate' };
  if (has(pkg, 'node-pg-migrate') && (await exists(path.join(dir, 'migrations')))) return { tool: 'node-pg-migrate', command: 'npx node-pg-migrate up' };
  if (has(pkg, 'typeorm')) {
    const ds = await firstExisting(dir, ['src/data-source.ts', 'src/data-source.js', 'data-source.js', 'ormconfig.js']);
    if (ds) return { tool: 'typeorm', command: `npx typeorm migration:run -d ${ds.replace(/^src\/(.*)\.ts$/, 'dist/$1.js')}` };
  }
  if (await exists(path.join(dir, 'migrations'))) return { tool: 'migrations/' };
  return undefined;
}

/** Source files to search for a port or a route: src/ and the top level, not dependencies. */
async function sources(dir: string, depth = 0): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && depth < 3 && !/^(node_modules|dist|build|\..*|migrations|test|tests|__tests__)$/.test(e.name)) out.push(...(await sources(p, depth + 1)));
    else if (e.isFile() && /\.(ts|js|mjs|cjs)$/.test(e.name) && !/\.(test|spec|d)\.[a-z]+$/.test(e.name)) out.push(p);
  }
  return out;
}

async function grep(dir: string, re: RegExp): Promise<RegExpExecArray | undefined> {
  const files = (await sources(dir)).sort((a, b) => Number(!a.includes(`${path.sep}src${path.sep}`)) - Number(!b.includes(`${path.sep}src${path.sep}`)) || a.localeCompare(b));
  for (const f of files) {
    const m = re.exec(await readFile(f, 'utf8').catch(() => ''));
    if (m) return m;
  }
  return undefined;
}

/** The app's own default port: `PORT || 4000`, `get('PORT', 3100)`, a convict `default` beside `env: 'PORT'`. */
export async function detectPort(dir: string): Promise<number | undefined> {
  const m =
    (await grep(dir, /(?<![A-Z_])PORT\b[^\n]{0,24}?(?:\?\?|\|\||:|,)\s*['"]?(\d{2,5})\b/)) ??
    (await grep(dir, /default:\s*(\d{2,5})[^{}]*env:\s*['"]PORT['"]|env:\s*['"]PORT['"][^{}]*default:\s*(\d{2,5})/));
  const n = m ? Number(m[1] ?? m[2]) : NaN;
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** The health route (`/health`, `/healthz`, `/api/health`, Nest `@Get('healthz')`), else the root route when there is one. */
export async function detectHealth(dir: string): Promise<{ path: string; found: boolean }> {
  const m = await grep(dir, /['"`]\/?((?:api\/)?health[a-z]*)['"`]/);
  if (m) return { path: `/${m[1]}`, found: true };
  if (await grep(dir, /\.get\(\s*['"`]\/['"`]/)) return { path: '/', found: false };
  return { path: '/health', found: false };
}
