/**
 * Which files of an app are migrations, and how a release remembers the ones it shipped.
 * One definition for every side that lists them: the preflight reads the app on this
 * machine, a machine target lists a release's app directory on the VM (one `find`), and the
 * aws target records the list compactly in its SSM ledger. Where migrations live: plain SQL
 * migrations, node-pg-migrate's `.sql` migrations, drizzle-kit's generated `drizzle/*.sql`,
 * Prisma's `prisma/migrations/<name>/migration.sql`; and the JS/TS migrations (knex,
 * node-pg-migrate, TypeORM, Sequelize) whose SQL only exists when they run.
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Json } from './step.js';

export interface MigrationFile {
  /** Relative to the app directory, with `/`. */
  rel: string;
  abs: string;
  kind: 'sql' | 'code';
}

/** Directories, relative to the app, that hold migrations (the first level only, and one below for Prisma/nested layouts). */
export const MIGRATION_DIRS = ['migrations', 'db/migrations', 'database/migrations', 'src/migrations', 'src/db/migrations', 'drizzle', 'prisma/migrations', 'supabase/migrations'] as const;

/** Names skipped at any level below a migration directory. */
export function skippedName(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules' || name === 'meta';
}

/** A file's kind by its name, or undefined when it is not a migration. */
export function migrationKind(name: string): MigrationFile['kind'] | undefined {
  if (/\.sql$/i.test(name)) return 'sql';
  if (/\.(c|m)?[jt]s$/.test(name) && !/\.d\.ts$/.test(name)) return 'code';
  return undefined;
}

/** The order a migration tool applies them in: by path (which starts with a timestamp or number). */
export const byPath = (a: string, b: string): number => a.localeCompare(b);

async function walk(dir: string, depth: number): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    if (skippedName(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory() && depth > 0) out.push(...(await walk(p, depth - 1)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** The app's migration files on this machine, in the order a migration tool applies them. */
export async function migrationFiles(appDir: string): Promise<MigrationFile[]> {
  const seen = new Set<string>();
  const out: MigrationFile[] = [];
  for (const d of MIGRATION_DIRS) {
    for (const abs of await walk(path.join(appDir, d), 1)) {
      if (seen.has(abs)) continue;
      seen.add(abs);
      const kind = migrationKind(abs);
      if (kind) out.push({ rel: path.relative(appDir, abs).split(path.sep).join('/'), abs, kind });
    }
  }
  return out.sort((a, b) => byPath(a.rel, b.rel));
}

/**
 * The migration paths among files found under the migration directories elsewhere (a VM's
 * `find` output, relative to the app, `/`-separated, at most two levels below a directory),
 * kept by the same rules as `migrationFiles`, in its order.
 */
export function migrationPaths(found: readonly string[]): string[] {
  const out = new Set<string>();
  for (const rel of found) {
    const dir = MIGRATION_DIRS.find((d) => rel.startsWith(`${d}/`));
    if (!dir) continue;
    const below = rel.slice(dir.length + 1).split('/');
    if (below.length > 2 || below.some((n) => !n || skippedName(n)) || !migrationKind(rel)) continue;
    out.add(rel);
  }
  return [...out].sort(byPath);
}

/**
 * The migration files a release shipped, in a form that fits an SSM parameter whatever their
 * number: how many, the newest, and a digest of the list. Migration tools apply files in path
 * order and projects add new ones at the end, so the files a serving release shipped are the
 * first `count` of the next release's list; the digest says whether they really are.
 */
export interface MigrationPrefix {
  count: number;
  /** The newest file (for a person reading the record). */
  last?: string;
  /** The first 16 hex digits of the sha256 of the paths, sorted by code unit, one a line. */
  digest: string;
}

/** A `MigrationPrefix` read back from JSON (a ledger entry, a journaled request); undefined when it is not one. */
export function prefixOf(m: Json | undefined): MigrationPrefix | undefined {
  if (!m || typeof m !== 'object' || Array.isArray(m)) return undefined;
  const { count, last, digest } = m;
  if (typeof count !== 'number' || typeof digest !== 'string' || (last !== undefined && typeof last !== 'string')) return undefined;
  return { count, digest, ...(typeof last === 'string' ? { last } : {}) };
}

export function listDigest(rels: readonly string[]): string {
  const sorted = [...rels].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(sorted.map((r) => `${r}\n`).join('')).digest('hex').slice(0, 16);
}

export function migrationPrefix(rels: readonly string[]): MigrationPrefix {
  const last = rels.at(-1);
  return { count: rels.length, ...(last ? { last } : {}), digest: listDigest(rels) };
}

/**
 * The files of `rels` (this app's list, in `migrationFiles` order) that a release recorded
 * as `p` shipped; undefined when its files are not the first `p.count` of these (a file was
 * renamed, removed, or added before the newest one it had), which a prefix cannot tell.
 */
export function shippedOf(rels: readonly string[], p: MigrationPrefix): Set<string> | undefined {
  if (p.count > rels.length) return undefined;
  const head = rels.slice(0, p.count);
  if (listDigest(head) !== p.digest || (p.last !== undefined && head.at(-1) !== p.last)) return undefined;
  return new Set(head);
}
