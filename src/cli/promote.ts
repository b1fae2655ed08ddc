/**
 * `slipway promote <from> <to>`: deploy to <to> the artifact <from> verified — the same
 * archive (sha256) on machines, the same image (digest) on aws — never rebuilt, through
 * <to>'s whole deploy pipeline (preflight, backup, migrate, waves, verify, commit, watch).
 *
 * Refused, before anything changes, when <from>'s release was not verified (exit 1), its
 * artifact is gone (exit 1), or the two environments run different kinds of artifact (exit 2).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { SlipwayError } from '../engine/errors.js';
import { t } from '../engine/i18n.js';
import '../engine/messages/promote.js';
import type { PromotableRelease, PromotedArtifact, ReleaseRecord } from '../targets/types.js';
import { deploy } from './deploy.js';
import type { DeployFlags, GlobalFlags } from './flags.js';
import { session } from './harness.js';
import { print, printJson } from './output.js';

export interface PromoteFlags extends DeployFlags {
  release?: string;
}

/** What a target's artifacts are: machines run an app archive, aws a container image. */
export function artifactKind(target: string): 'archive' | 'image' | undefined {
  return ({ local: 'archive', ssh: 'archive', aws: 'image' } as Record<string, 'archive' | 'image'>)[target];
}

/** Why a release may not be promoted (a message key and its params), or undefined when it was verified. */
export function refusal(rec: ReleaseRecord): { failed: string[] } | undefined {
  const verify = Array.isArray(rec.details.verify) ? (rec.details.verify as { name?: string; ok?: boolean }[]) : [];
  const failed = verify.filter((v) => v.ok === false).map((v) => v.name ?? '?');
  // `succeeded` is only recorded after every verification check passed (and the health check before them).
  const verified = (rec.result as string) === 'succeeded' || (rec.result as string) === 'verified';
  return verified && !failed.length ? undefined : { failed };
}

async function sha256Of(file: string): Promise<string | undefined> {
  const h = createHash('sha256');
  try {
    for await (const c of createReadStream(file)) h.update(c as Buffer);
  } catch {
    return undefined;
  }
  return h.digest('hex');
}

export async function promote(g: GlobalFlags, from: string, to: string, o: PromoteFlags): Promise<number> {
  if (from === to) throw new SlipwayError({ key: 'promote.same', params: { env: to }, fix: 'promote.same.fix', fixParams: { env: to }, exitCode: 2 });
  const src = await session(g, from);
  const dst = await session(g, to);
  const fromTarget = src.envr.target.target;
  const toTarget = dst.envr.target.target;
  const fromKind = artifactKind(fromTarget);
  const toKind = artifactKind(toTarget);
  if (!fromKind || fromKind !== toKind) {
    throw new SlipwayError({
      key: 'promote.kindMismatch',
      params: { from, to, fromTarget, toTarget, fromKind: fromKind ?? '-', toKind: toKind ?? '-' },
      place: `environments.${to}.target`,
      fix: 'promote.kindMismatch.fix',
      fixParams: { to },
      exitCode: 2,
    });
  }
  if (!src.target.promotable) throw new SlipwayError({ key: 'promote.notSupported', params: { target: fromTarget }, fix: 'cli.notForTarget.fix', exitCode: 2 });
  const p: PromotableRelease = await src.target.promotable(src.ctx, o.release ? { release: o.release } : {});
  const rec = p.record;
  const no = refusal(rec);
  if (no) {
    throw new SlipwayError({
      key: 'promote.notVerified',
      params: { from, to, release: rec.id, result: rec.result, failed: no.failed.length ? t('promote.failedChecks', { names: no.failed.join(', ') }) : '' },
      place: `${from}/${rec.id}`,
      fix: 'promote.notVerified.fix',
      fixParams: { from },
      exitCode: 1,
    });
  }
  if (!p.present || !p.digest) {
    throw new SlipwayError({ key: 'promote.noArtifact', params: { from, release: rec.id, where: p.where }, place: p.where, fix: 'promote.noArtifact.fix', fixParams: { from }, exitCode: 1 });
  }
  const source = { from, release: rec.id, result: rec.result, to, digest: p.kind === 'image' ? (p.image ?? p.digest) : `sha256:${p.digest}` };
  if (g.json) printJson({ type: 'promote', ...source });
  else print(t('promote.source', source));

  const promoted: PromotedArtifact = { from: { env: from, release: rec.id }, ...(rec.gitCommit ? { gitCommit: rec.gitCommit } : {}) };
  if (p.kind === 'image') {
    promoted.image = p.image!;
    if (p.migrations) promoted.migrations = p.migrations;
  } else {
    // Into <to>'s own artifact store here (content-addressed), unless the same bytes are there already.
    const file = path.join(dst.ctx.stateDir, 'artifacts', `${p.digest}.tgz`);
    if ((await sha256Of(file)) !== p.digest) {
      if (!src.target.fetchArtifact) throw new SlipwayError({ key: 'promote.notSupported', params: { target: fromTarget }, fix: 'cli.notForTarget.fix', exitCode: 2 });
      await src.target.fetchArtifact(src.ctx, p.digest, file);
      const { size } = await stat(file);
      if (!g.json) print(t('promote.fetched', { sha: p.digest.slice(0, 12), where: p.where, kb: Math.ceil(size / 1024) }));
    }
    promoted.sha256 = p.digest;
    promoted.file = file;
  }
  await src.close(); // <from> is only read: its connections end before <to>'s deploy starts
  return deploy(g, to, o, promoted);
}
