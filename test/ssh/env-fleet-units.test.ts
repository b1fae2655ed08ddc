/** An env release over a fleet, without a network: every host gets the reused code first, then waves, one commit after every host verified. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fleetEnvReleasePlan } from '../../src/targets/machine/env-release.js';
import type { MachineRuntime } from '../../src/targets/machine/runtime.js';

test('fleet env release: reuse on every host, switched in waves, committed once all verified; meta carries the changes', () => {
  const rt = (where: string) => ({ setup: { where }, opts: { port: 3001 }, ctx: { envr: { name: 'production', app: { healthPath: '/health' } } } }) as unknown as MachineRuntime;
  const rts = ['deploy@a', 'deploy@b', 'deploy@c'].map(rt);
  const m = { release: 'r2', from: 'r1', set: { UPYUN_DIRECT_UPLOAD_ENABLED: 'false' }, unset: [], rollback: true, configHash: 'c' };
  const plan = fleetEnvReleasePlan(rts, m, [1, '100%'], { hostNames: ['deploy@a', 'deploy@b', 'deploy@c'] });
  assert.equal(plan.kind, 'env');
  assert.deepEqual(plan.meta, { ...m, hostNames: ['deploy@a', 'deploy@b', 'deploy@c'] });
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  assert.ok(!byId.has('backup') && !byId.has('migrate'), 'no backup, no migration: the code does not change');
  for (const h of ['h1', 'h2', 'h3']) {
    assert.ok(byId.has(`${h}/build`), h);
    assert.deepEqual([...(byId.get(`${h}/start`)!.needs ?? [])].filter((n) => n.endsWith('/build')).sort(), ['h1/build', 'h2/build', 'h3/build']);
  }
  // Wave 1 is the first host; the rest start after it verified.
  assert.ok(!(byId.get('h1/start')!.needs ?? []).includes('h1/verify'));
  for (const h of ['h2', 'h3']) assert.ok((byId.get(`${h}/start`)!.needs ?? []).includes('h1/verify'), h);
  const commit = byId.get('commit')!;
  assert.equal(commit.commit, true);
  assert.deepEqual([...(commit.needs ?? [])].sort(), ['h1/verify', 'h2/verify', 'h3/verify']);
  assert.equal(plan.steps.filter((s) => s.commit).length, 1, 'no host switch is a commit on its own');
});
