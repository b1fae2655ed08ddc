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
