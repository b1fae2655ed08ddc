/**
 * One look at a machine for the verification window (`deploy --watch`, `slipway verify`):
 * health through the stable port (marked as slipway's probe, so the proxy does not count
 * it), what the proxy counted for the serving release since its switch, and the app's log
 * lines written since then that match a pattern. Everything goes through the `Host`: the
 * control socket and the stable port (tunnelled for a VM), the log file.
 */
import path from 'node:path';
import { httpRequest } from '../../engine/net.js';
import { runVerify } from '../../engine/verify.js';
import { matchLines, type HostSample } from '../../engine/window.js';
import type { WindowLook } from '../types.js';
import { PROBE_HEADER } from './proxy.js';
import type { MachineRuntime } from './runtime.js';

/** How much of a log the first look reads back (the lines since the switch are at its end). */
const TAIL_BYTES = 4 * 1024 * 1024;

/** Lines of `text` whose leading ISO time is at or after `since`; an unstamped line goes with the one before it. */
export function linesSince(text: string, since: string): string[] {
  const out: string[] = [];
  let inside = false;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const stamp = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)\s/.exec(line)?.[1];
    if (stamp) inside = stamp >= since;
    if (inside) out.push(line);
  }
  return out;
}

/** New complete lines of the release's log: since the switch on the first look, then from where the last look stopped. */
async function newLogLines(rt: MachineRuntime, release: string, since: string | undefined, cursors: Map<string, number>): Promise<string[]> {
  const file = path.posix.join(rt.layout.logs, `app-${release}.log`);
  const key = `${rt.setup.where}:${file}`;
  let from = cursors.get(key);
  const first = from === undefined;
  if (from === undefined) {
    const st = await rt.host.stat(file);
    if (!st) return [];
    from = Math.max(0, st.size - TAIL_BYTES);
  }
  const { text } = await rt.host.readFrom(file, from);
  const end = text.lastIndexOf('\n') + 1; // a line still being written waits for the next look
  cursors.set(key, from + Buffer.byteLength(text.slice(0, end)));
  const complete = text.slice(0, end);
  return first && since ? linesSince(complete, since) : complete.split('\n').filter(Boolean);
}

export async function lookAtMachine(rt: MachineRuntime, look: WindowLook): Promise<HostSample> {
  const host = rt.setup.where;
  const st = (await rt.client.alive()) ? await rt.client.status().catch(() => undefined) : undefined;
  const release = st?.active;
  const sample: HostSample = { host, ...(release ? { release } : {}), logMatches: [] };
  const base = `http://${rt.opts.bind === '0.0.0.0' || rt.opts.bind === '::' ? '127.0.0.1' : rt.opts.bind}:${rt.opts.port}`;
  const connect = () => rt.host.connect({ port: rt.opts.port });
  try {
    sample.health = (await httpRequest(base + rt.ctx.envr.app.healthPath, { connect, timeoutMs: 3000, headers: { [PROBE_HEADER]: '1' }, ...(look.signal ? { signal: look.signal } : {}) })).status;
  } catch (e) {
    sample.error = rt.ctx.redactor.redact(e instanceof Error ? e.message : String(e));
  }
  if (!release) {
    sample.error ??= 'no release is serving';
    return sample;
  }
  // A supervisor started by an older slipway does not count (404): the share is then not judged.
  const traffic = await rt.client.traffic().catch(() => undefined);
  const counted = traffic?.[release];
  if (counted) sample.traffic = counted;
  if (look.patterns.length) {
    // Since the switch; with an older supervisor (no counts), since the release's process started.
    const since = counted?.since ?? st?.processes.find((p) => p.release === release)?.startedAt;
    const lines = await newLogLines(rt, release, since, look.cursors).catch(() => []);
    sample.logMatches = matchLines(lines, look.patterns).map((l) => rt.ctx.redactor.redact(l));
  }
  if (look.checks && rt.ctx.envr.verify.length) {
    const results = await runVerify(base, rt.ctx.envr.verify, { connect, secrets: rt.ctx.secrets.values, register: (v) => rt.ctx.redactor.add(v) });
    sample.checks = results.map((r) => ({ name: r.name, ok: r.ok, ...(r.problem ? { problem: rt.ctx.redactor.redact(r.problem) } : {}) }));
  }
  return sample;
}

/** A release the window found bad: recorded as failed, so neither `rollback` nor `promote` takes it for a good one. */
export async function markReleaseFailed(rt: MachineRuntime, release: string, evidence: string[]): Promise<void> {
  const rec = await rt.store.get(release);
  if (!rec) return;
  await rt.store.update(release, { result: 'failed', finishedAt: rec.finishedAt ?? new Date().toISOString(), evidence: rt.ctx.redactor.redactDeep([...(rec.evidence ?? []), ...evidence]) });
}
