/**
 * Migrations in the preflight:
 * - `app.migrate`: an app that has migrations (knex, drizzle-kit, TypeORM, …) but no
 *   `database.migrate` would deploy new code against an old schema: warn, with the command.
 * - `migrations.unsafe`: the pending SQL migrations, linted for changes that break the old
 *   release while it still runs (a warning per statement, with file:line and the safe pattern).
 * - `database.rehearsal`: with `database.rehearse: required`, a passing rehearsal of this
 *   migration set must be recorded (`slipway db rehearse`), or the deploy stops before
 *   it touches the database.
 */
import { readFile, access } from 'node:fs/promises';
import path from 'node:path';
import { detectMigrations, type AppPackage } from '../config/detect.js';
import { t } from '../engine/i18n.js';
import '../engine/messages/rehearse.js';
import { areaFinder, listOf } from './finding.js';
import { migrationFiles, migrationSetHash, readRehearsal } from './migration-files.js';
import { lintSql, loadParser, newLintState } from './migration-lint.js';
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

const exists = (p: string) => access(p).then(() => true, () => false);

/**
 * The release serving now and whether it has a file, where this machine can see it: the
 * local target keeps its releases in the state directory. Elsewhere it is not known.
 */
async function servingRelease(ctx: CheckContext): Promise<{ id: string; has: (rel: string) => Promise<boolean> } | undefined | 'none'> {
  if (ctx.envr.target.target !== 'local') return undefined;
  const id = (await readFile(path.join(ctx.stateDir, 'current'), 'utf8').catch(() => '')).trim();
  if (!id) return 'none';
  const app = path.join(ctx.stateDir, 'releases', id, 'app');
  return { id, has: (rel) => exists(path.join(app, rel)) };
}

export const migrationLint: CheckDef = {
  id: 'migrations.unsafe',
  area: 'app',
  async run(ctx) {
    if (!ctx.envr.database) return [];
    const files = await migrationFiles(ctx.envr.appDir);
    if (!files.length) return [];
    const serving = await servingRelease(ctx);
    if (serving === 'none') return [f('migrations.unsafe', 'info', 'checks.migrations.firstDeploy', { count: files.length })];
    const pending = [];
    for (const file of files) if (!serving || !(await serving.has(file.rel))) pending.push(file);
    const out: Finding[] = [];
    const code = pending.filter((x) => x.kind === 'code');
    if (code.length) out.push(f('migrations.uncovered', 'info', 'checks.migrations.uncovered', { count: code.length, files: listOf(code.map((c) => c.rel), 4) }));
    await loadParser();
    const state = newLintState();
    const sql = files.filter((x) => x.kind === 'sql');
    let hits = 0;
    for (const file of sql) {
      const text = await readFile(file.abs, 'utf8');
      const isPending = pending.includes(file);
      // Files already applied still teach which tables exist; only pending ones are reported.
      const r = lintSql(text, file.rel, isPending ? state : { created: new Set() });
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
    if (!hits) {
      const scope = serving ? t('lint.scope.pending', { release: serving.id }) : t('lint.scope.all');
      out.push(f('migrations.unsafe', 'passed', 'checks.migrations.lintOk', { count: pending.filter((x) => x.kind === 'sql').length, scope }));
    }
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
    const set = await migrationSetHash(ctx.envr.appDir, db.migrate, await gitCommit(ctx.envr.appDir));
    const rec = await readRehearsal(ctx.stateDir, set);
    const env = ctx.envr.name;
    if (!rec) return [g('database.rehearsal', 'blocker', 'checks.rehearsal.missing', { set, env })];
    if (!rec.ok) {
      const reason = [rec.statement ? t('rehearse.statement', { statement: rec.statement }) : '', rec.error ?? ''].filter(Boolean).join(' — ');
      return [g('database.rehearsal', 'blocker', 'checks.rehearsal.failed', { at: rec.at, reason, env })];
    }
    return [g('database.rehearsal', 'passed', 'checks.rehearsal.passed', { at: rec.at, set, backup: rec.backup, seconds: (rec.durationMs / 1000).toFixed(1) })];
  },
};

/** The app's git commit (`-dirty` with uncommitted changes), for a migration set without migration files. */
export async function gitCommit(dir: string): Promise<string | undefined> {
  const { execFile } = await import('node:child_process');
  const run = (args: string[]) => new Promise<string | undefined>((resolve) => execFile('git', args, { cwd: dir, timeout: 10000 }, (e, out) => resolve(e ? undefined : String(out).trim())));
  const head = await run(['rev-parse', '--short=12', 'HEAD']);
  if (!head) return undefined;
  const dirty = await run(['status', '--porcelain', '--untracked-files=no', '.']);
  return dirty ? `${head}-dirty` : head;
}
