/**
 * `db rehearse`: ask the target for a rehearsal (restore the latest backup into a
 * throwaway PostgreSQL here, run the migrations), name the failing statement, and record
 * the result against the migration set in this machine's state directory — where a
 * deploy with `database.rehearse: required` looks for it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gitCommit } from '../host/git.js';
import { migrationSetHash, rehearsalFile, type RehearsalRecord } from '../checks/migration-files.js';
import { loadParser, splitStatements } from '../checks/migration-lint.js';
import { SlipwayError } from '../engine/errors.js';
import '../engine/messages/rehearse.js';
import type { RehearsalOutcome } from '../targets/types.js';
import type { Session } from './session.js';

export interface RehearsalResult {
  outcome: RehearsalOutcome;
  record: RehearsalRecord;
  file: string;
}

/** Default: locks held 5 s or longer are reported. */
export const DEFAULT_LOCK_SECONDS = 5;

/**
 * A migration tool may send a whole file as one query; the server then logs all of it.
 * Keep the statement that names what the error names (its quoted identifiers).
 */
export async function narrowStatement(statement: string | undefined, error: string | undefined): Promise<string | undefined> {
  if (!statement) return undefined;
  await loadParser();
  const parts = splitStatements(statement);
  const names = [...(error ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]!.toLowerCase());
  const score = (p: string) => names.filter((n) => p.toLowerCase().includes(n)).length;
  const best = parts.length === 1 ? parts[0]! : [...parts].sort((a, b) => score(b) - score(a))[0];
  const chosen = best && (parts.length === 1 || score(best) > 0) ? best : statement;
  return chosen.replace(/\s+/g, ' ').replace(/;\s*$/, '').trim().slice(0, 300);
}

export async function rehearse(s: Session, opts: { fresh: boolean; lockSeconds?: number }): Promise<RehearsalResult> {
  const { envr } = s;
  const db = envr.database;
  if (!db) throw new SlipwayError({ key: 'rehearse.noDatabase', params: { env: envr.name }, place: 'database', fix: 'rehearse.noDatabase.fix', exitCode: 2 });
  if (!db.migrate) throw new SlipwayError({ key: 'rehearse.noMigrate', place: 'database.migrate', fix: 'checks.app.migrateUnknown.fix', exitCode: 2 });
  if (!s.target.rehearse) {
    if (envr.target.target === 'aws') {
      throw new SlipwayError({ key: 'rehearse.awsNoDump', place: `environments.${envr.name}`, fix: 'rehearse.awsNoDump.fix', exitCode: 2 });
    }
    throw new SlipwayError({ key: 'rehearse.notForTarget', params: { target: envr.target.target }, fix: 'cli.notForTarget.fix', exitCode: 2 });
  }
  const refused = s.target.refusal?.(s.ctx, 'rehearse');
  if (refused) throw refused;
  const lockSeconds = opts.lockSeconds ?? db.rehearseLockSeconds ?? DEFAULT_LOCK_SECONDS;
  const set = await migrationSetHash(envr.appDir, db.migrate, await gitCommit(s.ctx.localHost, envr.appDir));
  const outcome = await s.target.rehearse(s.ctx, { fresh: opts.fresh, lockThresholdMs: lockSeconds * 1000 });
  const statement = await narrowStatement(outcome.statement, outcome.dbError).catch(() => outcome.statement);
  if (statement) outcome.statement = s.ctx.redactor.redact(statement);
  const record: RehearsalRecord = {
    set,
    ok: outcome.ok,
    at: new Date().toISOString(),
    env: envr.name,
    backup: outcome.backup,
    durationMs: outcome.durationMs,
    ...(outcome.statement ? { statement: outcome.statement } : {}),
    ...(outcome.dbError ?? outcome.error ? { error: s.ctx.redactor.redact(outcome.dbError ?? outcome.error ?? '') } : {}),
    locks: outcome.locks.map((l) => ({ ...l, query: s.ctx.redactor.redact(l.query) })),
    lockThresholdSeconds: lockSeconds,
  };
  const file = rehearsalFile(s.ctx.stateDir, set);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
  return { outcome, record, file };
}
