/** The release ledger keeps the newest N, the current one and the last good one. */
import { LocalHost } from '../../src/host/local.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ReleaseStore, newReleaseId } from '../../src/targets/machine/releases.js';
import type { ReleaseResult } from '../../src/targets/types.js';

test('prune keeps the newest N, the current release and the last good one', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-releases-'));
  try {
    const store = new ReleaseStore(new LocalHost(), path.join(dir, 'releases'), path.join(dir, 'current'));
    const results: ReleaseResult[] = ['succeeded', 'succeeded', 'failed', 'failed', 'failed', 'failed'];
    const ids = results.map((_, i) => `20260101-00000${i}-aaaa`);
    for (const [i, id] of ids.entries()) await store.write({ id, createdAt: new Date(2026, 0, 1, 0, 0, i).toISOString(), result: results[i]!, configHash: 'x', details: {} });
    await store.setCurrent(ids[0]!); // rolled back to the oldest
    const gone = await store.prune(2);
    const left = (await readdir(path.join(dir, 'releases'))).sort();
    // newest two (failed 4 and 5), the current (0) and the last good other than current (1)
    assert.deepEqual(left, [ids[0], ids[1], ids[4], ids[5]].sort());
    assert.deepEqual(gone.sort(), [ids[2], ids[3]].sort());
    assert.equal((await store.list()).find((r) => r.active)?.id, ids[0]);
    assert.equal((await store.lastGood(ids[0]))?.id, ids[1]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('release ids sort by time', () => {
  const a = newReleaseId(new Date(Date.UTC(2026, 10, 22, 1, 2, 3)));
  const b = newReleaseId(new Date(Date.UTC(2026, 10, 22, 1, 2, 4)));
  assert.match(a, /^20261122-010203-[0-9a-f]{4}$/);
  assert.ok(a < b);
});
