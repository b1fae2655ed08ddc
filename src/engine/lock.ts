/**
 * The deploy lock of an environment, as in Kamal: `mkdir <dir>` is the atomic test-and-set,
 * `owner.json` inside says who holds it, since when and until when. A lock whose owner
 * process is gone (same machine) or whose expiry has passed is stale and is taken over;
 * `--force-unlock` takes over any lock. The holder refreshes the expiry while it works.
 */
import os from 'node:os';
import path from 'node:path';
import type { Host } from '../targets/host.js';

/** What a lock needs from where it lives: a directory on a host, or a parameter store. */
export type LockStore = Pick<Host, 'mkdir' | 'readFile' | 'writeFile' | 'rm' | 'isAlive'>;
import { SlipwayError } from './errors.js';

export interface LockOwner {
  pid: number;
  machine: string;
  user: string;
  command: string;
  startedAt: string;
  expiresAt: string;
}

export interface LockHandle {
  readonly owner: LockOwner;
  /** The previous owner when a stale lock was taken over. */
  readonly tookOver: LockOwner | undefined;
  release(): Promise<void>;
}

export interface AcquireOptions {
  command: string;
  ttlMs: number;
  force?: boolean;
  /** Milliseconds between expiry refreshes; default ttl/3. */
  refreshMs?: number;
}

export function lockPaths(dir: string): { dir: string; owner: string } {
  return { dir, owner: path.join(dir, 'owner.json') };
}

export async function readLock(host: LockStore, dir: string): Promise<LockOwner | undefined> {
  const text = await host.readFile(lockPaths(dir).owner);
  if (!text) return undefined;
  try {
    return JSON.parse(text) as LockOwner;
  } catch {
    return undefined;
  }
}

export async function isStale(host: LockStore, owner: LockOwner | undefined, now = Date.now()): Promise<boolean> {
  if (!owner) return true;
  if (Date.parse(owner.expiresAt) <= now) return true;
  if (owner.machine === os.hostname() && !(await host.isAlive(owner.pid))) return true;
  return false;
}

function sameOwner(a: LockOwner | undefined, b: LockOwner | undefined): boolean {
  return a?.pid === b?.pid && a?.machine === b?.machine && a?.startedAt === b?.startedAt;
}

/**
 * Replace a stale (or forced) lock. Contenders serialise on a second `mkdir` gate and
 * re-read the owner inside it, so exactly one replaces the lock they all saw as stale.
 */
async function takeOver(host: LockStore, dir: string, seen: LockOwner | undefined): Promise<boolean> {
  const gate = `${dir}.takeover`;
  if (!(await host.mkdir(gate, { exclusive: true }))) {
    const at = Number((await host.readFile(path.join(gate, 'at'))) ?? '0');
    if (at && Date.now() - at > 30_000) await host.rm(gate); // its holder died mid-takeover
    return false;
  }
  try {
    await host.writeFile(path.join(gate, 'at'), String(Date.now()), 0o644);
    if (!sameOwner(await readLock(host, dir), seen)) return false;
    await host.rm(dir);
    return await host.mkdir(dir, { exclusive: true });
  } finally {
    await host.rm(gate);
  }
}

export async function acquireLock(host: LockStore, dir: string, opts: AcquireOptions): Promise<LockHandle> {
  const p = lockPaths(dir);
  await host.mkdir(path.dirname(dir));
  let tookOver: LockOwner | undefined;
  for (let attempt = 0; ; attempt++) {
    if (await host.mkdir(p.dir, { exclusive: true })) break;
    let current = await readLock(host, dir);
    if (!current) {
      // Created an instant ago by someone still writing owner.json: look again.
      await new Promise((r) => setTimeout(r, 200));
      current = await readLock(host, dir);
    }
    if (current && !opts.force && !(await isStale(host, current))) throw heldError(current, dir);
    if (await takeOver(host, dir, current)) {
      tookOver = current;
      break;
    }
    if (attempt >= 50) throw heldError(current, dir);
    await new Promise((r) => setTimeout(r, 20 + Math.random() * 50));
  }
  const owner = makeOwner(opts);
  await host.writeFile(p.owner, JSON.stringify(owner, null, 2) + '\n', 0o644);
  let released = false;
  const timer = setInterval(() => {
    owner.expiresAt = new Date(Date.now() + opts.ttlMs).toISOString();
    void host.writeFile(p.owner, JSON.stringify(owner, null, 2) + '\n', 0o644).catch(() => undefined);
  }, opts.refreshMs ?? Math.max(1000, Math.floor(opts.ttlMs / 3)));
  timer.unref();
  return {
    owner,
    tookOver,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      const now = await readLock(host, dir);
      if (now && now.pid === owner.pid && now.machine === owner.machine && now.startedAt === owner.startedAt) await host.rm(p.dir);
    },
  };
}

function makeOwner(opts: AcquireOptions): LockOwner {
  const now = Date.now();
  return {
    pid: process.pid,
    machine: os.hostname(),
    user: os.userInfo().username,
    command: opts.command,
    startedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + opts.ttlMs).toISOString(),
  };
}

function heldError(owner: LockOwner | undefined, dir: string): SlipwayError {
  return new SlipwayError({
    key: 'lock.held',
    params: {
      user: owner?.user ?? '?',
      machine: owner?.machine ?? '?',
      pid: owner?.pid ?? '?',
      command: owner?.command ?? '?',
      since: owner?.startedAt ?? '?',
      expires: owner?.expiresAt ?? '?',
    },
    place: dir,
    fix: 'lock.held.fix',
    exitCode: 1,
  });
}
