/**
 * Where an app keeps its migrations, read without a database: the SQL files of plain SQL
 * migrations, node-pg-migrate's `.sql` migrations, drizzle-kit's generated `drizzle/*.sql`,
 * Prisma's `prisma/migrations/<name>/migration.sql`; and the JS/TS migrations (knex,
 * node-pg-migrate, TypeORM, Sequelize) whose SQL only exists when they run.
 * The same list identifies "the migration set" a rehearsal ran (its hash).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface MigrationFile {
  /** Relative to the app directory, with `/`. */
  rel: string;
  abs: string;
  kind: 'sql' | 'code';
}

/** Directories, relative to the app, that hold migrations (the first level only, and one below for Prisma/nested layouts). */
export const MIGRATION_DIRS = ['migrations', 'db/migrations', 'database/migrations', 'src/migrations', 'src/db/migrations', 'drizzle', 'prisma/migrations', 'supabase/migrations'] as const;

async function walk(dir: string, depth: number): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules' || e.name === 'meta') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory() && depth > 0) out.push(...(await walk(p, depth - 1)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** The app's migration files, in the order a migration tool applies them (by path, which starts with a timestamp or number). */
export async function migrationFiles(appDir: string): Promise<MigrationFile[]> {
  const seen = new Set<string>();
  const out: MigrationFile[] = [];
  for (const d of MIGRATION_DIRS) {
    for (const abs of await walk(path.join(appDir, d), 1)) {
      if (seen.has(abs)) continue;
      seen.add(abs);
      const rel = path.relative(appDir, abs).split(path.sep).join('/');
      if (/\.sql$/i.test(abs)) out.push({ rel, abs, kind: 'sql' });
      else if (/\.(c|m)?[jt]s$/.test(abs) && !/\.d\.ts$/.test(abs)) out.push({ rel, abs, kind: 'code' });
    }
  }
  return out.sort((a, b) => a.rel.localeCompare(b.rel));
}

/**
 * What identifies a set of migrations: every migration file's path and content, and the
 * command that runs them. A rehearsal is recorded against it; a deploy that requires a
 * rehearsal looks for a passing one with the same hash. Without migration files the
 * app's git commit stands in (a dirty tree never matches).
 */
export async function migrationSetHash(appDir: string, migrate: string | undefined, commit?: string): Promise<string> {
  const files = await migrationFiles(appDir);
  const h = createHash('sha256').update(`migrate:${migrate ?? ''}\n`);
  if (!files.length) h.update(`commit:${commit && !commit.endsWith('-dirty') ? commit : `unknown-${Date.now()}-${Math.random()}`}\n`);
  for (const f of files) h.update(`${f.rel}\n`).update(await readFile(f.abs)).update('\n');
  return h.digest('hex').slice(0, 16);
}

/** What `slipway db rehearse` records, per migration set, in this machine's state directory of the environment. */
export interface RehearsalRecord {
  set: string;
  ok: boolean;
  at: string;
  env: string;
  /** The backup restored (its name and where it was). */
  backup: string;
  durationMs: number;
  /** The statement PostgreSQL rejected, and its error (redacted). */
  statement?: string;
  error?: string;
  locks: { relation: string; mode: string; seconds: number; query: string }[];
  lockThresholdSeconds: number;
}

export function rehearsalFile(stateDir: string, set: string): string {
  return path.join(stateDir, 'rehearsals', `${set}.json`);
}

export async function readRehearsal(stateDir: string, set: string): Promise<RehearsalRecord | undefined> {
  try {
    return JSON.parse(await readFile(rehearsalFile(stateDir, set), 'utf8')) as RehearsalRecord;
  } catch {
    return undefined;
  }
}
