/** `slipway promote`'s rules without a machine: which releases count as verified, which targets share an artifact kind. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { artifactKind, refusal } from '../../src/cli/promote.js';
import type { ReleaseRecord } from '../../src/targets/types.js';

const rec = (result: ReleaseRecord['result'], verify?: { name: string; ok: boolean }[]): ReleaseRecord => ({ id: 'r1', createdAt: '2026-12-02T00:00:00Z', result, configHash: 'x', details: verify ? { verify } : {} });

test('only a release that passed its verification may be promoted', () => {
  assert.equal(refusal(rec('succeeded')), undefined);
  assert.equal(refusal(rec('succeeded', [{ name: '/health', ok: true }])), undefined);
  for (const r of ['failed', 'pending', 'rolled-back', 'unverified'] as const) assert.deepEqual(refusal(rec(r)), { failed: [] }, r);
  assert.deepEqual(refusal(rec('succeeded', [{ name: '/health', ok: true }, { name: '/api', ok: false }])), { failed: ['/api'] });
});

test('local and ssh run archives, aws images: promote only within a kind', () => {
  assert.equal(artifactKind('local'), artifactKind('ssh'));
  assert.notEqual(artifactKind('ssh'), artifactKind('aws'));
  assert.equal(artifactKind('nomad'), undefined);
});
