import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoff, isThrottling, poll, type PollClock } from '../../src/engine/poll.js';

/** A clock that never waits: sleeps advance `now` and are recorded. */
function fakeClock(random = 0.5): PollClock & { sleeps: number[]; t: number } {
  const c = {
    t: 0,
    sleeps: [] as number[],
    now: () => c.t,
    random: () => random,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}

const throttle = (name: string) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: 400 } });

test('poll: checks at once, then after waits growing by the factor up to the cap', async () => {
  const clock = fakeClock();
  const r = await poll(async (n) => (n === 6 ? { done: 'ok' } : undefined), { initialMs: 100, maxMs: 300, factor: 2, clock });
  assert.deepEqual(r, { kind: 'done', value: 'ok', attempts: 6 });
  assert.deepEqual(clock.sleeps, [100, 200, 300, 300, 300]);
});

test('poll: jitter spreads each wait by at most the given fraction', async () => {
  const low = fakeClock(0);
  const high = fakeClock(1);
  const opts = { initialMs: 1000, maxMs: 1000, jitter: 0.2 };
  await poll(async (n) => (n === 2 ? { done: 1 } : undefined), { ...opts, clock: low });
  await poll(async (n) => (n === 2 ? { done: 1 } : undefined), { ...opts, clock: high });
  assert.deepEqual([low.sleeps, high.sleeps], [[800], [1200]]);
});

test('poll: a throttling error doubles the wait (again for a second one) and checks again', async () => {
  const clock = fakeClock();
  const seen: number[] = [];
  const results: (() => Promise<{ done: string } | undefined>)[] = [
    async () => undefined,
    async () => Promise.reject(throttle('ThrottlingException')),
    async () => Promise.reject(Object.assign(new Error('slow down'), { $metadata: { httpStatusCode: 429 } })),
    async () => ({ done: 'ok' }),
  ];
  const r = await poll((n) => results[n - 1]!(), { initialMs: 100, maxMs: 1000, factor: 2, clock, onThrottle: (_e, ms) => seen.push(ms) });
  assert.equal(r.kind, 'done');
  // 100 after the first check; then the second wait (200) doubled, then quadrupled.
  assert.deepEqual(clock.sleeps, [100, 400, 800]);
  assert.deepEqual(seen, [400, 800]);
});

test('poll: an error that is not throttling ends the wait with that error', async () => {
  const clock = fakeClock();
  await assert.rejects(
    poll(async () => Promise.reject(new Error('AccessDenied')), { initialMs: 100, maxMs: 100, clock }),
    /AccessDenied/,
  );
  assert.deepEqual(clock.sleeps, []);
});

test('poll: gives up with timeout after one last check at the deadline', async () => {
  const clock = fakeClock();
  let checks = 0;
  const r = await poll(async () => (checks++, undefined), { initialMs: 400, maxMs: 400, timeoutMs: 1000, clock });
  assert.deepEqual(r, { kind: 'timeout', attempts: 4 });
  assert.deepEqual(clock.sleeps, [400, 400, 200]);
  assert.equal(checks, 4);
});

test('poll: an aborted signal ends the wait without another check', async () => {
  const clock = fakeClock();
  const ac = new AbortController();
  let checks = 0;
  const r = await poll(
    async () => {
      if (++checks === 2) ac.abort();
      return undefined;
    },
    { initialMs: 100, maxMs: 100, clock, signal: ac.signal },
  );
  assert.deepEqual(r, { kind: 'aborted', attempts: 2 });
  assert.equal(checks, 2);
  const already = await poll(async () => ({ done: 1 }), { initialMs: 100, maxMs: 100, clock, signal: AbortSignal.abort() });
  assert.deepEqual(already, { kind: 'aborted', attempts: 0 });
});

test('isThrottling: AWS throttling names and HTTP 429 count; other errors do not', () => {
  for (const n of ['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'Throttling', 'ProvisionedThroughputExceededException']) assert.equal(isThrottling(throttle(n)), true, n);
  assert.equal(isThrottling(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 429 } })), true);
  assert.equal(isThrottling(Object.assign(new Error('x'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } })), false);
  assert.equal(isThrottling(new Error('boom')), false);
  assert.equal(isThrottling(undefined), false);
});

test('backoff: initial × factor^attempt, capped', () => {
  assert.deepEqual([0, 1, 2, 3, 10].map((a) => backoff(a, { initialMs: 250, maxMs: 2000, factor: 2 })), [250, 500, 1000, 2000, 2000]);
});
