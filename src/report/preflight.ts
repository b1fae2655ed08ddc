/** Terminal rendering of a preflight report, grouped by area, red / yellow / green. */
import pc from 'picocolors';
import { t } from '../engine/i18n.js';
import '../engine/messages/checks.js';
import type { Finding, PreflightReport, Severity } from '../checks/types.js';

const AREA_ORDER = ['config', 'env', 'app', 'docker', 'host', 'domains', 'storage', 'aws', 'safety', 'window'];
const MARK: Record<Severity, string> = { blocker: '✖', warning: '▲', info: 'ℹ', passed: '✔' };

export function renderPreflight(report: PreflightReport, opts: { color: boolean }): string {
  const c = pc.createColors(opts.color);
  const paint: Record<Severity, (s: string) => string> = { blocker: c.red, warning: c.yellow, info: c.cyan, passed: c.green };
  const lines: string[] = [c.bold(t('checks.report.header', { env: report.env, target: report.target })), ''];
  const areas = [...new Set(report.findings.map((f) => f.area))].sort((a, b) => rank(a) - rank(b));
  for (const area of areas) {
    const list = report.findings.filter((f) => f.area === area);
    lines.push(c.bold(areaTitle(area)));
    for (const f of list) lines.push(...renderFinding(f, paint, c.dim));
    lines.push('');
  }
  const count = (s: Severity, accepted = false) => report.findings.filter((f) => f.severity === s && !!f.accepted === accepted).length;
  const blockers = count('blocker');
  const warnings = count('warning');
  if (report.go) {
    lines.push(c.bold(c.green(t('checks.report.go', { warnings, ms: report.durationMs }))));
    if (report.accepted.length) lines.push(c.yellow(t('checks.report.goAccepted', { accepted: report.accepted.join(', ') })));
  } else {
    lines.push(c.bold(c.red(t('checks.report.noGo', { blockers, warnings, ms: report.durationMs }))));
    lines.push(t('checks.report.noGoHint'));
  }
  return lines.join('\n');
}

function rank(area: string): number {
  const i = AREA_ORDER.indexOf(area);
  return i < 0 ? AREA_ORDER.length : i;
}

function areaTitle(area: string): string {
  const key = `checks.area.${area}`;
  const text = t(key);
  return text === key ? area : text;
}

function renderFinding(f: Finding, paint: Record<Severity, (s: string) => string>, dim: (s: string) => string): string[] {
  const sev = f.accepted ? `${t('checks.report.blocker')}, ${t('checks.report.accepted')}` : t(`checks.report.${f.severity}`);
  const mark = f.accepted ? paint.warning(MARK.blocker) : paint[f.severity](MARK[f.severity]);
  const head = `  ${mark} ${f.severity === 'passed' ? f.title : paint[f.accepted ? 'warning' : f.severity](f.title)} ${dim(`[${f.id}${f.severity === 'passed' ? '' : ` · ${sev}`}]`)}`;
  const out = [head];
  if (f.evidence && f.severity !== 'passed') out.push(`      ${f.evidence}`);
  if (f.fix && (f.severity === 'blocker' || f.severity === 'warning')) out.push(`      ${dim(`${t('checks.report.fix')}:`)} ${f.fix}`);
  return out;
}
