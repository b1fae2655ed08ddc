/**
 * One way to wait for something outside slipway (a task, a stack, a snapshot, a health check):
 * check at once, then again after a short wait that grows by `factor` up to `maxMs`, spread by
 * ±`jitter` so many waiters do not call in step. A throttling error from the API (AWS SDK
 * names, or HTTP 429) is not a failure: the wait doubles (up to `throttleMaxMs`) and the check
 * runs again. Abortable: an aborted signal ends the wait at once.
 *
 * The clock, sleep and random source are injectable, so the schedule is tested without timing.
 */

export interface PollClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
}

export interface PollOptions {
  /** Wait after the first check (ms). */
  initialMs: number;
  /** Longest wait between two checks (ms). */
  maxMs: number;
  /** Growth of the wait per check (default 1.5). */
  factor?: number;
  /** Random spread of each wait, as a fraction (default 0.2: ±20 %). */
  jitter?: number;
  /** Stop with `timeout` after this long (ms); default: no limit. */
  timeoutMs?: number;
  /** Longest wait while the API throttles (default 30 s). */
  throttleMaxMs?: number;
  signal?: AbortSignal;
  /** Called with each throttling error before the longer wait. */
  onThrottle?: (error: unknown, waitMs: number) => void;
  clock?: PollClock;
}

/** What a check says: `{ done: value }` ends the wait; undefined checks again. */
export type Check<T> = (attempt: number) => Promise<{ done: T } | undefined>;

export type PollOutcome<T> = { kind: 'done'; value: T; attempts: number } | { kind: 'timeout'; attempts: number } | { kind: 'aborted'; attempts: number };

export const realClock: PollClock = {
  now: () => Date.now(),
  random: () => Math.random(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'PriorRequestNotComplete',
  'TransactionInProgressException',
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
]);

/** An AWS SDK error that means "call less often": a throttling error name or HTTP 429. */
export function isThrottling(e: unknown): boolean {
  const err = e as { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: unknown }; $retryable?: { throttling?: unknown } } | null;
  if (!err || typeof err !== 'object') return false;
  if (typeof err.name === 'string' && THROTTLING.has(err.name)) return true;
  if (typeof err.code === 'string' && THROTTLING.has(err.code)) return true;
  if (err.$metadata?.httpStatusCode === 429) return true;
  return err.$retryable?.throttling === true;
}

/** The wait before check `attempt + 1` (without jitter): initial × factor^attempt, at most max. */
export function backoff(attempt: number, o: Pick<PollOptions, 'initialMs' | 'maxMs' | 'factor'>): number {
  return Math.min(o.maxMs, o.initialMs * Math.pow(o.factor ?? 1.5, attempt));
}

function spread(ms: number, jitter: number, random: () => number): number {
  return Math.max(0, Math.round(ms * (1 + jitter * (2 * random() - 1))));
}

export async function poll<T>(check: Check<T>, o: PollOptions): Promise<PollOutcome<T>> {
  const clock = o.clock ?? realClock;
  const jitter = o.jitter ?? 0.2;
  const throttleMax = o.throttleMaxMs ?? 30_000;
  const deadline = o.timeoutMs === undefined ? Infinity : clock.now() + o.timeoutMs;
  let throttled = 0;
  let step = 0;
  for (let attempt = 1; ; attempt++) {
    if (o.signal?.aborted) return { kind: 'aborted', attempts: attempt - 1 };
    let wait: number;
    try {
      const r = await check(attempt);
      if (r) return { kind: 'done', value: r.done, attempts: attempt };
      throttled = 0;
      wait = backoff(step++, o);
    } catch (e) {
      if (!isThrottling(e)) throw e;
      throttled++;
      wait = Math.min(throttleMax, Math.max(backoff(step, o), o.initialMs) * Math.pow(2, throttled));
      o.onThrottle?.(e, wait);
    }
    if (o.signal?.aborted) return { kind: 'aborted', attempts: attempt };
    const left = deadline - clock.now();
    if (left <= 0) return { kind: 'timeout', attempts: attempt };
    await clock.sleep(Math.min(spread(wait, jitter, clock.random), left), o.signal);
  }
}

/** Sleep `ms`, ending early when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return realClock.sleep(ms, signal);
}
