/**
 * `app.lockfile`: which package manager the lockfile belongs to, and whether the target can
 * run it (yarn and pnpm through corepack, as the machine build does), else a blocker with the fix.
 */
import path from 'node:path';
import { access } from 'node:fs/promises';
import { LOCKFILES, type PackageManager } from '../config/detect.js';
import { areaFinder } from './finding.js';
import type { CheckContext, Finding } from './types.js';

const f = areaFinder('app');
const exists = (p: string): Promise<boolean> => access(p).then(() => true, () => false);

/** What the machine build sets for corepack: no prompt, and the version corepack knows rather than a lookup of the newest. */
export const COREPACK_ENV = { COREPACK_ENABLE_DOWNLOAD_PROMPT: '0', COREPACK_DEFAULT_TO_LATEST: '0' };

export async function lockfileFinding(ctx: CheckContext): Promise<Finding> {
  const { envr } = ctx;
  const found: [string, PackageManager][] = [];
  for (const [file, pm] of LOCKFILES) if (await exists(path.join(envr.appDir, file))) found.push([file, pm]);
  const first = found[0];
  if (!first) return f('app.lockfile', 'warning', 'checks.app.noLock');
  const [file, pm] = first;
  const p = { file, pm, others: found.slice(1).map(([n]) => n).join(', ') || '-', where: ctx.host?.name ?? envr.target.target };
  if (pm === 'npm' || envr.app.install || envr.target.target === 'aws' || !ctx.host) return f('app.lockfile', 'passed', 'checks.app.lockOk', p);
  const r = await ctx.host.exec(['corepack', pm, '--version'], { env: COREPACK_ENV, timeoutMs: 12000 }).catch((e: unknown) => ({ code: 127, stdout: '', stderr: String(e) }));
  if (r.code === 0) return f('app.lockfile', 'passed', 'checks.app.lockOk', { ...p, pm: `${pm} ${r.stdout.trim()} (corepack)` });
  return f('app.lockfile', 'blocker', 'checks.app.lockManagerMissing', { ...p, reason: (r.stderr || r.stdout).trim().split('\n').find((l) => /error/i.test(l)) ?? `exit ${r.code}` });
}
