/**
 * The deploy report as one self-contained HTML document: inline CSS and inline SVG, no
 * script, no font, no image from anywhere else, so it opens offline and can be mailed.
 * Every section has a stable element id: `summary`, `timeline`, `architecture`, `findings`,
 * `releases`, `cost` (and the ids of `extra` sections). Every text is escaped.
 */
import { t, type Lang } from '../../engine/i18n.js';
import '../../engine/messages/report-html.js';
import type { Finding } from '../../checks/types.js';
import type { Json } from '../../engine/step.js';
import type { ReleaseRecord } from '../../targets/types.js';
import { esc } from './escape.js';
import type { CostLineView, ReportData, RunTimeline } from './model.js';
import { architectureSvg, ganttSvg, seconds, stepTitle } from './svg.js';

export function renderReportHtml(data: ReportData, lang: Lang): string {
  const tr = (key: string, params: Record<string, string | number> = {}) => esc(t(key, params, lang));
  const sections = [
    timelineSection(data, lang),
    architectureSection(data, lang),
    findingsSection(data, lang),
    releasesSection(data, lang),
    costSection(data, lang),
    ...(data.extra ?? []).map(
      (x) => `<section id="${esc(x.id)}"><h2>${tr(x.titleKey)}</h2><table>${x.rows.map((r) => `<tr><th>${esc(r.label)}</th><td><pre>${esc(r.text)}</pre></td></tr>`).join('')}</table></section>`,
    ),
  ];
  const st = data.status;
  const summary = [
    `<p class="meta">${tr('report.generated', { at: data.generatedAt, target: data.target })}</p>`,
    st ? `<p>${tr('report.state', { state: stateText(st.state, lang) })}${st.activeRelease ? ` · ${tr('report.serving', { release: st.activeRelease, url: st.url ?? '-' })}` : ''}</p>` : '',
  ].join('');
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="slipway">
<title>${tr('report.title', { app: data.app, env: data.env })}</title>
<style>${CSS}</style>
</head>
<body>
<header id="summary"><h1>${tr('report.title', { app: data.app, env: data.env })}</h1>${summary}
<nav>${['timeline', 'architecture', 'findings', 'releases', 'cost'].map((id) => `<a href="#${id}">${tr(`report.section.${id}`)}</a>`).join(' · ')}</nav></header>
<main>
${sections.join('\n')}
</main>
</body>
</html>
`;
}

/** The environment's state in the report's language (the CLI's `status` words). */
function stateText(state: string, lang: Lang): string {
  const key = `status.state.${state}`;
  const text = t(key, {}, lang);
  return text === key ? state : text;
}

function timelineSection(data: ReportData, lang: Lang): string {
  const tr = (key: string, params: Record<string, string | number> = {}) => esc(t(key, params, lang));
  const head = `<h2>${tr('report.section.timeline')}</h2>`;
  const run = data.run;
  if (!run) return `<section id="timeline">${head}<p class="empty">${tr('report.timeline.none', { env: data.env })}</p></section>`;
  const outcome = t(`report.outcome.${run.outcome}`, {}, lang);
  const summary = `<p class="run-summary outcome-${run.outcome}" data-outcome="${run.outcome}">${tr('report.timeline.summary', { kind: run.kind, run: run.run, outcome, seconds: seconds(run.endedAt - run.startedAt) })}${run.release ? ` · ${tr('report.timeline.release', { release: run.release })}` : ''}</p>`;
  return `<section id="timeline">${head}${summary}<div class="scroll">${ganttSvg(run, lang)}</div>${stepTable(run, lang)}</section>`;
}

function stepTable(run: RunTimeline, lang: Lang): string {
  const tr = (key: string) => esc(t(key, {}, lang));
  const rows = run.steps.map((s) => {
    const start = s.start === undefined ? '' : seconds(s.start - run.startedAt);
    const dur = s.start === undefined ? '' : `${seconds((s.end ?? run.endedAt) - s.start)} s`;
    const undo = s.undo ? t(s.undo.ok ? 'report.timeline.undo' : 'report.timeline.undoFailed', {}, lang) + (s.undo.end ? ` (${seconds(s.undo.end - s.undo.start)} s)` : '') : '';
    const commit = s.commit ? ` <span class="badge commit">${tr('report.timeline.commit')}</span>` : '';
    return `<tr data-step="${esc(s.id)}"><td>${esc(stepTitle(s, lang))}${commit}</td><td class="num">${start}</td><td class="num">${dur}</td><td><span class="badge status-${s.status}">${tr(`report.step.${s.status}`)}</span></td><td>${esc(undo)}</td><td class="error">${esc(s.error ?? '')}</td></tr>`;
  });
  return `<table class="steps"><thead><tr><th>${tr('report.col.step')}</th><th>${tr('report.col.start')}</th><th>${tr('report.col.duration')}</th><th>${tr('report.col.status')}</th><th>${tr('report.col.undo')}</th><th>${tr('report.col.error')}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function architectureSection(data: ReportData, lang: Lang): string {
  const tr = (key: string, params: Record<string, string | number> = {}) => esc(t(key, params, lang));
  const head = `<h2>${tr('report.section.architecture')}</h2>`;
  const view = data.architecture;
  if (!view) {
    const msg = data.architectureError ? tr('report.arch.error', { reason: data.architectureError }) : tr('report.arch.none', { target: data.target });
    return `<section id="architecture">${head}<p class="empty">${msg}</p></section>`;
  }
  const rows = view.groups.flatMap((g) =>
    g.nodes.map((n) => `<tr data-node="${esc(n.id)}"><td>${esc(g.label)}</td><td>${esc(n.kind)}</td><td>${esc(n.label)}</td><td>${(n.detail ?? []).map((d) => esc(d)).join('<br>')}</td></tr>`),
  );
  const notes = (view.notes ?? []).map((n) => `<li>${esc(n)}</li>`).join('');
  return `<section id="architecture">${head}<div class="scroll">${architectureSvg(view, lang)}</div>${notes ? `<ul class="notes">${notes}</ul>` : ''}
<details open><summary>${tr('report.arch.details')}</summary><table class="parts"><thead><tr><th></th><th>${tr('report.col.kind')}</th><th>${tr('report.col.part')}</th><th>${tr('report.arch.details')}</th></tr></thead><tbody>${rows.join('')}</tbody></table></details></section>`;
}

function findingsSection(data: ReportData, lang: Lang): string {
  const tr = (key: string, params: Record<string, string | number> = {}) => esc(t(key, params, lang));
  const head = `<h2>${tr('report.section.findings')}</h2>`;
  const pf = data.preflight;
  if (!pf) return `<section id="findings">${head}<p class="empty">${tr('report.findings.none', { env: data.env })}</p></section>`;
  const order: Record<string, number> = { blocker: 0, warning: 1, info: 2, passed: 3 };
  const shown = pf.findings.filter((f) => f.severity !== 'passed').sort((a, b) => order[a.severity]! - order[b.severity]!);
  const passed = pf.findings.length - shown.length;
  const sev = (f: Finding) => (f.accepted ? 'accepted' : f.severity);
  const rows = shown.map(
    (f) =>
      `<tr class="finding sev-${sev(f)}" data-id="${esc(f.id)}"><td><span class="badge sev-${sev(f)}">${tr(`report.sev.${sev(f)}`)}</span></td><td><code>${esc(f.id)}</code>${f.subject ? ` <span class="subject">${esc(f.subject)}</span>` : ''}</td><td>${esc(f.title)}</td><td>${esc(f.evidence)}</td><td>${esc(f.fix ?? '')}</td></tr>`,
  );
  const accepted = pf.accepted.length ? `<p class="accepted">${tr('report.findings.accepted', { ids: pf.accepted.join(', ') })}</p>` : '';
  return `<section id="findings">${head}<p class="verdict ${pf.go ? 'go' : 'no-go'}">${tr(pf.go ? 'report.findings.go' : 'report.findings.noGo', { at: pf.at })} · ${tr('report.findings.passed', { count: passed })}</p>${accepted}
<table class="findings"><thead><tr><th>${tr('report.col.severity')}</th><th>${tr('report.col.check')}</th><th></th><th>${tr('report.col.evidence')}</th><th>${tr('report.col.fix')}</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

/** A release's verification: its recorded check results, else what its evidence says. */
function verification(r: ReleaseRecord, lang: Lang): string {
  const v = r.details.verify;
  if (Array.isArray(v)) {
    const checks = v.filter((c): c is { [k: string]: Json } => !!c && typeof c === 'object' && !Array.isArray(c));
    const ok = checks.filter((c) => c.ok === true).length;
    const bad = checks.filter((c) => c.ok !== true).map((c) => `✗ ${String(c.name ?? '')} ${String(c.status ?? '')}`.trim());
    return [esc(t('report.verify.passed', { ok, total: checks.length }, lang)), ...bad.map(esc)].join('<br>');
  }
  const line = (r.evidence ?? []).find((e) => /^(verified|unverified)/.test(e));
  return line ? esc(line) : r.result === 'unverified' ? esc(t('report.verify.none', {}, lang)) : '';
}

function releasesSection(data: ReportData, lang: Lang): string {
  const tr = (key: string, params: Record<string, string | number> = {}) => esc(t(key, params, lang));
  const head = `<h2>${tr('report.section.releases')}</h2>`;
  if (!data.releases.length) return `<section id="releases">${head}<p class="empty">${tr('report.releases.none', { env: data.env })}</p></section>`;
  const rows = data.releases.map((r) => {
    const result = t(`report.release.${r.result}`, {}, lang);
    const active = r.active ? ` <span class="badge active">${tr('report.release.active')}</span>` : '';
    const evidence = (r.evidence ?? []).map((e) => `<li>${esc(e)}</li>`).join('');
    return `<tr class="release result-${esc(r.result)}" data-release="${esc(r.id)}"><td><code>${esc(r.id)}</code>${active}</td><td>${esc(r.createdAt)}</td><td><span class="badge result-${esc(r.result)}">${esc(result)}</span>${evidence ? `<ul class="evidence">${evidence}</ul>` : ''}</td><td>${verification(r, lang)}</td><td>${esc((r.acceptedRisks ?? []).join(', '))}</td><td><code>${esc(r.configHash)}</code>${r.gitCommit ? `<br><code>${esc(r.gitCommit)}</code>` : ''}</td></tr>`;
  });
  return `<section id="releases">${head}<table class="releases"><thead><tr><th>${tr('report.col.release')}</th><th>${tr('report.col.created')}</th><th>${tr('report.col.result')}</th><th>${tr('report.col.verification')}</th><th>${tr('report.col.risks')}</th><th>${tr('report.col.config')}</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function costSection(data: ReportData, lang: Lang): string {
  const tr = (key: string, params: Record<string, string | number> = {}) => esc(t(key, params, lang));
  const head = `<h2>${tr('report.section.cost')}</h2>`;
  const c = data.cost;
  if (!c) return `<section id="cost">${head}<p class="empty">${tr('report.cost.none', { target: data.target })}</p></section>`;
  const usd = (n: number) => `$${n.toFixed(2)}`;
  const row = (l: CostLineView) => `<tr><td>${esc(t(l.key, l.params, lang))}</td><td class="num">${usd(l.monthlyUsd)}</td></tr>`;
  const max = Math.max(1, ...c.lines.map((l) => l.monthlyUsd));
  const bars = c.lines
    .map((l, i) => `<g><text x="0" y="${i * 20 + 14}" class="label">${esc(truncate(t(l.key, l.params, lang), 44))}</text><rect class="cost-bar" x="300" y="${i * 20 + 3}" width="${Math.max(2, Math.round((l.monthlyUsd / max) * 300))}" height="14" rx="2"/><text x="${310 + Math.round((l.monthlyUsd / max) * 300)}" y="${i * 20 + 14}" class="dur">${usd(l.monthlyUsd)}</text></g>`)
    .join('');
  const svg = `<svg class="cost-chart" viewBox="0 0 700 ${c.lines.length * 20 + 6}" width="700" height="${c.lines.length * 20 + 6}" xmlns="http://www.w3.org/2000/svg">${bars}</svg>`;
  return `<section id="cost">${head}<p>${tr('report.cost.title', { region: c.region, date: c.priceDate })}</p><div class="scroll">${svg}</div>
<table class="cost"><thead><tr><th>${tr('report.cost.item')}</th><th>${tr('report.cost.monthly')}</th></tr></thead><tbody>${c.lines.map(row).join('')}<tr class="total"><th>${tr('report.cost.total')}</th><th class="num">${usd(c.totalUsd)}</th></tr></tbody></table>
<h3>${tr('report.cost.savings')}</h3><table class="savings"><tbody>${c.savings.map(row).join('')}</tbody></table></section>`;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

const CSS = `
:root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#fff;--panel:#f6f8fa;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--info:#0969da;--undo:#bf8700}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 -apple-system,"Segoe UI","Noto Sans","PingFang SC","Microsoft YaHei",sans-serif;color:var(--fg);background:var(--bg)}
header{padding:20px 28px;border-bottom:1px solid var(--line);background:var(--panel)}
h1{margin:0 0 6px;font-size:22px}h2{margin:0 0 10px;font-size:18px}h3{font-size:15px}
nav a{color:var(--info);text-decoration:none}
.meta{color:var(--muted);margin:0 0 6px}
main{padding:8px 28px 40px;max-width:1200px}
section{margin:22px 0;padding:16px;border:1px solid var(--line);border-radius:8px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin-top:10px}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:var(--panel);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.error{color:var(--bad);font-family:ui-monospace,monospace;font-size:12px;white-space:pre-wrap;max-width:380px}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}pre{margin:0;white-space:pre-wrap}
.empty{color:var(--muted)}
.badge{display:inline-block;white-space:nowrap;padding:0 7px;border-radius:10px;font-size:12px;border:1px solid currentColor}
.badge.status-done,.badge.result-succeeded,.badge.sev-passed,.badge.active{color:var(--ok)}
.badge.status-failed,.badge.result-failed,.badge.sev-blocker,.outcome-failed,.outcome-undone,.outcome-interrupted{color:var(--bad)}
.badge.status-skipped,.badge.status-not-run,.badge.result-pending{color:var(--muted)}
.badge.status-interrupted,.badge.result-rolled-back,.badge.result-unverified,.badge.sev-warning,.badge.sev-accepted,.badge.commit{color:var(--warn)}
.badge.sev-info{color:var(--info)}
.run-summary.outcome-succeeded,.verdict.go{color:var(--ok);font-weight:600}
.verdict.no-go{color:var(--bad);font-weight:600}
ul.evidence{margin:4px 0 0;padding-left:16px;font-size:12px;color:var(--muted)}
svg text{font-size:12px;fill:var(--fg)}
svg .tick,svg .node-kind,svg .node-detail{fill:var(--muted);font-size:11px}
svg .axis{stroke:var(--line)}
svg rect.bar{stroke-width:1}
svg rect.status-done{fill:#2da44e;stroke:#1a7f37}
svg rect.status-skipped{fill:#d0d7de;stroke:#afb8c1}
svg rect.status-failed{fill:#cf222e;stroke:#a40e26}
svg rect.status-interrupted{fill:#d4a72c;stroke:#9a6700}
svg rect.status-not-run{fill:none;stroke:#afb8c1;stroke-dasharray:4 3}
svg rect.undo{fill:#fff8c5;stroke:var(--undo);stroke-dasharray:3 2}
svg rect.undo-failed{stroke:var(--bad)}
svg .commit{stroke:var(--warn);stroke-width:2;stroke-dasharray:6 3}
svg .commit-label{fill:var(--warn);font-weight:600}
svg .group-box{fill:var(--panel);stroke:var(--line)}
svg .group-label{font-weight:600;font-size:13px}
svg .node rect{fill:#fff;stroke:#8c959f}
svg .node.emphasis rect{stroke:var(--ok);stroke-width:2}
svg .node-label{font-weight:600}
svg .edge{stroke:#57606a;stroke-width:1.4}
svg .arrow-head{fill:#57606a}
svg .cost-bar{fill:#0969da}
`;
