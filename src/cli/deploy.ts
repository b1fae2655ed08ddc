/** `slipway deploy` (and `promote`, through it): the preflight gate, the mutation, the watch after it and the report. */
import { colors as pc } from '../report/colors.js';
import type { Session } from '../session/session.js';
import { attach, mutate, printDiagnosis, session, trapSignals } from './harness.js';
import { SlipwayError } from '../engine/errors.js';
import { getLang, t } from '../engine/i18n.js';
import '../engine/messages/env-releases.js';
import '../engine/messages/promote.js';
import type { PromotedArtifact } from '../targets/types.js';
import type { DeployFlags, GlobalFlags } from './flags.js';
import { print, printJson, handleError } from './output.js';
import { preflightGate } from './preflight.js';

/** `slipway deploy`; `slipway promote` comes through here too, with the artifact it fetched (no build, same pipeline). */
export async function deploy(g: GlobalFlags, env: string | undefined, o: DeployFlags, promoted?: PromotedArtifact): Promise<number> {
  const s = await session(g, env, true);
  const accept = o.acceptRisk ?? [];
  const renderer = await attach(s, g);
  const go = await preflightGate(g, s, accept).catch((e: unknown) => {
    renderer.close();
    throw e;
  });
  if (go !== 0) {
    renderer.close();
    if (o.report) await reportAfterDeploy(g, s, o.report);
    return go;
  }
  const deployed = await mutate(
    g,
    s,
    promoted ? 'promote' : 'deploy',
    () => s.target.deployPlan(s.ctx, { acceptRisks: accept, ...(o.image ? { image: o.image } : {}), ...(o.allowUnverified ? { allowUnverified: true } : {}), ...(promoted ? { promoted } : {}) }),
    o.forceUnlock,
    promoted ? 'promote.succeeded' : 'deploy.succeeded',
    renderer,
  ).catch(async (e: unknown) => {
    if (o.report) await reportAfterDeploy(g, s, o.report);
    throw e;
  });
  // `--watch 5m` overrides the environment's `verify.window`; 0 turns watching off.
  const { durationFlag, watchWindow } = await import('./verify.js');
  const watch = o.watch !== undefined ? durationFlag('--watch', o.watch) : s.envr.verifyWindowSeconds;
  // Machine targets watch each host (health, the proxy's 5xx share, log patterns); others their health.
  const code = deployed === 0 && watch !== undefined && watch !== 0 ? await (s.target.observe ? watchWindow(g, s, watch) : watchAfterDeploy(g, s, watch)) : deployed;
  if (o.report) await reportAfterDeploy(g, s, o.report);
  return code;
}

/** `deploy --report <file>`: the report is written whatever the outcome; failing to write it only warns. */
async function reportAfterDeploy(g: GlobalFlags, s: Session, out: string): Promise<void> {
  const { writeReport } = await import('../session/report.js');
  try {
    const file = await writeReport(s, { out, lang: getLang() });
    if (g.json) printJson({ type: 'report', file });
    else print(t('report.written', { file }));
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    if (g.json) printJson({ type: 'report', file: out, error: reason });
    else print(pc.yellow(`! ${t('report.writeFailed', { file: out, reason })}`));
  }
}

/** `--watch N`: keep checking the new release for N seconds; on repeated failure roll back automatically. */
async function watchAfterDeploy(g: GlobalFlags, s: Session, seconds: number): Promise<number> {
  if (!Number.isFinite(seconds) || seconds <= 0) throw new SlipwayError({ key: 'watch.badSeconds', params: { value: String(seconds) }, fix: 'watch.badSeconds.fix', exitCode: 2 });
  const renderer = await attach(s, g);
  const untrap = trapSignals(s);
  try {
    const url = await s.target.endpoint(s.ctx).catch(() => undefined);
    s.bus.log('info', 'watch.start', { seconds, url: url ?? '-' });
    const { watchRelease } = await import('../engine/watch.js');
    const verdict = await watchRelease(
      { state: async () => (await s.target.status(s.ctx)).state, healthUrl: url ? url.replace(/\/$/, '') + s.envr.app.healthPath : undefined },
      {
        seconds,
        signal: s.abort.signal,
        onObservation: (ob) => {
          if (ob.state !== 'serving' || ob.error || (ob.health !== undefined && (ob.health < 200 || ob.health >= 300)))
            s.bus.log('warn', 'watch.bad', { state: ob.state, health: ob.health ?? '-', error: ob.error ?? '' });
        },
      },
    );
    if (verdict.kind !== 'rollback') {
      renderer.close();
      print(t(verdict.kind === 'healthy' ? 'watch.healthy' : 'watch.stopped', { seconds }));
      return 0;
    }
    s.bus.log('warn', 'watch.rollingBack', { reason: verdict.reason });
    // What the watched release left behind (its logs, stop reasons), diagnosed before it is rolled back.
    const watched = (await s.target.status(s.ctx).catch(() => undefined))?.activeRelease;
    const left = s.target.evidence ? await s.target.evidence(s.ctx, watched ? { release: watched } : {}).catch(() => undefined) : undefined;
    await printDiagnosis(g, [verdict.reason, ...(left?.lines ?? [])]);
    untrap();
    // The same renderer carries on into the rollback: its lines print once, and none is lost between the two.
    const code = await mutate(g, s, 'rollback', () => s.target.rollbackPlan(s.ctx, {}), false, 'rollback.succeeded', renderer);
    handleError(new SlipwayError({ key: 'watch.rolledBack', params: { reason: verdict.reason, env: s.envr.name }, fix: 'watch.rolledBack.fix', fixParams: { env: s.envr.name } }), g.json, 1);
    return code === 0 ? 1 : code;
  } finally {
    renderer.close();
    untrap();
  }
}
