/** Commands that read an environment and change nothing: status, releases, logs, endpoint, history, diagnose, report. */
import { colorEnabled, colors as pc } from '../report/colors.js';
import { history as readHistory, releaseEvidence, type Session } from '../session/session.js';
import { attach, session, trapSignals } from './harness.js';
import { SlipwayError, isSlipwayError } from '../engine/errors.js';
import { getLang, t } from '../engine/i18n.js';
import '../engine/messages/env-releases.js';
import { formatChange } from '../engine/env-diff.js';
import type { GlobalFlags } from './flags.js';
import { print, printJson } from './output.js';

/** A read-only command: ask the session, then print the answer as JSON or for people. */
async function show<T>(g: GlobalFlags, env: string | undefined, read: (s: Session) => Promise<T>, human: (v: T, s: Session) => void): Promise<number> {
  const s = await session(g, env);
  const v = await read(s);
  if (g.json) printJson(v);
  else human(v, s);
  return 0;
}

export function status(g: GlobalFlags, env: string | undefined): Promise<number> {
  return show(g, env, (s) => s.target.status(s.ctx), (report) => {
    const color = { serving: pc.green, degraded: pc.yellow, stopped: pc.red, 'not-deployed': pc.dim }[report.state];
    print(`${pc.bold(report.env)} (${report.target}): ${color(t(`status.state.${report.state}`))}`);
    const width = Math.max(...report.rows.map((r) => t(r.key).length));
    for (const r of report.rows) print(`  ${t(r.key).padEnd(width)}  ${r.value}`);
  });
}

export function releases(g: GlobalFlags, env: string | undefined): Promise<number> {
  return show(g, env, (s) => s.target.releases(s.ctx), (list, s) => {
    if (!list.length) print(t('releases.none', { env: s.envr.name }));
    for (const r of list) {
      const mark = r.active ? pc.green('●') : ' ';
      const res = r.result === 'succeeded' ? pc.green(r.result) : r.result === 'failed' ? pc.red(r.result) : pc.yellow(r.result);
      print(`${mark} ${r.id}  ${res.padEnd(20)} ${r.createdAt}  ${t('releases.config')} ${r.configHash}${r.gitCommit ? `  git ${r.gitCommit}` : ''}`);
      for (const line of envLines(r)) print(`    ${line}`);
      if (r.promotedFrom) print(pc.dim(`    ${t('releases.promotedFrom', { from: `${r.promotedFrom.env}/${r.promotedFrom.release}` })}`));
      for (const ev of r.evidence ?? []) print(pc.dim(`    ${ev}`));
    }
  });
}

/** A release's env lines: what it was made from, what changed since the one before, the overrides in force. */
function envLines(r: import('../targets/types.js').ReleaseRecord): string[] {
  const out: string[] = [];
  if (typeof r.details.envFrom === 'string') out.push(pc.dim(t('releases.envFrom', { from: r.details.envFrom })));
  if (r.envChanges?.length) out.push(r.envChanges.map((c) => formatChange(c, t('releases.envChanged'), t('releases.envSecret'))).join(', '));
  if (r.envOverrides) out.push(pc.dim(t('releases.envOverrides', { list: Object.entries(r.envOverrides).map(([k, v]) => `${k}=${v}`).join(', ') })));
  return out;
}

export async function logs(g: GlobalFlags, env: string | undefined, o: { follow: boolean; lines: string }): Promise<number> {
  const s = await session(g, env);
  const untrap = trapSignals(s);
  try {
    for await (const line of s.target.logs(s.ctx, { follow: o.follow, lines: Number(o.lines) || 100, signal: s.abort.signal })) {
      if (g.json) printJson({ type: 'log', line });
      else print(line);
    }
  } finally {
    untrap();
  }
  return 0;
}

export async function endpoint(g: GlobalFlags, env: string | undefined): Promise<number> {
  const s = await session(g, env);
  const renderer = await attach(s, g); // the target says why there is no endpoint
  const url = await s.target.endpoint(s.ctx).finally(() => renderer.close());
  if (g.json) printJson({ env: s.envr.name, url: url ?? null });
  else print(url ?? t('endpoint.none'));
  return url ? 0 : 1;
}

/** `slipway history <env>`: every mutating command run against the environment (who, from where, what, result). */
export function history(g: GlobalFlags, env: string | undefined, o: { lines: string }): Promise<number> {
  return show(g, env, async (s) => (await readHistory(s)).slice(-(Number(o.lines) || 50)), (all, s) => {
    if (!all.length) print(t('history.none', { env: s.envr.name }));
    for (const r of all) print(`${r.at}  ${r.user}@${r.machine}  ${r.command.padEnd(8)} ${(r.release ?? '-').padEnd(22)} ${r.outcome.padEnd(9)} ${(r.durationMs / 1000).toFixed(1)}s`);
  });
}

/** `slipway diagnose <env> [--release <id>]`: the evidence a release left behind, through the knowledge base. */
export async function diagnoseEnv(g: GlobalFlags, env: string | undefined, o: { release?: string }): Promise<number> {
  const s = await session(g, env);
  const { diagnose } = await import('../knowledge/diagnose.js');
  const ev = await releaseEvidence(s, o.release);
  const d = diagnose(ev.lines);
  const clean = !d.findings.length && (ev.result === 'succeeded' || !ev.lines.length);
  if (g.json) {
    printJson({ type: 'diagnosis', env: s.envr.name, release: ev.release, result: ev.result, sources: ev.sources, findings: d.findings, unmatched: clean ? [] : d.unmatched });
    return 0;
  }
  if (clean) {
    print(t('knowledge.none', { env: s.envr.name, release: ev.release }));
    return 0;
  }
  const { renderDiagnosis } = await import('../report/diagnosis.js');
  const header = t('knowledge.header', { env: s.envr.name, release: ev.release, result: ev.result, sources: ev.sources.join(', ') || '-' });
  print(renderDiagnosis(d, ev.lines, { color: colorEnabled(process.stdout, process.env), header }));
  return 0;
}

/** `slipway report [env]`: the HTML report of the environment; prints the file written. */
export async function report(g: GlobalFlags, env: string | undefined, o: { out?: string }): Promise<number> {
  const s = await session(g, env);
  const { writeReport } = await import('../session/report.js');
  const renderer = await attach(s, g); // a target may say why a part could not be read
  let file: string;
  try {
    file = await writeReport(s, { ...(o.out ? { out: o.out } : {}), lang: getLang() });
  } catch (e) {
    if (isSlipwayError(e)) throw e;
    const target = o.out ?? 'report.html';
    throw new SlipwayError({ key: 'report.writeFailed', params: { file: target, reason: e instanceof Error ? e.message : String(e) }, fix: 'report.writeFailed.fix' });
  } finally {
    renderer.close();
  }
  if (g.json) printJson({ type: 'report', env: s.envr.name, file });
  else print(file);
  return 0;
}
