/**
 * The two drawings of the report as inline SVG strings: the Gantt chart of a run's steps
 * and the architecture (groups as boxes, nodes inside, edges between them). Pure functions.
 */
import { t, type Lang } from '../../engine/i18n.js';
import type { ArchitectureView } from '../../targets/types.js';
import type { RunTimeline, TimelineStep } from './model.js';
import { esc } from './escape.js';

const LABEL_W = 260;
const BAR_W = 560;
const TAIL_W = 110;
const ROW_H = 26;
const TOP = 28;

export function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

/** Step title in the report's language; unknown keys show the step id. */
export function stepTitle(s: TimelineStep, lang: Lang): string {
  const text = t(s.titleKey, s.titleParams ?? {}, lang);
  return text === s.titleKey ? s.id : text;
}

/** A Gantt chart: one row per planned step, bars on a shared time axis, undo bars, the commit point. */
export function ganttSvg(run: RunTimeline, lang: Lang): string {
  const span = Math.max(1, run.endedAt - run.startedAt);
  const x = (ts: number) => LABEL_W + Math.round(((ts - run.startedAt) / span) * BAR_W);
  const width = LABEL_W + BAR_W + TAIL_W;
  const height = TOP + run.steps.length * ROW_H + 14;
  const parts: string[] = [];
  // Axis: 0, half, end.
  for (const f of [0, 0.5, 1]) {
    const ax = LABEL_W + Math.round(f * BAR_W);
    parts.push(`<line class="axis" x1="${ax}" y1="${TOP - 6}" x2="${ax}" y2="${height - 10}"/>`);
    parts.push(`<text class="tick" x="${ax}" y="${TOP - 10}" text-anchor="middle">${seconds(f * span)} s</text>`);
  }
  run.steps.forEach((s, i) => {
    const y = TOP + i * ROW_H;
    const title = stepTitle(s, lang);
    const cls = `bar status-${s.status}`;
    parts.push(`<g class="row" id="gantt-${esc(s.id)}" data-step="${esc(s.id)}" data-status="${s.status}">`);
    parts.push(`<text class="label" x="${LABEL_W - 8}" y="${y + 17}" text-anchor="end">${esc(truncate(title, 38))}</text>`);
    if (s.start === undefined) {
      parts.push(`<rect class="${cls}" x="${LABEL_W}" y="${y + 5}" width="${BAR_W}" height="${ROW_H - 10}" rx="3"><title>${esc(title)}: ${esc(t('report.step.not-run', {}, lang))}</title></rect>`);
      parts.push(`<text class="dur" x="${LABEL_W + BAR_W + 6}" y="${y + 17}">${esc(t('report.step.not-run', {}, lang))}</text>`);
    } else {
      const end = s.end ?? run.endedAt;
      const x0 = x(s.start);
      const w = Math.max(3, x(end) - x0);
      const dur = `${seconds(end - s.start)} s`;
      parts.push(`<rect class="${cls}" x="${x0}" y="${y + 5}" width="${w}" height="${ROW_H - 10}" rx="3"><title>${esc(title)}: ${esc(t(`report.step.${s.status}`, {}, lang))}, ${dur}</title></rect>`);
      if (s.undo) {
        const u0 = x(s.undo.start);
        const uw = Math.max(3, x(s.undo.end ?? run.endedAt) - u0);
        const label = t(s.undo.ok ? 'report.timeline.undo' : 'report.timeline.undoFailed', {}, lang);
        parts.push(`<rect class="undo${s.undo.ok ? '' : ' undo-failed'}" x="${u0}" y="${y + 8}" width="${uw}" height="${ROW_H - 16}" rx="2"><title>${esc(title)}: ${esc(label)}</title></rect>`);
      }
      parts.push(`<text class="dur" x="${LABEL_W + BAR_W + 6}" y="${y + 17}">${esc(dur)}${s.undo ? ` ↺` : ''}</text>`);
    }
    parts.push('</g>');
  });
  const commit = run.steps.find((s) => s.commit && s.status === 'done' && s.end !== undefined);
  if (commit?.end !== undefined) {
    const cx = x(commit.end);
    parts.push(`<g id="gantt-commit"><line class="commit" x1="${cx}" y1="${TOP - 4}" x2="${cx}" y2="${height - 10}"/>`);
    parts.push(`<text class="commit-label" x="${cx + 4}" y="${height - 2}">${esc(t('report.timeline.commit', {}, lang))}</text></g>`);
  }
  return `<svg class="gantt" role="img" aria-label="${esc(t('report.timeline.aria', {}, lang))}" viewBox="0 0 ${width} ${height + 4}" width="${width}" height="${height + 4}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}

const NODE_W = 230;
const GROUP_PAD = 12;
const COL_GAP = 46;
const LINE_H = 14;

/** The architecture: one column per group, its nodes stacked inside, edges as lines between node boxes. */
export function architectureSvg(view: ArchitectureView, lang: Lang): string {
  const boxes = new Map<string, { x: number; y: number; w: number; h: number }>();
  const parts: string[] = [];
  let maxH = 0;
  view.groups.forEach((g, gi) => {
    const gx = 10 + gi * (NODE_W + 2 * GROUP_PAD + COL_GAP);
    let y = 10 + 34;
    const inner: string[] = [];
    for (const n of g.nodes) {
      const lines = (n.detail ?? []).slice(0, 4);
      const more = (n.detail?.length ?? 0) - lines.length;
      const h = 26 + (lines.length + (more > 0 ? 1 : 0)) * LINE_H;
      const nx = gx + GROUP_PAD;
      boxes.set(n.id, { x: nx, y, w: NODE_W, h });
      inner.push(`<g class="node kind-${esc(n.kind)}${n.emphasis ? ' emphasis' : ''}" id="arch-${esc(n.id)}" data-kind="${esc(n.kind)}">`);
      inner.push(`<rect x="${nx}" y="${y}" width="${NODE_W}" height="${h}" rx="6"/>`);
      inner.push(`<text class="node-kind" x="${nx + NODE_W - 8}" y="${y + 15}" text-anchor="end">${esc(n.kind)}</text>`);
      inner.push(`<text class="node-label" x="${nx + 8}" y="${y + 17}">${esc(truncate(n.label, 26))}</text>`);
      lines.forEach((l, i) => inner.push(`<text class="node-detail" x="${nx + 8}" y="${y + 32 + i * LINE_H}">${esc(truncate(l, 36))}</text>`));
      if (more > 0) inner.push(`<text class="node-detail" x="${nx + 8}" y="${y + 32 + lines.length * LINE_H}">+${more} …</text>`);
      inner.push('</g>');
      y += h + 10;
    }
    const gh = Math.max(60, y - 10 + GROUP_PAD - 10);
    maxH = Math.max(maxH, gh + 10);
    parts.push(`<g class="group kind-${esc(g.kind)}" id="arch-group-${esc(g.id)}">`);
    parts.push(`<rect class="group-box" x="${gx}" y="10" width="${NODE_W + 2 * GROUP_PAD}" height="${gh}" rx="8"/>`);
    parts.push(`<text class="group-label" x="${gx + 10}" y="30">${esc(truncate(g.label, 30))}</text>`);
    if (g.detail) parts.push(`<title>${esc(g.detail)}</title>`);
    parts.push(...inner, '</g>');
  });
  const edges: string[] = [];
  for (const e of view.edges) {
    const a = boxes.get(e.from);
    const b = boxes.get(e.to);
    if (!a || !b) continue;
    const sameCol = Math.abs(a.x - b.x) < 1;
    const [x1, y1, x2, y2] = sameCol
      ? [a.x + a.w - 20, a.y + a.h, b.x + b.w - 20, b.y]
      : a.x < b.x
        ? [a.x + a.w, a.y + a.h / 2, b.x, b.y + b.h / 2]
        : [a.x, a.y + a.h / 2, b.x + b.w, b.y + b.h / 2];
    edges.push(`<line class="edge" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" marker-end="url(#arrow)"><title>${esc(e.label ?? `${e.from} → ${e.to}`)}</title></line>`);
  }
  const width = 20 + Math.max(1, view.groups.length) * (NODE_W + 2 * GROUP_PAD + COL_GAP) - COL_GAP;
  const height = maxH + 10;
  const defs = `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrow-head"/></marker></defs>`;
  return `<svg class="arch" role="img" aria-label="${esc(t('report.arch.aria', {}, lang))}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">${defs}${parts.join('')}${edges.join('')}</svg>`;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
