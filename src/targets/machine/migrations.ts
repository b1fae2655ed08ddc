/**
 * The migration files of a release on its machine, for the preflight's migration lint (it
 * reports only the files the serving release did not ship). Recorded in the release record
 * when the release is built, so reading them later costs nothing more than the record; a
 * release recorded before that has its app directory listed instead — one command on the
 * host, not one per file.
 */
import { MIGRATION_DIRS, migrationPaths } from '../../engine/migrations.js';
import type { ReleaseRecord, TargetHistory } from '../types.js';
import type { MachineRuntime } from './runtime.js';

/** `find` in each migration directory of the app (the one level below too, as `migrationFiles` walks them). */
const LIST = ['cd "$1" || exit 3', 'shift', 'for d in "$@"; do if [ -d "$d" ]; then find -H "$d" -mindepth 1 -maxdepth 2 -type f -print || exit 4; fi; done'].join('\n');

/** The command that prints the files under an app's migration directories, relative to it (filtered by `migrationPaths`). */
export function listMigrationsArgv(appDir: string): string[] {
  return ['sh', '-c', LIST, 'list-migrations', appDir, ...MIGRATION_DIRS];
}

/** The migration files in a release's app directory on the machine, as `migrationFiles` names them. */
export async function listReleaseMigrations(rt: MachineRuntime, release: string): Promise<string[]> {
  const r = await rt.host.exec(listMigrationsArgv(rt.store.appDir(release)));
  if (r.code !== 0) throw new Error(r.stderr.trim() || `exit code ${r.code}`);
  return migrationPaths(r.stdout.split('\n').filter(Boolean));
}

/** The migration files a release record says its release shipped, if it says. */
export function recordedMigrations(rec: ReleaseRecord | undefined): string[] | undefined {
  const m = rec?.details.migrations;
  return Array.isArray(m) && m.every((x): x is string => typeof x === 'string') ? m : undefined;
}

/**
 * The serving release (`current`) and its migration files, from the records already read
 * (`all`, with `active` set); `at` names a directory on the machine for messages.
 */
export async function servingMigrations(rt: MachineRuntime, all: readonly ReleaseRecord[], at: (dir: string) => string): Promise<NonNullable<TargetHistory['serving']>> {
  const rec = all.find((r) => r.active);
  const id = rec?.id ?? (await rt.store.current());
  if (!id) return { none: true };
  const files = recordedMigrations(rec);
  if (files) return { id, migrations: { files } };
  try {
    return { id, migrations: { files: await listReleaseMigrations(rt, id) } };
  } catch (e) {
    return { where: at(rt.store.appDir(id)), error: e instanceof Error ? e.message : String(e) };
  }
}
