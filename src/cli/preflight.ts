/** `slipway check`, and the preflight gate a deploy passes through first. */
import { colorEnabled } from '../report/colors.js';
import { targetHistory, type Session } from '../session/session.js';
import { session } from './harness.js';
import { SlipwayError } from '../engine/errors.js';
import type { PreflightReport } from '../checks/types.js';
import type { Host } from '../host/types.js';
import type { TargetHistory, MachineUnderCheck } from '../targets/types.js';
import type { GlobalFlags } from './flags.js';
import { print, printJson, handleError } from './output.js';

/** Where the preflight's host checks run (the environment's machine), the pids that are its own there, and its history as the target keeps it. */
async function preflightHost(s: Session): Promise<{ host?: Host; ownPids: number[]; history?: TargetHistory; machines?: MachineUnderCheck[] }> {
  const [host, ownPids, history, machines] = await Promise.all([s.target.host?.(s.ctx), s.target.ownPids?.(s.ctx).catch(() => []), targetHistory(s), s.target.machines?.(s.ctx)]);
  return { ...(host ? { host } : {}), ownPids: ownPids ?? [], ...(history ? { history } : {}), ...(machines ? { machines } : {}) };
}

/** The last preflight is kept for `slipway report`; failing to keep it never stops a check or a deploy. */
async function keepPreflight(s: Session, report: PreflightReport): Promise<void> {
  const { recordPreflight } = await import('../session/report.js');
  await recordPreflight(s, report).catch(() => undefined);
}

/** Run the preflight before a deploy; a blocker that was not accepted stops it. */
export async function preflightGate(g: GlobalFlags, s: Session, accept: string[]): Promise<number> {
  const { runPreflight } = await import('../checks/index.js');
  const report = await runPreflight(s.envr, s.ctx.secrets, { acceptRisks: accept, ...(await preflightHost(s)) });
  await keepPreflight(s, report);
  if (report.go) {
    const warnings = report.findings.filter((f) => f.severity === 'warning');
    s.bus.log('info', 'preflight.go', { warnings: warnings.length, ms: report.durationMs });
    for (const f of warnings) s.bus.log('warn', 'preflight.warning', { id: f.id, title: f.title });
    for (const f of report.findings.filter((x) => x.accepted)) s.bus.log('warn', 'preflight.accepted', { id: f.id, title: f.title });
    return 0;
  }
  if (g.json) printJson({ type: 'preflight', ...report });
  else {
    const { renderPreflight } = await import('../report/preflight.js');
    process.stdout.write(s.ctx.redactor.redact(renderPreflight(report, { color: colorEnabled(process.stdout, process.env) })) + '\n');
  }
  const blockers = report.findings.filter((f) => f.severity === 'blocker' && !f.accepted).map((f) => f.id);
  handleError(new SlipwayError({ key: 'preflight.blocked', params: { ids: blockers.join(', ') }, fix: 'preflight.blocked.fix', fixParams: { id: blockers[0] ?? '' } }), g.json);
  return 1;
}

export async function check(g: GlobalFlags, env: string | undefined, o: { acceptRisk?: string[] }): Promise<number> {
  const s = await session(g, env);
  const { runPreflight } = await import('../checks/index.js');
  const report = await runPreflight(s.envr, s.ctx.secrets, { acceptRisks: o.acceptRisk ?? [], ...(await preflightHost(s)) });
  await keepPreflight(s, report);
  if (g.json) printJson(report);
  else {
    const { renderPreflight } = await import('../report/preflight.js');
    print(renderPreflight(report, { color: colorEnabled(process.stdout, process.env) }));
  }
  return report.go ? 0 : 1;
}
