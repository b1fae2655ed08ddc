/**
 * The app's migrations (listed by `engine/migrations.ts`) as "the migration set" a rehearsal
 * ran: its hash, and the rehearsal recorded against it.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { migrationFiles } from '../engine/migrations.js';

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
