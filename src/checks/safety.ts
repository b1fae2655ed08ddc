/**
 * Safety net: a recent database backup, a clean and pushed git tree, and a previous
 * good release to roll back to. Backups and releases are read where the target keeps
 * them (the VM, RDS and the SSM ledger), handed in by the session as `history`.
 */
import { ago } from '../engine/time.js';
import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { areaFinder, listOf } from './finding.js';
import type { CheckContext, CheckDef, Finding } from './types.js';
import type { BackupRecord, TargetHistory } from '../targets/types.js';
import '../engine/messages/checks-history.js';

const f = areaFinder('safety');

function git(cwd: string, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 10000, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } }, (err, stdout) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout: String(stdout) });
    });
  });
}

/**
 * The environment's history as this machine's state directory holds it: what the checks
 * read when the target does not say where it keeps backups and releases.
 */
export async function localHistory(stateDir: string): Promise<TargetHistory> {
  const backupsDir = path.join(stateDir, 'backups');
  const items: BackupRecord[] = [];
  for (const name of await readdir(backupsDir).catch(() => [] as string[])) {
    if (!name.endsWith('.dump')) continue;
    const st = await stat(path.join(backupsDir, name)).catch(() => undefined);
    if (st && st.size > 0) items.push({ id: name, createdAt: new Date(st.mtimeMs).toISOString() });
  }
  const releasesDir = path.join(stateDir, 'releases');
  const names = await readdir(releasesDir).catch(() => [] as string[]);
  const good: string[] = [];
  for (const n of names) {
    try {
      const rec = JSON.parse(await readFile(path.join(releasesDir, n, 'release.json'), 'utf8')) as { result?: string; id?: string };
      if (rec.result === 'succeeded') good.push(rec.id ?? n);
    } catch {
      /* not a release */
    }
  }
  good.sort().reverse();
  return { backups: { where: backupsDir, items }, releases: { where: releasesDir, count: names.length, good } };
}

/** The target's history (asked by the session), or this machine's state directory (which does not say what the serving release shipped). */
export function historyOf(ctx: CheckContext): Promise<TargetHistory> {
  return ctx.memo('safety.history', async () => ctx.history ?? localHistory(ctx.stateDir));
}

export const backupRecent: CheckDef = {
  id: 'backup.recent',
  area: 'safety',
  async run(ctx) {
    const { backups } = await historyOf(ctx);
    const where = backups.where;
    if ('error' in backups) return [f('backup.recent', 'warning', 'checks.history.backupUnreadable', { where, reason: backups.error })];
    const newest = backups.items.reduce<BackupRecord | undefined>((a, b) => (!a || Date.parse(b.createdAt) > Date.parse(a.createdAt) ? b : a), undefined);
    const max = ctx.envr.check.backupMaxAgeHours;
    if (!newest) return [f('backup.recent', 'info', 'checks.history.backupNone', { where })];
    const ms = ctx.now.getTime() - Date.parse(newest.createdAt);
    const hours = Math.round((ms / 3_600_000) * 10) / 10;
    if (hours > max) return [f('backup.recent', 'info', 'checks.history.backupOld', { file: newest.id, where, hours, max })];
    return [f('backup.recent', 'passed', 'checks.history.backupOk', { file: newest.id, where, hours, max, age: ago(ms) })];
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
  async run(ctx) {
    const { releases } = await historyOf(ctx);
    const where = releases.where;
    if ('error' in releases) return [f('rollback.previous', 'warning', 'checks.history.releasesUnreadable', { where, reason: releases.error })];
    if (!releases.count) return [f('rollback.previous', 'info', 'checks.history.first', { where })];
    if (!releases.good.length) return [f('rollback.previous', 'warning', 'checks.history.noGood', { where, count: releases.count })];
    return [f('rollback.previous', 'passed', 'checks.history.rollbackOk', { where, release: releases.good[0]!, count: releases.good.length })];
  },
};

export const safetyChecks: CheckDef[] = [backupRecent, gitState, rollbackPossible];
