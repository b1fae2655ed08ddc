/**
 * Migrations in the preflight:
 * - `app.migrate`: an app that has migrations (knex, drizzle-kit, TypeORM, …) but no
 *   `database.migrate` would deploy new code against an old schema: warn, with the command.
 * - `migrations.unsafe`: the pending SQL migrations (those the serving release did not ship, as
 *   its target reports them), linted for changes that break the old release while it still
 *   runs (a warning per statement, with file:line and the safe pattern).
 * - `database.rehearsal`: with `database.rehearse: required`, a passing rehearsal of this
 *   migration set must be recorded (`slipway db rehearse`), or the deploy stops before
 *   it touches the database.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gitCommit } from '../host/git.js';
import { LocalHost } from '../host/local.js';
import { detectMigrations, type AppPackage } from '../config/detect.js';
import { t } from '../engine/i18n.js';
import { migrationFiles, shippedOf, type MigrationFile } from '../engine/migrations.js';
import '../engine/messages/rehearse.js';
import type { TargetHistory } from '../targets/types.js';
import { areaFinder, listOf } from './finding.js';
import { migrationSetHash, readRehearsal, type RehearsalRecord } from './migration-files.js';
import { lintSql, loadParser, newLintState } from './migration-lint.js';
import { historyOf } from './safety.js';
import type { CheckContext, CheckDef, Finding } from './types.js';

const f = areaFinder('app');

export async function migrationsFinding(ctx: CheckContext, pkg: AppPackage): Promise<Finding | undefined> {
  const db = ctx.envr.database;
  if (!db) return undefined;
  if (db.migrate) return f('app.migrate', 'passed', 'checks.app.migrateSet', { command: db.migrate });
  const setup = await detectMigrations(ctx.envr.appDir, pkg);
  if (!setup) return undefined;
  return setup.command
    ? f('app.migrate', 'warning', 'checks.app.migrateMissing', { tool: setup.tool, command: setup.command })
    : f('app.migrate', 'warning', 'checks.app.migrateUnknown', { tool: setup.tool });
}

/** The migration files to report, and the lint's scope said in words. */
interface Pending {
  files: MigrationFile[];
  scope: string;
  /** False when the serving release's files are not known and every file is in `files`. */
  known: boolean;
}

/**
 * The files the serving release did not ship, as the target reports it (`history.serving`:
 * read where the releases live — this machine, the VM, the SSM ledger); `none` before the
 * first deploy. When it cannot be told which files it shipped, every file is pending.
 */
export function pendingOf(files: MigrationFile[], serving: TargetHistory['serving']): Pending | 'none' {
  const all = (scope: string): Pending => ({ files, scope, known: false });
  if (!serving) return all(t('lint.scope.all'));
  if ('none' in serving) return 'none';
  if ('error' in serving) return all(t('lint.scope.unreadable', { where: serving.where, reason: serving.error }));
  const m = serving.migrations;
  if (!m) return all(t('lint.scope.unrecorded', { release: serving.id }));
  const shipped = 'files' in m ? new Set(m.files) : shippedOf(files.map((x) => x.rel), m.prefix);
  if (!shipped) return all(t('lint.scope.changed', { release: serving.id, count: 'prefix' in m ? m.prefix.count : 0 }));
  return { files: files.filter((x) => !shipped.has(x.rel)), scope: t('lint.scope.pending', { release: serving.id }), known: true };
}

export const migrationLint: CheckDef = {
  id: 'migrations.unsafe',
  area: 'app',
  async run(ctx) {
    if (!ctx.envr.database) return [];
    const files = await migrationFiles(ctx.envr.appDir);
    if (!files.length) return [];
    const pending = pendingOf(files, (await historyOf(ctx)).serving);
    if (pending === 'none') return [f('migrations.unsafe', 'info', 'checks.migrations.firstDeploy', { count: files.length })];
    const out: Finding[] = [];
    const code = pending.files.filter((x) => x.kind === 'code');
    if (code.length) out.push(f('migrations.uncovered', 'info', 'checks.migrations.uncovered', { count: code.length, files: listOf(code.map((c) => c.rel), 4) }));
    await loadParser();
    const state = newLintState();
    const sql = files.filter((x) => x.kind === 'sql');
    let hits = 0;
    for (const file of sql) {
      const text = await readFile(file.abs, 'utf8');
      const isPending = pending.files.includes(file);
      // A table created by a pending file is new (nothing old uses it); one created by a file
      // already applied exists. Not knowing which are applied, only a file's own tables are new.
      const r = lintSql(text, file.rel, isPending && pending.known ? state : newLintState());
      if (!isPending) continue;
      if (r.failure) out.push(f('migrations.unparsed', 'warning', 'checks.migrations.unparsed', { file: r.failure.file, line: r.failure.line, reason: r.failure.reason }, { subject: `${r.failure.file}:${r.failure.line}` }));
      for (const h of r.hits) {
        hits++;
        const p = { target: h.target };
        out.push(
          f('migrations.unsafe', 'warning', 'checks.migrations.unsafe', {
            file: h.file,
            line: h.line,
            statement: h.statement,
            what: t(`lint.${h.rule}.what`, p),
            why: t(`lint.${h.rule}.why`, p),
            safe: t(`lint.${h.rule}.safe`, p),
          }, { subject: `${h.file}:${h.line}` }),
        );
      }
    }
    if (!hits) out.push(f('migrations.unsafe', 'passed', 'checks.migrations.lintOk', { count: pending.files.filter((x) => x.kind === 'sql').length, scope: pending.scope }));
    // Warnings about files that may be long applied: say why they are there.
    else if (!pending.known) out.push(f('migrations.scope', 'info', 'checks.migrations.scopeAll', { scope: pending.scope }));
    return out;
  },
};

export const rehearsalRequired: CheckDef = {
  id: 'database.rehearsal',
  area: 'safety',
  async run(ctx) {
    const db = ctx.envr.database as { migrate?: string; rehearse?: string } | undefined;
    if (!db?.migrate || db.rehearse !== 'required') return [];
    const g = (id: string, sev: Finding['severity'], key: string, params: Record<string, string | number>) => areaFinder('safety')(id, sev, key, params);
    const set = await migrationSetHash(ctx.envr.appDir, db.migrate, await gitCommit(new LocalHost(), ctx.envr.appDir));
    const env = ctx.envr.name;
    // A fleet cannot rehearse itself (its database is shared, its backups on one host): a
    // passing rehearsal of the same migration set in another environment of this app counts.
    const fleet = Array.isArray((ctx.envr.target as { hosts?: unknown }).hosts);
    const rec = (await readRehearsal(ctx.stateDir, set)) ?? (fleet ? await passingElsewhere(ctx.stateDir, set) : undefined);
    if (!rec) return [g('database.rehearsal', 'blocker', fleet ? 'checks.rehearsal.missingFleet' : 'checks.rehearsal.missing', { set, env })];
    if (!rec.ok) {
      const reason = [rec.statement ? t('rehearse.statement', { statement: rec.statement }) : '', rec.error ?? ''].filter(Boolean).join(' — ');
      return [g('database.rehearsal', 'blocker', 'checks.rehearsal.failed', { at: rec.at, reason, env })];
    }
    const seconds = (rec.durationMs / 1000).toFixed(1);
    if (rec.env !== env) return [g('database.rehearsal', 'passed', 'checks.rehearsal.passedIn', { at: rec.at, set, backup: rec.backup, seconds, in: rec.env })];
    return [g('database.rehearsal', 'passed', 'checks.rehearsal.passed', { at: rec.at, set, backup: rec.backup, seconds })];
  },
};

/** The newest passing rehearsal of `set` recorded by another environment beside this one (`.slipway/<env>/`). */
async function passingElsewhere(stateDir: string, set: string): Promise<RehearsalRecord | undefined> {
  const parent = path.dirname(stateDir);
  const names = await readdir(parent).catch(() => [] as string[]);
  const found = await Promise.all(names.map((n) => path.join(parent, n)).filter((d) => d !== stateDir).map((d) => readRehearsal(d, set)));
  return found.filter((r): r is RehearsalRecord => !!r?.ok).sort((a, b) => (a.at < b.at ? 1 : -1))[0];
}
