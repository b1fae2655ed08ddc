import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judge, type Observation } from '../../src/engine/watch.js';

const ok = (at: number): Observation => ({ at, state: 'serving', health: 200 });
const bad = (at: number, o: Partial<Observation> = {}): Observation => ({ at, state: 'serving', health: 502, ...o });

test('judge: keeps watching while healthy, healthy once the window is over', () => {
  assert.deepEqual(judge([ok(0), ok(1)], { failures: 3, until: 10, now: 5 }), { kind: 'continue' });
  assert.deepEqual(judge([ok(0), ok(1)], { failures: 3, until: 10, now: 10 }), { kind: 'healthy' });
});

test('judge: rolls back after N consecutive failures, not after isolated ones', () => {
  assert.deepEqual(judge([ok(0), bad(1), ok(2), bad(3), bad(4)], { failures: 3, until: 10, now: 5 }), { kind: 'continue' });
  assert.deepEqual(judge([ok(0), bad(1), bad(2), bad(3)], { failures: 3, until: 10, now: 5 }), { kind: 'rollback', reason: 'health HTTP 502' });
  assert.deepEqual(judge([bad(1, { state: 'stopped', health: undefined }), bad(2, { state: 'stopped', health: undefined })], { failures: 2, until: 10, now: 5 }), { kind: 'rollback', reason: 'state stopped' });
  assert.deepEqual(judge([bad(1, { error: 'ECONNREFUSED' }), bad(2, { error: 'ECONNREFUSED' })], { failures: 2, until: 10, now: 20 }), { kind: 'rollback', reason: 'ECONNREFUSED' });
});

test('judge: without an endpoint only the state counts', () => {
  assert.deepEqual(judge([{ at: 0, state: 'serving' }], { failures: 1, until: 0, now: 1 }), { kind: 'healthy' });
  assert.deepEqual(judge([{ at: 0, state: 'degraded' }], { failures: 1, until: 10, now: 1 }), { kind: 'rollback', reason: 'state degraded' });
});
