import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { acquireLock, isStale, readLock, type LockOwner } from '../../src/engine/lock.js';
import { SlipwayError } from '../../src/engine/errors.js';
import { LocalHost } from '../../src/host/local.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const host = new LocalHost();
const TTL = 60_000;

let tmp: string;
let n = 0;
before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'slipway-lock-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});
/** A fresh lock file inside a (not yet existing) state dir. */
const lockDir = () => path.join(tmp, `env${++n}`, 'lock.json');

async function forge(dir: string, owner: Partial<LockOwner>): Promise<LockOwner> {
  const full: LockOwner = {
    token: `forged-${n}-${Math.random()}`,
    pid: process.pid,
    machine: os.hostname(),
    user: 'someone',
    command: 'deploy',
    startedAt: new Date(Date.now() - 5000).toISOString(),
    expiresAt: new Date(Date.now() + TTL).toISOString(),
    ...owner,
  };
  await mkdir(path.dirname(dir), { recursive: true });
  await writeFile(dir, JSON.stringify(full));
  return full;
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(r.stdout);
  assert.ok(Number.isInteger(pid) && pid > 0);
  return pid;
}

function assertHeld(e: unknown, owner: Partial<LockOwner>): true {
  assert.ok(e instanceof SlipwayError, String(e));
  assert.equal(e.key, 'lock.held');
  assert.equal(e.exitCode, 1);
  assert.equal(e.fix, 'lock.held.fix');
  for (const [k, v] of Object.entries(owner)) assert.equal(e.params[k === 'startedAt' ? 'since' : k === 'expiresAt' ? 'expires' : k], v, k);
  if (owner.pid !== undefined) assert.match(e.message, new RegExp(`pid ${owner.pid}`));
  return true;
}

describe('deploy lock (LocalHost)', () => {
  test('acquire writes the owner; release removes the lock; it can be taken again', async () => {
    const dir = lockDir();
    const h = await acquireLock(host, dir, { command: 'deploy', ttlMs: TTL });
    assert.equal(h.tookOver, undefined);
    assert.equal(h.owner.pid, process.pid);
    assert.equal(h.owner.machine, os.hostname());
    assert.equal(h.owner.command, 'deploy');
    assert.ok(Date.parse(h.owner.expiresAt) - Date.parse(h.owner.startedAt) === TTL);
    assert.deepEqual(await readLock(host, dir), h.owner);
    await h.release();
    assert.equal(existsSync(dir), false);
    await h.release(); // idempotent
    const again = await acquireLock(host, dir, { command: 'rollback', ttlMs: TTL });
    assert.equal(again.tookOver, undefined);
    await again.release();
  });

  test('a second acquire is refused with lock.held naming the owner', async () => {
    const dir = lockDir();
    const h = await acquireLock(host, dir, { command: 'deploy', ttlMs: TTL, refreshMs: 50 });
    try {
      let waited: LockOwner | undefined;
      await assert.rejects(acquireLock(host, dir, { command: 'rollback', ttlMs: TTL, onWait: (o) => (waited = o) }), (e) =>
        assertHeld(e, { pid: process.pid, machine: os.hostname(), user: h.owner.user, command: 'deploy', startedAt: h.owner.startedAt }),
      );
      assert.equal(waited?.token, h.owner.token, 'the contender watched the lease before refusing');
      assert.equal((await readLock(host, dir))?.token, h.owner.token, 'the holder keeps its lock');
    } finally {
      await h.release();
    }
  });

  test('a lock whose holder was killed (no renewals) is taken over only after its lease expires, never by its pid', async () => {
    const dir = lockDir();
    const gone = await forge(dir, { pid: deadPid(), user: 'ghost', expiresAt: new Date(Date.now() + 1500).toISOString() });
    assert.equal(isStale(gone), false);
    const h = await acquireLock(host, dir, { command: 'deploy', ttlMs: TTL });
    try {
      assert.ok(Date.now() >= Date.parse(gone.expiresAt), 'not before the expiry');
      assert.equal(h.tookOver?.token, gone.token);
      assert.equal((await readLock(host, dir))?.token, h.owner.token);
    } finally {
      await h.release();
    }
  });

  test('an expired lock is taken over, even if its owner is alive', async () => {
    const dir = lockDir();
    const expired = await forge(dir, { pid: process.pid, machine: 'build-box', expiresAt: new Date(Date.now() - 1000).toISOString() });
    const h = await acquireLock(host, dir, { command: 'deploy', ttlMs: TTL });
    try {
      assert.deepEqual(h.tookOver, expired);
    } finally {
      await h.release();
    }
  });

  test('force takes over a live lock', async () => {
    const dir = lockDir();
    const first = await acquireLock(host, dir, { command: 'deploy', ttlMs: TTL });
    const second = await acquireLock(host, dir, { command: 'rollback', ttlMs: TTL, force: true });
    try {
      assert.equal(second.tookOver?.command, 'deploy');
      assert.equal(second.tookOver?.startedAt, first.owner.startedAt);
      assert.equal((await readLock(host, dir))?.command, 'rollback');
      // the displaced holder's release must not remove the new holder's lock
      await first.release();
      assert.equal((await readLock(host, dir))?.command, 'rollback');
    } finally {
      await second.release();
    }
    assert.equal(existsSync(dir), false);
  });

  test('an unreadable lock file (a corrupted record) is replaced', async () => {
    const dir = lockDir();
    await mkdir(path.dirname(dir), { recursive: true });
    await writeFile(dir, '{"tok');
    const h = await acquireLock(host, dir, { command: 'deploy', ttlMs: TTL });
    try {
      assert.equal(h.tookOver, undefined);
      assert.equal((await readLock(host, dir))?.token, h.owner.token);
    } finally {
      await h.release();
    }
  });

  test('a holder whose lease was taken over is told so at its next renewal (onLost), and its release leaves the new lock', async () => {
    const dir = lockDir();
    let lost = '';
    // The takeover lands well before the first renewal (a renewal racing a forced takeover can win once; the next one tells).
    const first = await acquireLock(host, dir, { command: 'deploy', ttlMs: TTL, refreshMs: 300, onLost: (r) => (lost = r) });
    const second = await acquireLock(host, dir, { command: 'rollback', ttlMs: TTL, force: true });
    try {
      for (let i = 0; i < 200 && !lost; i++) await new Promise((r) => setTimeout(r, 20));
      assert.match(lost, /taken over by .*rollback/);
      await first.release();
      assert.equal((await readLock(host, dir))?.token, second.owner.token);
    } finally {
      await second.release();
    }
  });

  test('a renewal that cannot write stops the holder (onLost with the reason)', async () => {
    const dir = lockDir();
    let lost = '';
    const failing = new (class extends LocalHost {
      broken = false;
      override async writeFile(p: string, d: string, m?: number): Promise<void> {
        if (this.broken) throw new Error('connection to the lock store lost');
        return super.writeFile(p, d, m);
      }
    })();
    const h = await acquireLock(failing, dir, { command: 'deploy', ttlMs: 300, refreshMs: 20, onLost: (r) => (lost = r) });
    failing.broken = true;
    for (let i = 0; i < 100 && !lost; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(lost, 'connection to the lock store lost');
    await h.release(); // after a loss, release does not touch the store
    assert.equal((await readLock(host, dir))?.token, h.owner.token);
  });

  test('the holder refreshes the expiry while it works', async () => {
    const dir = lockDir();
    const h = await acquireLock(host, dir, { command: 'deploy', ttlMs: TTL, refreshMs: 30 });
    try {
      const first = (await readLock(host, dir))!.expiresAt;
      let later = first;
      for (let i = 0; i < 100 && later === first; i++) {
        await new Promise((r) => setTimeout(r, 20));
        later = (await readLock(host, dir))?.expiresAt ?? first;
      }
      assert.ok(Date.parse(later) > Date.parse(first), `${later} > ${first}`);
    } finally {
      await h.release();
    }
    assert.equal(existsSync(dir), false);
  });

  test('10 concurrent acquires in one process: exactly one wins', async () => {
    const dir = lockDir();
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => acquireLock(host, dir, { command: `deploy-${i}`, ttlMs: TTL, refreshMs: 50 })));
    const won = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLock>>> => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(won.length, 1, `winners: ${won.map((w) => w.value.owner.command).join(', ')}`);
    try {
      assert.equal(lost.length, 9);
      for (const l of lost) assertHeld(l.reason, { command: won[0]!.value.owner.command });
      assert.equal((await readLock(host, dir))?.command, won[0]!.value.owner.command);
    } finally {
      await won[0]!.value.release();
    }
  });

  test('10 concurrent takeovers of one expired lock: exactly one wins, the rest are told who holds it', async () => {
    for (let trial = 0; trial < 5; trial++) {
      const dir = lockDir();
      await forge(dir, { pid: deadPid(), command: 'crashed-deploy', expiresAt: new Date(Date.now() - 1).toISOString() });
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => acquireLock(host, dir, { command: `deploy-${i}`, ttlMs: TTL, refreshMs: 50 })));
      const won = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLock>>> => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(won.length, 1, `trial ${trial}: winners ${won.map((w) => w.value.owner.command).join(', ')}; errors ${lost.map((l) => String(l.reason)).join(' | ')}`);
      try {
        assert.equal(won[0]!.value.tookOver?.command, 'crashed-deploy');
        for (const l of lost) assertHeld(l.reason, { command: won[0]!.value.owner.command });
        assert.equal((await readLock(host, dir))?.command, won[0]!.value.owner.command);
      } finally {
        await won[0]!.value.release();
      }
    }
  });

  test('two processes racing: exactly one wins, the other is told who holds it', async () => {
    const dir = lockDir();
    const script = path.join(tmp, 'racer.mts');
    await writeFile(
      script,
      `
import { createInterface } from 'node:readline';
import { acquireLock } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'src/engine/lock.ts')).href)};
import { LocalHost } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'src/host/local.ts')).href)};
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
console.log(JSON.stringify({ ready: process.pid }));
await lines.next(); // "go"
let handle;
try {
  handle = await acquireLock(new LocalHost(), process.argv[2], { command: 'racer-' + process.pid, ttlMs: 60000, refreshMs: 200 });
  console.log(JSON.stringify({ won: true, pid: process.pid }));
} catch (e) {
  console.log(JSON.stringify({ won: false, pid: process.pid, key: e.key, holder: e.params?.pid }));
}
await lines.next(); // hold the lock until told to finish (or stdin closes)
await handle?.release();
process.exit(0);
`,
    );
    const start = () => spawn(process.execPath, ['--import', 'tsx', script, dir], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const kids = [start(), start()];
    const linesOf = (c: ChildProcessWithoutNullStreams) => {
      const queue: string[] = [];
      const waiters: ((l: string) => void)[] = [];
      let buf = '';
      let err = '';
      c.stderr.on('data', (d: Buffer) => (err += d.toString()));
      c.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          const w = waiters.shift();
          if (w) w(line);
          else queue.push(line);
        }
      });
      return () =>
        new Promise<Record<string, unknown>>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`child ${c.pid} said nothing; stderr: ${err}`)), 20_000);
          const take = (l: string) => {
            clearTimeout(timer);
            resolve(JSON.parse(l) as Record<string, unknown>);
          };
          const q = queue.shift();
          if (q !== undefined) take(q);
          else waiters.push(take);
        });
    };
    const next = kids.map(linesOf);
    const exited = kids.map((c) => new Promise<number | null>((r) => c.on('close', (code) => r(code))));
    try {
      await Promise.all(next.map((f) => f())); // both ready
      for (const c of kids) c.stdin.write('go\n');
      const results = await Promise.all(next.map((f) => f()));
      const winners = results.filter((r) => r.won === true);
      const losers = results.filter((r) => r.won === false);
      assert.equal(winners.length, 1, JSON.stringify(results));
      assert.equal(losers.length, 1, JSON.stringify(results));
      assert.equal(losers[0]!.key, 'lock.held');
      assert.equal(losers[0]!.holder, winners[0]!.pid);
      assert.equal((await readLock(host, dir))?.pid, winners[0]!.pid);
    } finally {
      for (const c of kids) c.stdin.end('done\n');
      assert.deepEqual(await Promise.all(exited), [0, 0]);
    }
    assert.equal(existsSync(dir), false, 'the winner released the lock');
  });
});
