/**
 * The aws environment's deploy lock lives in SSM Parameter Store (moto here): two machines
 * — two state dirs — deploying one environment see each other's lock.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SSMClient, GetParametersByPathCommand } from '@aws-sdk/client-ssm';
import { startMoto, type Moto } from './moto.js';
import { SsmLockStore } from '../../src/targets/aws/lock-store.js';
import { acquireLock, readLock } from '../../src/engine/lock.js';
import { SlipwayError } from '../../src/engine/errors.js';

let moto: Moto;
let ssm: SSMClient;
const PREFIX = '/slipway/shop-api-production/lock-state';

before(async () => {
  moto = await startMoto();
  ssm = new SSMClient({ endpoint: moto.url, region: 'ap-southeast-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});
after(async () => {
  ssm?.destroy();
  await moto?.stop();
});

const laptop = () => new SsmLockStore(ssm, '/home/a/app/.slipway/production', PREFIX);
const ciRunner = () => new SsmLockStore(ssm, '/builds/x/app/.slipway/production', PREFIX);

test('a lock taken on one machine refuses a deploy from another, naming the holder; release frees it', async () => {
  const a = await acquireLock(laptop(), '/home/a/app/.slipway/production/lock', { command: 'deploy', ttlMs: 60_000, refreshMs: 100 });
  const params = await ssm.send(new GetParametersByPathCommand({ Path: PREFIX, Recursive: true }));
  assert.ok((params.Parameters ?? []).some((p) => p.Name === `${PREFIX}/lock`));
  await assert.rejects(acquireLock(ciRunner(), '/builds/x/app/.slipway/production/lock', { command: 'deploy', ttlMs: 60_000 }), (e: unknown) => {
    assert.ok(e instanceof SlipwayError && e.key === 'lock.held');
    assert.equal(e.params.pid, process.pid);
    return true;
  });
  await a.release();
  assert.equal(await readLock(ciRunner(), '/builds/x/app/.slipway/production/lock'), undefined);
  const b = await acquireLock(ciRunner(), '/builds/x/app/.slipway/production/lock', { command: 'deploy', ttlMs: 60_000 });
  await b.release();
});

test('an expired lock in the account is taken over', async () => {
  const a = await acquireLock(laptop(), '/home/a/app/.slipway/production/lock', { command: 'deploy', ttlMs: 50, refreshMs: 60_000 });
  await new Promise((r) => setTimeout(r, 150));
  const b = await acquireLock(ciRunner(), '/builds/x/app/.slipway/production/lock', { command: 'rollback', ttlMs: 60_000 });
  assert.equal(b.tookOver?.command, 'deploy');
  await a.release(); // not the owner any more: must not remove b's lock
  assert.equal((await readLock(laptop(), '/home/a/app/.slipway/production/lock'))?.command, 'rollback');
  await b.release();
});

test('concurrent acquires from several machines: exactly one wins', async () => {
  const stores = [laptop(), ciRunner(), laptop(), ciRunner(), laptop()];
  const results = await Promise.allSettled(stores.map((s, i) => acquireLock(s, i % 2 ? '/builds/x/app/.slipway/production/lock' : '/home/a/app/.slipway/production/lock', { command: `deploy-${i}`, ttlMs: 60_000, refreshMs: 100 })));
  const won = results.filter((r) => r.status === 'fulfilled');
  assert.equal(won.length, 1, results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'won')).join(' | '));
  for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof SlipwayError && r.reason.key === 'lock.held', String(r.reason));
  await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLock>>>).value.release();
});
