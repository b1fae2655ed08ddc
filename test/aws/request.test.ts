/** The typed requests the aws plans journal as meta, and their rebuild for a resumed run. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deployMeta, deployRequest, destroyMeta, destroyRequest, rollbackMeta, rollbackRequest } from '../../src/targets/aws/request.js';

test('deploy request survives the journal: image, acceptRisks and allowUnverified come back equal', () => {
  const o = { image: 'repo/shop-api:v1', acceptRisks: ['db-public'], allowUnverified: true };
  assert.deepEqual(deployRequest(JSON.parse(JSON.stringify(deployMeta(o)))), o);
  assert.deepEqual(deployRequest(deployMeta({ acceptRisks: [] })), { acceptRisks: [] });
});

test('rollback request survives the journal: to and allowUnverified come back equal; absent options stay absent', () => {
  const o = { to: '20250601T100000Z', allowUnverified: true };
  assert.deepEqual(rollbackRequest(JSON.parse(JSON.stringify(rollbackMeta(o)))), o);
  assert.deepEqual(rollbackRequest(rollbackMeta({})), {});
});

test('destroy request survives the journal: force comes back equal', () => {
  assert.deepEqual(destroyRequest(destroyMeta({ force: true })), { force: true });
  assert.deepEqual(destroyRequest({}), { force: false });
});

test('a promoted deploy request survives the journal with the source release and the migration files its image shipped; a malformed record of them is dropped', () => {
  const o = { image: 'repo/shop-api@sha256:' + 'a'.repeat(64), acceptRisks: [], promoted: { from: { env: 'staging', release: '20261201T100000Z' }, image: 'repo/shop-api@sha256:' + 'a'.repeat(64), migrations: { count: 3, last: 'migrations/3_c.sql', digest: '0123456789abcdef' } } };
  assert.deepEqual(deployRequest(JSON.parse(JSON.stringify(deployMeta(o)))), o);
  const meta = JSON.parse(JSON.stringify(deployMeta(o))) as { promotedFrom: { migrations: unknown } };
  meta.promotedFrom.migrations = { count: 'three', digest: 1 };
  assert.deepEqual(deployRequest(meta as never).promoted, { from: o.promoted.from, image: o.image });
});
