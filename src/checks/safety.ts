/**
 * Safety net: a recent database backup, a clean and pushed git tree, and a previous
 * good release to roll back to.
 */
import { ago } from '../engine/time.js';
import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { areaFinder, listOf } from './finding.js';
import type { CheckDef, Finding } from './types.js';

const f = areaFinder('safety');

function git(cwd: string, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 10000, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } }, (err, stdout) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout: String(stdout) });
    });
  });
}

export const backupRecent: CheckDef = {
  id: 'backup.recent',
  area: 'safety',
  async run({ stateDir, envr, now }) {
    const dir = path.join(stateDir, 'backups');
    let newest: { name: string; mtime: number } | undefined;
    try {
      for (const name of await readdir(dir)) {
        if (!name.endsWith('.dump')) continue;
        const st = await stat(path.join(dir, name));
        if (st.size > 0 && (!newest || st.mtimeMs > newest.mtime)) newest = { name, mtime: st.mtimeMs };
      }
    } catch {
      /* no backups directory */
    }
    const max = envr.check.backupMaxAgeHours;
    if (!newest) return [f('backup.recent', 'info', 'checks.backup.none', { dir })];
    const hours = Math.round(((now.getTime() - newest.mtime) / 3_600_000) * 10) / 10;
    if (hours > max) return [f('backup.recent', 'info', 'checks.backup.old', { file: newest.name, hours, max })];
    return [f('backup.recent', 'passed', 'checks.backup.ok', { file: newest.name, hours, max, age: ago(now.getTime() - newest.mtime) })];
  },
};

export const gitState: CheckDef = {
  id: 'git.clean',
  area: 'safety',
  async run({ envr }) {
    const top = await git(envr.appDir, ['rev-parse', '--show-toplevel']);
    if (top.code !== 0) return [f('git.clean', 'info', 'checks.git.notRepo', { dir: envr.appDir })];
    const out: Finding[] = [];
    const st = await git(envr.appDir, ['status', '--porcelain', '--', '.']);
    const dirty = st.stdout.split('\n').filter(Boolean).map((l) => l.slice(3));
    out.push(dirty.length ? f('git.clean', 'warning', 'checks.git.dirty', { count: dirty.length, files: listOf(dirty, 5) }) : f('git.clean', 'passed', 'checks.git.clean'));
    const up = await git(envr.appDir, ['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{u}']);
    if (up.code !== 0) {
      out.push(f('git.pushed', 'warning', 'checks.git.noUpstream'));
      return out;
    }
    const upstream = up.stdout.trim();
    const ahead = await git(envr.appDir, ['rev-list', '--count', '@{u}..HEAD']);
    const n = Number.parseInt(ahead.stdout.trim(), 10) || 0;
    out.push(n > 0 ? f('git.pushed', 'warning', 'checks.git.ahead', { count: n, upstream }) : f('git.pushed', 'passed', 'checks.git.pushed', { upstream }));
    return out;
  },
};

export const rollbackPossible: CheckDef = {
  id: 'rollback.previous',
  area: 'safety',
  async run({ stateDir }) {
    const dir = path.join(stateDir, 'releases');
    let names: string[] = [];
    try {
      names = await readdir(dir);
    } catch {
      return [f('rollback.previous', 'info', 'checks.rollback.first')];
    }
    const good: string[] = [];
    for (const n of names) {
      try {
        const rec = JSON.parse(await readFile(path.join(dir, n, 'release.json'), 'utf8')) as { result?: string; id?: string };
        if (rec.result === 'succeeded') good.push(rec.id ?? n);
      } catch {
        /* not a release */
      }
    }
    if (!good.length) return [f('rollback.previous', names.length ? 'warning' : 'info', names.length ? 'checks.rollback.noGood' : 'checks.rollback.first', { count: names.length })];
    good.sort();
    return [f('rollback.previous', 'passed', 'checks.rollback.ok', { release: good[good.length - 1], count: good.length })];
  },
};

export const safetyChecks: CheckDef[] = [backupRecent, gitState, rollbackPossible];
