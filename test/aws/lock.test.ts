/**
 * The aws environment's deploy lock lives in SSM Parameter Store (moto here): two machines
 * — two state dirs — deploying one environment see each other's lock. Every change of the
 * lock is a compare-and-set (a numbered parameter created without overwrite), and two real
 * CLIs racing for it, one SIGKILLed, leave exactly one winner and a lease the next run takes over.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { SSMClient, GetParametersByPathCommand } from '@aws-sdk/client-ssm';
import { startMoto, awsTestEnv, type Moto } from './moto.js';
import { writeConfig } from './helpers.js';
import { ensureBuilt, ROOT } from '../helpers/local-env.js';
import { SsmLockStore } from '../../src/targets/aws/lock-store.js';
import { acquireLock, readLock } from '../../src/engine/lock.js';
import { SlipwayError } from '../../src/engine/errors.js';

let moto: Moto;
let ssm: SSMClient;
const PREFIX = '/slipway/shop-api-production/lock-state';
const IMAGE = '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/shop-api';

before(async () => {
  ensureBuilt();
  moto = await startMoto();
  ssm = new SSMClient({ endpoint: moto.url, region: 'ap-southeast-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});
after(async () => {
  ssm?.destroy();
  await moto?.stop();
});

const laptop = () => new SsmLockStore(ssm, '/home/a/app/.slipway/production', PREFIX);
const ciRunner = () => new SsmLockStore(ssm, '/builds/x/app/.slipway/production', PREFIX);
const LAPTOP_LOCK = '/home/a/app/.slipway/production/lock.json';
const CI_LOCK = '/builds/x/app/.slipway/production/lock.json';

async function lockParams(): Promise<{ name: string; value: string }[]> {
  const r = await ssm.send(new GetParametersByPathCommand({ Path: `${PREFIX}/lock.json`, Recursive: false }));
  return (r.Parameters ?? []).map((p) => ({ name: p.Name!, value: p.Value! })).sort((a, b) => a.name.localeCompare(b.name));
}

test('a lock taken on one machine refuses a deploy from another, naming the holder; release frees it', async () => {
  const a = await acquireLock(laptop(), LAPTOP_LOCK, { command: 'deploy', ttlMs: 60_000, refreshMs: 100 });
  assert.ok((await lockParams()).some((p) => p.name.startsWith(`${PREFIX}/lock.json/`) && p.value.includes(a.owner.token)));
  await assert.rejects(acquireLock(ciRunner(), CI_LOCK, { command: 'deploy', ttlMs: 60_000 }), (e: unknown) => {
    assert.ok(e instanceof SlipwayError && e.key === 'lock.held');
    assert.equal(e.params.pid, process.pid);
    return true;
  });
  await a.release();
  assert.equal(await readLock(ciRunner(), CI_LOCK), undefined);
  const b = await acquireLock(ciRunner(), CI_LOCK, { command: 'deploy', ttlMs: 60_000 });
  await b.release();
  assert.equal((await lockParams()).length, 1, 'older entries are deleted; only the released head is left');
});

test('an expired lock in the account is taken over; the old holder can neither renew nor release it', async () => {
  let lostReason = '';
  const a = await acquireLock(laptop(), LAPTOP_LOCK, { command: 'deploy', ttlMs: 50, refreshMs: 60_000 });
  await new Promise((r) => setTimeout(r, 150));
  const b = await acquireLock(ciRunner(), CI_LOCK, { command: 'rollback', ttlMs: 60_000 });
  assert.equal(b.tookOver?.command, 'deploy');
  await a.release(); // not the owner any more: must not remove b's lock
  assert.equal((await readLock(laptop(), LAPTOP_LOCK))?.command, 'rollback');
  await b.release();
  // A renewal is a compare-and-set: a holder whose record was replaced stops.
  const c = await acquireLock(laptop(), LAPTOP_LOCK, { command: 'deploy', ttlMs: 1000, refreshMs: 300, onLost: (r) => (lostReason = r) });
  const held = await laptop().readFile(LAPTOP_LOCK);
  assert.ok(held?.includes(c.owner.token));
  assert.equal(await ciRunner().swap(CI_LOCK, held, JSON.stringify({ token: 'forced', expiresAt: new Date(Date.now() + 60_000).toISOString() })), true);
  assert.equal(await ciRunner().swap(CI_LOCK, held, 'a second swap from the same record'), false, 'a compare-and-set against a replaced record fails');
  await new Promise((r) => setTimeout(r, 800));
  assert.match(lostReason, /taken over/);
  await c.release();
  assert.equal((await readLock(laptop(), LAPTOP_LOCK))?.token, 'forced');
  await ciRunner().rm(CI_LOCK);
});

test('concurrent acquires from several machines: exactly one wins', async () => {
  const stores = [laptop(), ciRunner(), laptop(), ciRunner(), laptop()];
  const results = await Promise.allSettled(stores.map((s, i) => acquireLock(s, i % 2 ? CI_LOCK : LAPTOP_LOCK, { command: `deploy-${i}`, ttlMs: 60_000, refreshMs: 100 })));
  const won = results.filter((r) => r.status === 'fulfilled');
  assert.equal(won.length, 1, results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'won')).join(' | '));
  for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof SlipwayError && r.reason.key === 'lock.held', String(r.reason));
  await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLock>>>).value.release();
});

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>;
}

function cli(config: string, args: string[]): Run {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'slipway.js'), ...args, '--config', config], {
    env: { ...process.env, ...awsTestEnv, AWS_ENDPOINT_URL: moto.url, JWT_SECRET: 'jwt-lock-race', CI: 'true', SLIPWAY_LANG: 'en', SLIPWAY_AWS_POLL_MS: '200' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return { child, done: new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out }))) };
}

test('two CLIs deploy the same environment at once: one holds the lock, the other is refused naming it; the holder SIGKILLed, the next run takes over once its lease expired', async () => {
  await moto.reset();
  const config = await writeConfig({ production: { lockTtlMs: 3000 } });
  const deploy = ['deploy', 'production', '--image', `${IMAGE}:v1`, '--allow-unverified'];
  const runs = [cli(config, deploy), cli(config, deploy)];
  // The loser sees the holder renew its lease (every second) and gives up while the holder still deploys.
  const first = await Promise.race(runs.map((r, i) => r.done.then((d) => ({ ...d, i }))));
  const holder = runs[1 - first.i]!;
  assert.equal(first.code, 1, first.out);
  assert.match(first.out, /Another deploy holds the deploy lock/);
  assert.equal(holder.child.exitCode, null, 'the holder is still deploying');
  const token = JSON.parse((await laptop().readFile(LAPTOP_LOCK))!) as { token: string; pid: number };
  assert.equal(token.pid, holder.child.pid);

  holder.child.kill('SIGKILL');
  assert.equal((await holder.done).signal, 'SIGKILL');
  assert.equal((await readLock(laptop(), LAPTOP_LOCK))?.token, token.token, 'a killed holder leaves its lock');

  // The next run waits for the lease to run out unrenewed, takes the lock over, finishes the killed run, then does its own work.
  const next = await cli(config, ['rollback', 'production']).done;
  assert.match(next.out, new RegExp(`Took over a stale lock of .*pid ${holder.child.pid}, deploy`));
  assert.match(next.out, /interrupted deploy/i);
  assert.equal(next.code, 1, next.out);
  assert.match(next.out, /no earlier good release to roll back to/);
  assert.equal(await readLock(laptop(), LAPTOP_LOCK), undefined, 'released when the run ended');
});
