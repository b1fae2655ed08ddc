/**
 * Env contract (pitfall 7: the task definition said DB_USERNAME, the app read DB_USER):
 * compare the names the app reads with what the deployment provides.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedEnvironment } from '../../config/resolve.js';
import { areaFinder, listOf, reason } from '../finding.js';
import type { CheckDef, Finding } from '../types.js';
import { scanSource, type EnvRead } from './scan.js';
import { editDistance, nearest as nearestName } from '../../engine/text.js';
import { targetProvidedEnv } from '../../config/provided.js';

export { targetProvidedEnv, TARGET_BASE_ENV, TARGET_DATABASE_ENV } from '../../config/provided.js';

const f = areaFinder('env');

/**
 * The PG* names node-postgres (pg 8, lib/connection-parameters.js) reads from the environment
 * by itself. Not PGSSLROOTCERT, PGSSLCERT, PGSSLKEY, PGPASSFILE, PGSERVICE…: only libpq reads
 * those, so an app on the stock `pg` client ignores them unless its own code reads them.
 */
export const NODE_POSTGRES_ENV: readonly string[] = [
  'PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'PGDATABASE', 'PGSSLMODE', 'PGSSLNEGOTIATION',
  'PGAPPNAME', 'PGCONNECT_TIMEOUT', 'PGOPTIONS', 'PGCLIENT_ENCODING', 'PGBINARY', 'PGREPLICATION',
];


/** Read by Node, node-postgres or the AWS SDK themselves: never "unused". Other PG* names are not. */
export function consumedByRuntime(name: string): boolean {
  return /^(NODE_|AWS_|npm_|LC_|UV_)/.test(name) || NODE_POSTGRES_ENV.includes(name) || ['TZ', 'LANG', 'DEBUG', 'HOME', 'PATH'].includes(name);
}

const SKIP_DIRS = new Set(['node_modules', 'dist', 'build', 'out', 'coverage', '.git', 'test', 'tests', '__tests__', '__mocks__', 'fixtures', '.next', '.slipway', 'e2e']);
const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const SKIP_FILE = /(\.d\.ts|\.(test|spec)\.[cm]?[jt]sx?)$/;

export async function sourceFiles(dir: string, out: string[] = [], limit = 3000): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    if (out.length >= limit) break;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) await sourceFiles(p, out, limit);
    } else if (e.isFile() && SOURCE.test(e.name) && !SKIP_FILE.test(e.name)) out.push(p);
  }
  return out;
}

export interface AppScan {
  reads: EnvRead[];
  writes: Set<string>;
  dynamic: { file: string; line: number }[];
  files: number;
  failed: string[];
}

export async function scanApp(dir: string): Promise<AppScan> {
  const files = await sourceFiles(dir);
  const out: AppScan = { reads: [], writes: new Set(), dynamic: [], files: files.length, failed: [] };
  await Promise.all(
    files.map(async (file) => {
      const rel = path.relative(dir, file);
      try {
        const code = await readFile(file, 'utf8');
        if (code.length > 2_000_000 || !/env|config|setting/i.test(code)) return;
        const r = scanSource(code, rel);
        out.reads.push(...r.reads);
        r.writes.forEach((w) => out.writes.add(w));
        out.dynamic.push(...r.dynamic);
      } catch {
        out.failed.push(rel);
      }
    }),
  );
  out.reads.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return out;
}

export { editDistance };

/** The env var the deployment meant, e.g. DB_USERNAME → DB_USER. */
export function nearest(name: string, candidates: readonly string[]): string | undefined {
  return nearestName(name, candidates, { ratio: 0.45 });
}

export const envContract: CheckDef = {
  id: 'env.contract',
  area: 'env',
  async run(ctx) {
    const { envr } = ctx;
    let scan: AppScan;
    try {
      scan = await ctx.memo('env.scan', () => scanApp(envr.appDir));
    } catch (e) {
      return [f('env.contract.scan', 'warning', 'checks.env.scanFailed', { dir: envr.appDir, reason: reason(e) })];
    }
    const out: Finding[] = [];
    if (scan.failed.length) out.push(f('env.contract.scan', 'warning', 'checks.env.parseFailed', { files: listOf(scan.failed) }));
    if (!scan.reads.length) return [...out, f('env.contract.scan', 'warning', 'checks.env.noReads', { dir: envr.appDir, files: scan.files })];
    const configured = [...Object.keys(envr.env), ...envr.secretNames];
    const provided = new Set([...configured, ...targetProvidedEnv(envr), ...scan.writes]);
    const byName = new Map<string, EnvRead[]>();
    for (const r of scan.reads) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
    const readNames = [...byName.keys()];
    const unprovided = readNames.filter((n) => !provided.has(n));
    const unused = [...new Set(configured)].filter((n) => !byName.has(n) && !consumedByRuntime(n));
    const where = (rs: EnvRead[]) => listOf([...new Set(rs.map((r) => `${r.file}:${r.line}`))], 3);
    for (const name of unprovided) {
      const rs = byName.get(name)!;
      const hint = nearest(name, unused);
      const params = { name, where: where(rs), hint: hint ? ` ${hint}?` : '' };
      const required = rs.some((r) => !r.fallback && !r.testOnly);
      if (required) out.push(f('env.contract.unset', 'blocker', hint ? 'checks.env.unsetHint' : 'checks.env.unset', params, { subject: name }));
      else out.push(f('env.contract.default', 'warning', 'checks.env.default', params, { subject: name }));
    }
    for (const name of unused) {
      const hint = nearest(name, [...unprovided, ...readNames.filter((n) => !unprovided.includes(n))]);
      out.push(f('env.contract.unused', 'warning', hint ? 'checks.env.unusedHint' : 'checks.env.unused', { name, hint: hint ?? '' }, { subject: name }));
    }
    if (scan.dynamic.length) out.push(f('env.contract.dynamic', 'info', 'checks.env.dynamic', { where: listOf(scan.dynamic.map((d) => `${d.file}:${d.line}`), 4) }));
    if (!out.some((x) => x.severity === 'blocker' || x.severity === 'warning')) {
      out.push(f('env.contract', 'passed', 'checks.env.ok', { count: readNames.length, files: scan.files }));
    }
    return out;
  },
};
