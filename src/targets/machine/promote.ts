/**
 * `slipway promote` on machines (local, ssh): the release another environment verified is
 * read from its ledger, its content-addressed archive (`artifacts/<sha256>.tgz`) copied from
 * its machine to this one through the `Host` (streamed, sha256 checked), and the receiving
 * environment's ordinary deploy plan unpacks that archive instead of packing the working tree.
 */
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { SlipwayError } from '../../engine/errors.js';
import '../../engine/messages/promote.js';
import type { StepData } from '../../engine/step.js';
import type { PromotableRelease, PromotedArtifact } from '../types.js';
import { packApp, type BuildMeta, type PackedApp } from './build.js';
import type { MachineRuntime } from './runtime.js';

/** The promoted artifact a deploy plan's meta carries (journaled: a resumed run unpacks the same archive). */
export function promotedOf(meta: StepData): PromotedArtifact | undefined {
  const p = meta.promoted as unknown as PromotedArtifact | undefined;
  return p && typeof p.sha256 === 'string' && typeof p.file === 'string' && p.from ? p : undefined;
}

/** The plan meta of a deploy: the promoted artifact when there is one. */
export function promotedMeta(p: PromotedArtifact | undefined): StepData {
  return p ? { promoted: { from: { env: p.from.env, release: p.from.release }, sha256: p.sha256 ?? '', file: p.file ?? '', ...(p.gitCommit ? { gitCommit: p.gitCommit } : {}) } } : {};
}

/** What a release records about how it was built: a promoted one, the release it came from and that release's commit. */
export function withPromotion(base: BuildMeta, meta: StepData): BuildMeta {
  const p = promotedOf(meta);
  if (!p) return base;
  const { gitCommit: _here, ...rest } = base;
  return { ...rest, ...(p.gitCommit ? { gitCommit: p.gitCommit } : {}), promotedFrom: p.from };
}

/** The archive a deploy unpacks: the promoted one as it is, or the working tree packed now. */
export function packerOf(rt: MachineRuntime, meta: StepData): () => Promise<PackedApp> {
  const p = promotedOf(meta);
  return p ? async () => ({ file: p.file!, sha256: p.sha256! }) : () => packApp(rt);
}

/** The release (default: the one serving) and whether its archive is still on the machine. */
export async function machinePromotable(rt: MachineRuntime, release: string | undefined): Promise<PromotableRelease> {
  const env = rt.ctx.envr.name;
  const id = release ?? (await rt.store.current());
  if (!id) throw new SlipwayError({ key: 'promote.nothingDeployed', params: { env }, fix: 'promote.nothingDeployed.fix', fixParams: { env }, exitCode: 1 });
  const record = await rt.store.get(id);
  if (!record) throw new SlipwayError({ key: 'promote.unknownRelease', params: { env, release: id }, fix: 'promote.unknownRelease.fix', fixParams: { env }, exitCode: 2 });
  const sha = typeof record.details.artifact === 'string' ? record.details.artifact : undefined;
  const file = sha ? path.posix.join(rt.layout.artifacts, `${sha}.tgz`) : rt.layout.artifacts;
  return { record, kind: 'archive', ...(sha ? { digest: sha } : {}), where: `${rt.setup.where}:${file}`, present: !!sha && (await rt.host.exists(file)) };
}

/** Copy the archive from the machine to `dest` here: streamed, its sha256 checked; nothing is left at `dest` unless it matched. */
export async function fetchMachineArtifact(rt: MachineRuntime, sha256: string, dest: string): Promise<void> {
  const src = path.posix.join(rt.layout.artifacts, `${sha256}.tgz`);
  const local = rt.ctx.localHost;
  await local.mkdir(path.dirname(dest), { mode: 0o700 });
  const tmp = `${dest}.part.${process.pid}`;
  try {
    await rt.host.download(src, createWriteStream(tmp, { mode: 0o600 }), { sha256 });
    await local.rename(tmp, dest);
  } catch (e) {
    await local.rm(tmp);
    if (e instanceof SlipwayError && e.key === 'host.copyMismatch') throw e; // the bytes changed there: its own cause and fix
    throw new SlipwayError({ key: 'promote.fetchFailed', params: { file: `${rt.setup.where}:${src}`, reason: e instanceof SlipwayError ? e.text() : e instanceof Error ? e.message : String(e) }, place: `${rt.setup.where}:${src}`, fix: 'promote.fetchFailed.fix' });
  }
}
