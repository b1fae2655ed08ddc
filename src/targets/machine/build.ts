/**
 * Building a release on the machine. The app's source is packed once on this machine into
 * a reproducible archive (sorted, fixed mtimes and owners: the same tree gives the same
 * sha256), uploaded to the machine's content-addressed artifact store (checked on arrival,
 * skipped when already there), unpacked into `releases/<id>/app`, then installed with the
 * package manager its lockfile belongs to, reusing the previous release's `node_modules`
 * when the lockfile and Node version are unchanged. `.env*` files, `node_modules`, `.git`
 * and `.slipway` never enter an artifact.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { SlipwayError } from '../../engine/errors.js';
import { explain } from '../../knowledge/explain.js';
import type { StepContext, StepData } from '../../engine/step.js';
import { asService, type MachineRuntime } from './runtime.js';
import type { PromotedFrom } from '../types.js';
import { shell } from './shell.js';

export interface BuildMeta {
  configHash: string;
  gitCommit?: string;
  acceptedRisks: string[];
  /** `slipway promote`: the environment and release whose artifact this is. */
  promotedFrom?: PromotedFrom;
}

export type PackageManager = 'npm' | 'yarn' | 'pnpm';

const LOCKFILES: [string, PackageManager][] = [
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
  ['yarn.lock', 'yarn'],
  ['pnpm-lock.yaml', 'pnpm'],
];

/** The install command for a package manager, pinned to the lockfile when there is one. */
export function installCommand(pm: PackageManager, hasLock: boolean): string {
  if (pm === 'yarn') return hasLock ? 'corepack yarn install --frozen-lockfile --non-interactive' : 'corepack yarn install --non-interactive';
  if (pm === 'pnpm') return hasLock ? 'corepack pnpm install --frozen-lockfile' : 'corepack pnpm install';
  return hasLock ? 'npm ci --no-audit --no-fund' : 'npm install --no-audit --no-fund';
}

/** Pack arguments: top-level-only excludes anchored, the rest anywhere in the tree. */
export function packArgv(appDir: string, out: string, excludeDist: boolean): string[] {
  const script = [
    'set -o pipefail',
    'dir="$1"; out="$2"; shift 2',
    // GNU tar: reproducible order, times and owners; gzip -n leaves out the name and time.
    'tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --anchored "$@" --no-anchored --exclude=node_modules --exclude=.env --exclude=".env.*" -C "$dir" -cf - . | gzip -n > "$out"',
  ].join('\n');
  const anchored = ['./.git', './.slipway', ...(excludeDist ? ['./dist'] : [])].map((p) => `--exclude=${p}`);
  return ['bash', '-c', script, 'pack', appDir, out, ...anchored];
}

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(file)) h.update(c as Buffer);
  return h.digest('hex');
}

export interface PackedApp {
  file: string;
  sha256: string;
}

/** Pack the app on this machine; returns the archive and its sha256. */
export async function packApp(rt: MachineRuntime): Promise<PackedApp> {
  const local = rt.ctx.localHost;
  const dir = path.join(rt.ctx.stateDir, 'artifacts');
  await local.mkdir(dir, { mode: 0o700 });
  const tmp = path.join(dir, `pack-${process.pid}-${Date.now()}.tgz`);
  const r = await local.exec(packArgv(rt.ctx.envr.appDir, tmp, !!rt.ctx.envr.app.build));
  if (r.code !== 0) {
    await local.rm(tmp);
    throw new SlipwayError({ key: 'machine.packFailed', params: { dir: rt.ctx.envr.appDir, reason: explain(r.stderr).text }, place: rt.ctx.envr.appDir, fix: 'machine.packFailed.fix' });
  }
  const sha256 = await sha256File(tmp);
  const file = path.join(dir, `${sha256}.tgz`);
  await local.rename(tmp, file);
  return { file, sha256 };
}

/** The release's code on the machine: the artifact uploaded (when new) and unpacked. */
export async function unpackRelease(rt: MachineRuntime, ctx: StepContext, release: string, packed?: () => Promise<PackedApp>): Promise<{ sha256: string }> {
  // A fleet packs once and hands every host the same archive.
  const { file, sha256 } = await (packed ?? (() => packApp(rt)))();
  const there = path.posix.join(rt.layout.artifacts, `${sha256}.tgz`);
  if (!(await rt.host.exists(there))) {
    await rt.host.mkdir(rt.layout.artifacts, { mode: 0o755 });
    await rt.host.upload(createReadStream(file), there, { sha256, mode: 0o644 });
  }
  const app = rt.store.appDir(release);
  await rt.host.rm(app);
  await rt.host.mkdir(app, { mode: 0o755 });
  const r = await rt.host.exec(['tar', '-xzf', there, '-C', app]);
  if (r.code !== 0) throw new SlipwayError({ key: 'machine.unpackFailed', params: { file: there, reason: explain(r.stderr).text }, place: `${rt.setup.where}:${app}`, fix: 'machine.unpackFailed.fix' });
  if (rt.setup.serviceUser) await rt.host.exec(['chown', '-R', rt.setup.serviceUser, rt.store.releaseDir(release)]);
  ctx.log('log.artifact', { sha: sha256.slice(0, 12), where: rt.setup.where });
  return { sha256 };
}

/** Install dependencies; reuse the previous release's node_modules when nothing they depend on changed. */
export async function installRelease(rt: MachineRuntime, ctx: StepContext, release: string): Promise<StepData> {
  const app = rt.store.appDir(release);
  const env = { NODE_ENV: 'development' };
  if (rt.ctx.envr.app.install) {
    await shell(rt, ctx, rt.ctx.envr.app.install, app, env, 'install', release);
    return { reusedModules: false };
  }
  const configured = (rt.ctx.envr.app as { packageManager?: PackageManager }).packageManager;
  let lock: { name: string; pm: PackageManager; text: string } | undefined;
  for (const [name, pm] of LOCKFILES) {
    if (configured && pm !== configured) continue;
    const text = await rt.host.readFile(path.posix.join(app, name));
    if (text !== undefined) {
      lock = { name, pm, text };
      break;
    }
  }
  const pm = lock?.pm ?? configured ?? 'npm';
  const nodeVersion = (await rt.host.exec(['node', '--version'])).stdout.trim();
  const depsKey = lock ? createHash('sha256').update(`${pm}\n${nodeVersion}\n${lock.text}`).digest('hex').slice(0, 16) : undefined;
  if (depsKey) {
    const prev = (await rt.store.list()).find((r) => r.id !== release && r.details.depsKey === depsKey);
    const prevModules = prev ? path.posix.join(rt.store.appDir(prev.id), 'node_modules') : undefined;
    if (prevModules && (await rt.host.exists(prevModules))) {
      // Hard links: instant, and no release can change another's files (installs replace, not edit).
      const r = await rt.host.exec(['cp', '-al', prevModules, path.posix.join(app, 'node_modules')], asService(rt));
      if (r.code === 0) {
        ctx.log('log.modulesReused', { release: prev!.id });
        return { reusedModules: true, depsKey, packageManager: pm };
      }
    }
  }
  await shell(rt, ctx, installCommand(pm, !!lock), app, { ...env, COREPACK_ENABLE_DOWNLOAD_PROMPT: '0', COREPACK_DEFAULT_TO_LATEST: '0' }, 'install', release);
  return { reusedModules: false, packageManager: pm, ...(depsKey ? { depsKey } : {}) };
}
