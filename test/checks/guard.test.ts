/** A check that guards against something left open blocks when it cannot finish; others warn. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHECKS, runCheck, type CheckDef, type CheckContext } from '../../src/checks/index.js';

const ctx = {} as CheckContext; // the checks below never read it
/** Answers only after the timeout (a ref'd timer, so the test process waits for it). */
const never: CheckDef['run'] = () => new Promise((resolve) => setTimeout(() => resolve([]), 300));
const fails: CheckDef['run'] = async () => {
  throw new Error('DescribeDBInstances: 500');
};

test('a guard check that times out is a blocker; an ordinary one is a warning', async () => {
  const [g] = await runCheck({ id: 'x.guard', area: 'aws', guard: true, run: never }, ctx, 30);
  const [o] = await runCheck({ id: 'x.plain', area: 'aws', run: never }, ctx, 30);
  assert.equal(g!.severity, 'blocker');
  assert.equal(g!.id, 'x.guard');
  assert.match(g!.title, /did not finish/);
  assert.equal(o!.severity, 'warning');
});

test('a guard check that throws is a blocker naming the reason', async () => {
  const [g] = await runCheck({ id: 'x.guard', area: 'aws', guard: true, run: fails }, ctx, 1000);
  assert.equal(g!.severity, 'blocker');
  assert.match(`${g!.title} ${g!.evidence}`, /DescribeDBInstances: 500/);
});

test('the public-database and open-window checks are guards', () => {
  for (const id of ['aws.public-db', 'aws.db-window']) assert.equal(CHECKS.find((c) => c.id === id)?.guard, true, id);
});
