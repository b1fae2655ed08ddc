/** What every command handler shares: opening a session, rendering its events, signals, and running a mutation with its failure summary and diagnosis. */
import { colorEnabled, colors as pc } from '../report/colors.js';
import { chooseMode, jsonRenderer, plainRenderer, ttyRenderer, type Renderer } from '../report/render.js';
import { openSession, releaseOf, runMutation, type Session } from '../session/session.js';
import { SlipwayError, isSlipwayError } from '../engine/errors.js';
import { t } from '../engine/i18n.js';
import type { Plan } from '../engine/step.js';
import type { Diagnosis } from '../knowledge/diagnose.js';
import type { GlobalFlags } from './flags.js';
import { print, printJson, useRedactor, handleError } from './output.js';

export async function session(g: GlobalFlags, env: string | undefined, requireSecrets = false, o: { sweep?: boolean } = {}): Promise<Session> {
  const s = await openSession({ ...(g.config ? { config: g.config } : {}), ...(env ? { env } : {}), requireSecrets });
  useRedactor(s.ctx.redactor);
  if (o.sweep !== false && s.target.dbWindow?.sweep) await (await import('./db-window-sweep.js')).sweepDbWindow(s);
  return s;
}

export async function attach(s: Session, g: GlobalFlags): Promise<Renderer> {
  const mode = chooseMode({ json: g.json, stream: process.stdout, env: process.env });
  const r = mode === 'json' ? jsonRenderer(process.stdout) : mode === 'tty' ? await ttyRenderer(process.stdout) : plainRenderer(process.stdout, !!g.verbose);
  const off = s.bus.on((e) => r.onEvent(e));
  // Closing unsubscribes too: a renderer attached again later (a window after a run) must not print each line twice.
  return {
    onEvent: (e) => r.onEvent(e),
    close() {
      off();
      r.close();
    },
  };
}

/**
 * SIGINT/SIGTERM abort the session (a run stops launching steps and undoes what ran; a window
 * stops watching), saying so with `said`; a second signal exits at once.
 */
export function trapSignals(s: Session, said = 'run.interrupting'): () => void {
  let count = 0;
  const handler = () => {
    count++;
    if (count > 1) process.exit(130);
    s.bus.log('warn', said);
    s.abort.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

export async function mutate(g: GlobalFlags, s: Session, command: string, makePlan: () => Promise<Plan>, forceUnlock: boolean, successKey: string, attached?: Renderer): Promise<number> {
  const renderer = attached ?? (await attach(s, g));
  const untrap = trapSignals(s);
  try {
    const out = await runMutation(s, { command, forceUnlock, makePlan });
    renderer.close();
    const url = command === 'destroy' ? undefined : await s.target.endpoint(s.ctx).catch(() => undefined);
    // The release id and result: from the plan's meta (local) or what its steps reported (aws).
    const reported = [...out.result.data.values()].find((d) => typeof d.release === 'string' && typeof d.result === 'string');
    const release = releaseOf(out.plan, out.result) ?? '';
    const unverified = reported?.result === 'unverified';
    if (out.result.ok) {
      if (g.json) printJson({ type: 'result', ok: true, command, env: s.envr.name, release, url: url ?? null, ...(reported ? { result: reported.result } : {}) });
      else if (unverified) print(pc.yellow(`! ${t(`${command}.unverified`, { env: s.envr.name, release })}`));
      else print(pc.green(`✓ ${t(successKey, { env: s.envr.name, release, url: url ?? '-' })}`));
      return 0;
    }
    const e = out.result.error;
    if (!g.json) print(pc.yellow(await failureSummary(s, out.result.undone)));
    else printJson({ type: 'result', ok: false, command, env: s.envr.name, release, undone: out.result.undone });
    if (!(isSlipwayError(e) && e.exitCode === 2)) await printDiagnosis(g, out.evidence);
    handleError(isSlipwayError(e) ? e : new SlipwayError({ key: 'run.stepFailed', params: { reason: e instanceof Error ? e.message : String(e) }, fix: 'run.stepFailed.fix' }), g.json, 1);
    return 1;
  } finally {
    renderer.close();
    untrap();
  }
}

/** A failure's evidence through the knowledge base: each cause and fix, above the raw lines (redacted). */
export async function printDiagnosis(g: GlobalFlags, evidence: string[], header?: string): Promise<Diagnosis | undefined> {
  if (!evidence.length) return undefined;
  const { diagnose } = await import('../knowledge/diagnose.js');
  const d = diagnose(evidence);
  if (g.json) printJson({ type: 'diagnosis', findings: d.findings, unmatched: d.unmatched, evidence });
  else {
    const { renderDiagnosis } = await import('../report/diagnosis.js');
    print(renderDiagnosis(d, evidence, { color: colorEnabled(process.stdout, process.env), ...(header ? { header } : {}) }));
  }
  return d;
}

/** What is true after a failed run: which release still serves, or that none does. */
export async function failureSummary(s: Session, undone: boolean): Promise<string> {
  if (!undone) return t('run.failedNotUndone', { env: s.envr.name });
  const st = await s.target.status(s.ctx).catch(() => undefined);
  if (!st) return t('run.failedUndoneBefore', { env: s.envr.name });
  if (st.activeRelease && (st.state === 'serving' || st.state === 'degraded')) return t('run.failedUndone', { env: s.envr.name, release: st.activeRelease });
  return t('run.failedUndoneNothing', { env: s.envr.name });
}
