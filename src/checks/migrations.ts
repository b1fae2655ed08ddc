/**
 * `app.migrate`: an app that has migrations (knex, drizzle-kit, TypeORM, …) but no
 * `database.migrate` would deploy new code against an old schema: warn, with the command.
 */
import { detectMigrations, type AppPackage } from '../config/detect.js';
import { areaFinder } from './finding.js';
import type { CheckContext, Finding } from './types.js';

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
