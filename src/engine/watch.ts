/**
 * After a deploy: watch the new release for a while (the risk assessment's "monitor for an
 * hour after deploying") and decide whether to roll back. The decision is a pure function
 * over the observations; the loop only feeds it.
 */
import { httpRequest } from './net.js';
import { sleep } from './poll.js';

export interface Observation {
  at: number;
  /** The environment's own view (`status`): serving, degraded, stopped… */
  state: string;
  /** HTTP status of the health path, or undefined when there is no endpoint to ask. */
  health?: number;
  error?: string;
}

export type WatchVerdict = { kind: 'continue' } | { kind: 'healthy' } | { kind: 'stopped' } | { kind: 'rollback'; reason: string };

/** Roll back after `failures` consecutive bad observations; healthy once the window has passed. */
export function judge(obs: readonly Observation[], opts: { failures: number; until: number; now: number }): WatchVerdict {
  let bad = 0;
  for (let i = obs.length - 1; i >= 0; i--) {
    const o = obs[i]!;
    const ok = o.state === 'serving' && (o.health === undefined || (o.health >= 200 && o.health < 300)) && !o.error;
    if (ok) break;
    bad++;
  }
  if (bad >= opts.failures) {
    const last = obs[obs.length - 1]!;
    return { kind: 'rollback', reason: last.error ?? (last.state !== 'serving' ? `state ${last.state}` : `health HTTP ${last.health}`) };
  }
  return opts.now >= opts.until ? { kind: 'healthy' } : { kind: 'continue' };
}

export interface WatchSource {
  state(): Promise<string>;
  /** Health URL, or undefined when the environment has no reachable endpoint. */
  healthUrl: string | undefined;
}

export async function watchRelease(src: WatchSource, opts: { seconds: number; intervalMs?: number; failures?: number; signal: AbortSignal; onObservation?: (o: Observation) => void }): Promise<WatchVerdict> {
  const until = Date.now() + opts.seconds * 1000;
  const obs: Observation[] = [];
  for (;;) {
    const o: Observation = { at: Date.now(), state: await src.state().catch(() => 'unknown') };
    if (src.healthUrl) {
      try {
        o.health = (await httpRequest(src.healthUrl, { timeoutMs: 3000, signal: opts.signal })).status;
      } catch (e) {
        o.error = e instanceof Error ? e.message : String(e);
      }
    }
    obs.push(o);
    opts.onObservation?.(o);
    const v = judge(obs, { failures: opts.failures ?? 3, until, now: Date.now() });
    if (v.kind !== 'continue') return v;
    if (opts.signal.aborted) return { kind: 'stopped' };
    await sleep(opts.intervalMs ?? 2000, opts.signal); // Ctrl-C ends the wait at once
  }
}
