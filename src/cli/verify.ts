/**
 * The verification window after a deploy (`verify.window`, `deploy --watch`) and
 * `slipway verify <env>` (the seed's check an hour later): look at every host — health,
 * the 5xx share slipway's proxy counted since the switch, the app's log lines since the
 * switch against `verify.logPatterns` — and on a breach roll every host back to the last
 * good release (code and env), exit 1 and print the evidence through the diagnosis.
 */
import { colors as pc } from '../report/colors.js';
import { SlipwayError } from '../engine/errors.js';
import { t } from '../engine/i18n.js';
import '../engine/messages/verify-window.js';
import { httpRequest } from '../engine/net.js';
import { runVerify } from '../engine/verify.js';
import { DEFAULT_MAX_ERROR_RATE, MIN_REQUESTS, judgeWindow, parseDuration, type HostSample, type WindowPolicy, type WindowVerdict } from '../engine/window.js';
import type { Session } from '../session/session.js';
import type { WindowLook } from '../targets/types.js';
import { attach, mutate, printDiagnosis, session, trapSignals } from './harness.js';
import type { GlobalFlags } from './flags.js';
import { handleError, print, printJson } from './output.js';

/** Seconds of `--watch` / `--window` (`5m`, `90`, `0`); a usage error otherwise. */
export function durationFlag(flag: string, value: string): number {
  const s = parseDuration(value);
  if (s === undefined) throw new SlipwayError({ key: 'window.badDuration', params: { flag, value }, fix: 'window.badDuration.fix', fixParams: { flag }, exitCode: 2 });
  return s;
}

/** Time between two looks of a window. */
const INTERVAL_MS = 2000;

const human = (seconds: number): string => (seconds % 3600 === 0 ? `${seconds / 3600}h` : seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`);

function policyOf(s: Session, once: boolean): WindowPolicy {
  // One failed probe fails a single check; a window tolerates two in a row (a restart, a slow answer).
  return { maxErrorRate: s.envr.verifyMaxErrorRate ?? DEFAULT_MAX_ERROR_RATE, minRequests: MIN_REQUESTS, failures: once ? 1 : 3 };
}

/** A target without its own look (aws): health and the checks through the environment's endpoint. */
async function endpointLook(s: Session, look: WindowLook): Promise<HostSample[]> {
  const url = await s.target.endpoint(s.ctx).catch(() => undefined);
  const st = await s.target.status(s.ctx).catch(() => undefined);
  const sample: HostSample = { host: s.envr.name, ...(st?.activeRelease ? { release: st.activeRelease } : {}), logMatches: [] };
  if (!url) return [{ ...sample, error: 'no endpoint' }];
  try {
    sample.health = (await httpRequest(url.replace(/\/$/, '') + s.envr.app.healthPath, { timeoutMs: 3000, ...(look.signal ? { signal: look.signal } : {}) })).status;
  } catch (e) {
    sample.error = e instanceof Error ? e.message : String(e);
  }
  if (look.checks && s.envr.verify.length) {
    const results = await runVerify(url, s.envr.verify, { secrets: s.ctx.secrets.values, register: (v) => s.ctx.redactor.add(v) });
    sample.checks = results.map((r) => ({ name: r.name, ok: r.ok, ...(r.problem ? { problem: s.ctx.redactor.redact(r.problem) } : {}) }));
  }
  return [sample];
}

/** Ctrl-C during a window stops watching and keeps the release (nothing is undone); a second one exits at once. */
const trapWindow = (s: Session): (() => void) => trapSignals(s, 'window.interrupting');

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

type Outcome = { kind: 'held' | 'stopped'; verdict: WindowVerdict; release: string } | { kind: 'breach'; verdict: WindowVerdict; release: string };

/** Look every INTERVAL_MS until the window ends (or once), a breach, or Ctrl-C. */
async function observe(s: Session, opts: { seconds: number; once: boolean; checks: boolean }): Promise<Outcome> {
  const look: WindowLook = { patterns: s.envr.verifyLogPatterns ?? [], checks: opts.checks, cursors: new Map(), signal: s.abort.signal };
  const lookAt = () => (s.target.observe ? s.target.observe(s.ctx, look) : endpointLook(s, look));
  const policy = policyOf(s, opts.once);
  const until = Date.now() + opts.seconds * 1000;
  const looks: HostSample[][] = [];
  const told = new Set<string>();
  for (;;) {
    const samples = await lookAt();
    looks.push(samples);
    // Never counted by an older supervisor, and what failed in this look: said once each, as it happens.
    for (const x of samples) {
      if (x.release && !x.traffic && s.target.observe && !told.has(`nc:${x.host}`)) {
        told.add(`nc:${x.host}`);
        s.bus.log('warn', 'window.notCounted', { host: x.host });
      }
      const problem = x.error ?? (x.health !== undefined && (x.health < 200 || x.health >= 300) ? `health HTTP ${x.health}` : undefined);
      if (problem) s.bus.log('warn', 'window.problem', { host: x.host, problem });
    }
    const verdict = judgeWindow(looks, policy);
    const release = samples.find((x) => x.release)?.release ?? '-';
    if (verdict.breach) return { kind: 'breach', verdict, release };
    if (opts.once || Date.now() >= until) return { kind: 'held', verdict, release };
    if (s.abort.signal.aborted) return { kind: 'stopped', verdict, release };
    await sleep(INTERVAL_MS, s.abort.signal);
    if (s.abort.signal.aborted) return { kind: 'stopped', verdict, release };
  }
}

function printVerdicts(g: GlobalFlags, s: Session, verdict: WindowVerdict): void {
  if (g.json) return;
  verdict.hosts.forEach((h) => {
    const params = { host: h.host, release: h.release ?? '-', health: h.health ?? '-', errors: h.errors };
    if (h.ok) print(pc.green(t('verifyCmd.hostOk', params)));
    else {
      print(pc.red(t('verifyCmd.hostFailed', params)));
      for (const p of h.problems) print(`    ${s.ctx.redactor.redact(p)}`);
    }
  });
}

/**
 * A breach: the evidence through the diagnosis, the release recorded as failed, every host
 * rolled back (when asked), exit 1.
 */
async function onBreach(g: GlobalFlags, s: Session, out: Outcome, rollback: boolean): Promise<number> {
  const env = s.envr.name;
  const evidence = out.verdict.evidence.map((l) => s.ctx.redactor.redact(l));
  const reason = evidence.find((l) => !l.startsWith(' ')) ?? 'breach';
  // One renderer from the breach through the rollback: every line prints, once.
  const renderer = await attach(s, g);
  try {
    s.bus.log('error', 'window.breach', { env, reason });
    // What the release left behind (its log, stop reasons), diagnosed with the window's evidence on top.
    const left = s.target.evidence && out.release !== '-' ? await s.target.evidence(s.ctx, { release: out.release }).catch(() => undefined) : undefined;
    await printDiagnosis(g, [...evidence, ...(left?.lines ?? [])]);
    if (!rollback) {
      renderer.close();
      handleError(new SlipwayError({ key: 'window.failed', params: { env, reason }, fix: 'window.failed.fix', fixParams: { env } }), g.json, 1);
      return 1;
    }
    if (out.release !== '-') await s.target.markFailed?.(s.ctx, out.release, evidence).catch(() => undefined);
    s.bus.log('warn', 'window.rollingBack', { env });
    const code = await mutate(g, s, 'rollback', () => s.target.rollbackPlan(s.ctx, {}), false, 'rollback.succeeded', renderer);
    handleError(new SlipwayError({ key: 'window.rolledBack', params: { release: out.release, reason, env }, fix: 'window.rolledBack.fix', fixParams: { env } }), g.json, 1);
    return code === 0 ? 1 : code;
  } finally {
    renderer.close();
  }
}

/** After a deploy's last wave: watch for `seconds`; a breach rolls back and exits 1, Ctrl-C keeps the release. */
export async function watchWindow(g: GlobalFlags, s: Session, seconds: number): Promise<number> {
  const renderer = await attach(s, g);
  const untrap = trapWindow(s);
  let out: Outcome;
  try {
    const st = await s.target.status(s.ctx).catch(() => undefined);
    const patterns = s.envr.verifyLogPatterns ?? [];
    const hosts = (s.envr.target as { hosts?: unknown[] }).hosts?.length ?? 1;
    s.bus.log('info', 'window.start', {
      release: st?.activeRelease ?? '-',
      window: human(seconds),
      hosts,
      rate: `${Math.round(policyOf(s, false).maxErrorRate * 1000) / 10}%`,
      min: MIN_REQUESTS,
      patterns: patterns.length ? patterns.join(', ') : '-',
    });
    out = await observe(s, { seconds, once: false, checks: false });
  } finally {
    renderer.close();
    untrap();
  }
  if (out.kind === 'stopped') {
    if (g.json) printJson({ type: 'window', env: s.envr.name, outcome: 'stopped', release: out.release });
    else print(pc.yellow(`! ${t('window.stopped', { release: out.release, env: s.envr.name })}`));
    return 0;
  }
  if (out.kind === 'held') {
    if (g.json) printJson({ type: 'window', env: s.envr.name, outcome: 'held', release: out.release, hosts: out.verdict.hosts });
    else print(pc.green(`✓ ${t('window.held', { release: out.release, window: human(seconds), summary: out.verdict.hosts.map((h) => `${h.host} ${h.errors}`).join(', ') })}`));
    return 0;
  }
  if (g.json) printJson({ type: 'window', env: s.envr.name, outcome: 'breach', release: out.release, hosts: out.verdict.hosts, evidence: out.verdict.evidence });
  return onBreach(g, s, out, true);
}

export interface VerifyFlags {
  window?: string;
  rollbackOnFail: boolean;
}

/** `slipway verify <env> [--window 5m] [--rollback-on-fail]`. */
export async function verify(g: GlobalFlags, env: string | undefined, o: VerifyFlags): Promise<number> {
  const seconds = o.window !== undefined ? durationFlag('--window', o.window) : 0;
  const s = await session(g, env, o.rollbackOnFail);
  const st = await s.target.status(s.ctx);
  if (st.state === 'not-deployed') {
    throw new SlipwayError({ key: 'verifyCmd.notDeployed', params: { env: s.envr.name }, fix: 'verifyCmd.notDeployed.fix', fixParams: { env: s.envr.name }, exitCode: 2 });
  }
  const renderer = await attach(s, g);
  const untrap = trapWindow(s);
  let out: Outcome;
  try {
    out = await observe(s, { seconds, once: seconds === 0, checks: true });
  } finally {
    renderer.close();
    untrap();
  }
  const last = out.verdict;
  if (g.json) printJson({ type: 'verify', env: s.envr.name, ok: !last.breach, release: out.release, hosts: last.hosts, evidence: last.evidence });
  printVerdicts(g, s, last);
  if (!last.breach) {
    if (!g.json) print(pc.green(`✓ ${t('verifyCmd.passed', { env: s.envr.name, hosts: last.hosts.length })}`));
    return 0;
  }
  return onBreach(g, s, out, o.rollbackOnFail);
}
