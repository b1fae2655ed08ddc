/**
 * The deploy lock of an environment is a lease. One record — owner token, who, what and
 * until when — is created atomically where the environment keeps its state (a file created
 * exclusively on this machine or on the VM, a parameter written without overwrite in SSM),
 * so a lock never exists without its owner. The holder renews the expiry while it works;
 * a renewal that fails, or finds another token, tells the holder to stop safely.
 * Liveness is the lease alone: a contender never judges a holder by looking up a pid,
 * which means nothing on another machine. A contender that finds the lock held watches it:
 * a renewal (the expiry moves) means the holder is alive and the contender is refused,
 * naming the holder; a lease that runs out unrenewed (its CLI was killed, its machine lost
 * the network) is taken over after its expiry, through a gate, so exactly one of several
 * contenders wins. Leases are short and renewed often, so a crashed run blocks the next
 * command for seconds, not for a quarter of an hour. `--force-unlock` takes over any lock.
 * A store with a compare-and-set (SSM Parameter Store) renews, takes over and releases
 * through it, so a renewal can never overwrite a lock another contender just took.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { LockStore } from './ports.js';
import { SlipwayError } from './errors.js';
import { poll } from './poll.js';

export type { LockStore } from './ports.js';

export interface LockOwner {
  /** Random per acquisition: the only thing that says "this lock is mine". */
  token: string;
  pid: number;
  machine: string;
  user: string;
  command: string;
  startedAt: string;
  expiresAt: string;
}

export interface LockHandle {
  readonly owner: LockOwner;
  /** The previous owner when an expired (or forced) lock was taken over. */
  readonly tookOver: LockOwner | undefined;
  release(): Promise<void>;
}

export interface AcquireOptions {
  command: string;
  ttlMs: number;
  force?: boolean;
  /** Milliseconds between renewals; default ttl/3. */
  refreshMs?: number;
  /** The lease could not be renewed (store unreachable, or taken over): stop the run safely. */
  onLost?: (reason: string) => void;
  /** The lock is held and its lease is being watched until it is renewed or expires. */
  onWait?: (owner: LockOwner) => void;
  /** How often a contender re-reads a held lock (default 250 ms). */
  pollMs?: number;
}

/** How long a takeover gate may be held before a contender may clear it. */
const GATE_TTL_MS = 30_000;

/** The lock as stored (`text`, what a compare-and-set compares) and its owner when it parses. */
async function readLockText(store: LockStore, file: string): Promise<{ text?: string; owner?: LockOwner }> {
  const text = await store.readFile(file);
  if (!text) return {};
  try {
    const v = JSON.parse(text) as LockOwner;
    return typeof v.token === 'string' && typeof v.expiresAt === 'string' ? { text, owner: v } : { text };
  } catch {
    return { text };
  }
}

export async function readLock(store: LockStore, file: string): Promise<LockOwner | undefined> {
  return (await readLockText(store, file)).owner;
}

/** A lock is stale only when its lease has expired. */
export function isStale(owner: Pick<LockOwner, 'expiresAt'>, now = Date.now()): boolean {
  return !(Date.parse(owner.expiresAt) > now);
}

const serialize = (o: LockOwner) => JSON.stringify(o, null, 2) + '\n';

/**
 * Replace an expired (or forced) lock. With a compare-and-set store this is one swap of the
 * exact record seen; otherwise contenders serialise on a gate created exclusively and re-read
 * the lock inside it. Either way exactly one replaces the lock they all saw.
 */
async function takeOver(store: LockStore, file: string, seenText: string | undefined, seen: LockOwner | undefined, next: LockOwner): Promise<boolean> {
  if (store.swap) return store.swap(file, seenText, serialize(next));
  const gate = `${file}.takeover`;
  const mine = JSON.stringify({ token: next.token, expiresAt: new Date(Date.now() + GATE_TTL_MS).toISOString() });
  if (!(await store.createExclusive(gate, mine, 0o644))) {
    const held = await store.readFile(gate).catch(() => undefined);
    const until = held ? Date.parse((JSON.parse(held) as { expiresAt?: string }).expiresAt ?? '') : NaN;
    if (!(until > Date.now())) await store.rm(gate); // its holder died mid-takeover
    return false;
  }
  try {
    const now = await readLock(store, file);
    if ((now?.token ?? null) !== (seen?.token ?? null)) return false;
    if (now) {
      await store.writeFile(file, serialize(next), 0o644);
      return true;
    }
    await store.rm(file); // absent, or unreadable: clear it and create ours
    return store.createExclusive(file, serialize(next), 0o644);
  } finally {
    await store.rm(gate);
  }
}

/**
 * Watch a held lock until its holder shows it is alive (a renewal: refuse) or its lease
 * runs out (take it over). Returns the owner to replace, or throws `lock.held`.
 */
async function watchLease(store: LockStore, file: string, seen: LockOwner, opts: AcquireOptions): Promise<LockOwner | undefined> {
  opts.onWait?.(seen);
  const every = opts.pollMs ?? 250;
  const r = await poll(
    async (): Promise<{ done: LockOwner | undefined } | undefined> => {
      if (isStale(seen)) return { done: seen };
      const now = await readLock(store, file);
      if (!now || now.token !== seen.token) return { done: undefined }; // released or replaced: try again
      if (Date.parse(now.expiresAt) > Date.parse(seen.expiresAt)) throw heldError(now, file); // renewed: alive
      return undefined;
    },
    { initialMs: every, maxMs: every, factor: 1, jitter: 0 },
  );
  return r.kind === 'done' ? r.value : undefined;
}

export async function acquireLock(store: LockStore, file: string, opts: AcquireOptions): Promise<LockHandle> {
  const owner = makeOwner(opts);
  let tookOver: LockOwner | undefined;
  for (let attempt = 0; ; attempt++) {
    if (await store.createExclusive(file, serialize(owner), 0o644)) break;
    const seen = await readLockText(store, file);
    let current = seen.owner;
    if (current && !opts.force && !isStale(current)) {
      current = await watchLease(store, file, current, opts);
      if (!current) continue;
    }
    if (await takeOver(store, file, seen.text, current, owner)) {
      tookOver = current;
      break;
    }
    if (attempt >= 50) throw heldError(current, file);
    await new Promise((r) => setTimeout(r, 20 + Math.random() * 50));
  }
  let released = false;
  let renewing: Promise<void> = Promise.resolve();
  const lost = (reason: string) => {
    if (released) return;
    released = true;
    clearInterval(timer);
    opts.onLost?.(reason);
  };
  const refreshMs = opts.refreshMs ?? Math.max(1000, Math.floor(opts.ttlMs / 3));
  const renew = async () => {
    const { text, owner: now } = await readLockText(store, file);
    if (now?.token !== owner.token) return lost(now ? `taken over by ${now.user}@${now.machine} (${now.command})` : 'the lock was removed');
    const next = new Date(Date.now() + opts.ttlMs).toISOString();
    // Only this holder writes its token, so the record read is its own; the swap fails only if another took the lock since.
    if (store.swap) {
      if (!(await store.swap(file, text, serialize({ ...owner, expiresAt: next })))) return lost('taken over while renewing');
    } else {
      await store.writeFile(file, serialize({ ...owner, expiresAt: next }), 0o644);
    }
    owner.expiresAt = next;
  };
  const timer = setInterval(() => {
    renewing = renewing.then(renew).catch((e: unknown) => {
      // A failed renewal is tried again while the lease still holds; once it would lapse, stop.
      if (Date.parse(owner.expiresAt) - Date.now() <= refreshMs) lost(e instanceof Error ? e.message : String(e));
    });
  }, refreshMs);
  timer.unref();
  return {
    owner,
    tookOver,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await renewing;
      const { text, owner: now } = await readLockText(store, file);
      if (now?.token !== owner.token) return;
      if (store.swap) await store.swap(file, text, undefined);
      else await store.rm(file);
    },
  };
}

/** `slipway lock release`: remove whatever lock is there (the operator said its holder is gone). */
export async function breakLock(store: LockStore, file: string): Promise<LockOwner | undefined> {
  const now = await readLock(store, file);
  await store.rm(file);
  return now;
}

function makeOwner(opts: AcquireOptions): LockOwner {
  const now = Date.now();
  return {
    token: randomBytes(12).toString('hex'),
    pid: process.pid,
    machine: os.hostname(),
    user: os.userInfo().username,
    command: opts.command,
    startedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + opts.ttlMs).toISOString(),
  };
}

function heldError(owner: LockOwner | undefined, file: string): SlipwayError {
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
    place: file,
    fix: 'lock.held.fix',
    exitCode: 1,
  });
}
