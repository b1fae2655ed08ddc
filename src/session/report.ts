/**
 * The deploy report's data, gathered from what slipway keeps about an environment: the last
 * run in the journal, the release ledger, the last preflight (recorded by `check` and `deploy`
 * in this machine's state dir), the target's architecture and, for aws, the cost estimate.
 * Rendering is pure (src/report/html); this module reads and writes the files around it.
 */
import path from 'node:path';
import type { PreflightReport } from '../checks/types.js';
import type { Lang } from '../engine/i18n.js';
import { errorMessage } from '../engine/errors.js';
import { Journal } from '../engine/journal.js';
import { Redactor } from '../engine/redact.js';
import { esc } from '../report/html/escape.js';
import { timelineOf, type CostLineView, type CostView, type ExtraSection, type PreflightView, type ReportData } from '../report/html/model.js';
import { renderReportHtml } from '../report/html/render.js';
import type { Session } from './session.js';

/** Where the last preflight is kept (this machine: the preflight runs here, whatever the target). */
export function preflightFile(s: Session): string {
  return path.join(s.ctx.stateDir, 'preflight.json');
}

/** The default report file: beside the environment's other state on this machine, never in the app's tree. */
export function defaultReportFile(s: Session): string {
  return path.join(s.ctx.stateDir, 'report.html');
}

/** Keep the preflight's findings (redacted) for the report; accepted risks are part of it. */
export async function recordPreflight(s: Session, report: PreflightReport, now = new Date()): Promise<void> {
  const view: PreflightView = { at: now.toISOString(), go: report.go, findings: report.findings, accepted: report.accepted };
  await s.ctx.localHost.writeFile(preflightFile(s), JSON.stringify(s.ctx.redactor.redactDeep(view), null, 2) + '\n', 0o600);
}

export async function readPreflight(s: Session): Promise<PreflightView | undefined> {
  const text = await s.ctx.localHost.readFile(preflightFile(s)).catch(() => undefined);
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<PreflightView>;
    return Array.isArray(v.findings) && typeof v.at === 'string' ? { at: v.at, go: v.go === true, findings: v.findings, accepted: Array.isArray(v.accepted) ? v.accepted : [] } : undefined;
  } catch {
    return undefined;
  }
}

export interface GatherOptions {
  /** Sections added by other parts of slipway (e.g. a diagnosis). */
  extra?: ExtraSection[];
  now?: Date;
}

/** Everything the report shows; a part that cannot be read is left out (or says why), never fails the report. */
export async function gatherReport(s: Session, opts: GatherOptions = {}): Promise<ReportData> {
  const { ctx, target } = s;
  const st = await s.state();
  const journal = new Journal(st.store, path.posix.join(st.dir, 'journal'), ctx.redactor);
  const [entries, releases, status, arch, preflight] = await Promise.all([
    journal.lastRunEntries().catch(() => undefined),
    target.releases(ctx).catch(() => []),
    target.status(ctx).catch(() => undefined),
    target.architecture
      ? target.architecture(ctx).then(
          (view) => ({ view }),
          (e: unknown) => ({ error: errorMessage(e) }),
        )
      : Promise.resolve(undefined),
    readPreflight(s),
  ]);
  const run = entries ? timelineOf(entries) : undefined;
  const cost = target.infra ? costView(target.infra.cost(ctx).data) : undefined;
  const data: ReportData = {
    env: ctx.envr.name,
    target: target.name,
    app: ctx.envr.app.name,
    generatedAt: (opts.now ?? new Date()).toISOString(),
    ...(status ? { status: { state: status.state, ...(status.url ? { url: status.url } : {}), ...(status.activeRelease ? { activeRelease: status.activeRelease } : {}) } } : {}),
    ...(run ? { run } : {}),
    ...(arch && 'view' in arch ? { architecture: arch.view } : {}),
    ...(arch && 'error' in arch ? { architectureError: arch.error } : {}),
    ...(preflight ? { preflight } : {}),
    releases,
    ...(cost ? { cost } : {}),
    ...(opts.extra?.length ? { extra: opts.extra } : {}),
  };
  return ctx.redactor.redactDeep(data);
}

/** Render the report in `lang` and write it to `out` (default: the env's state dir); returns the file. */
export async function writeReport(s: Session, opts: GatherOptions & { out?: string; lang: Lang }): Promise<string> {
  const file = path.resolve(opts.out ?? defaultReportFile(s));
  const html = renderReportHtml(await gatherReport(s, opts), opts.lang);
  // A secret never appears, also in the escaped form the HTML gives it.
  const values = [...s.ctx.secrets.values.values()];
  const redactor = new Redactor([...values, ...values.map((v) => esc(v))]);
  await s.ctx.localHost.writeFile(file, s.ctx.redactor.redact(redactor.redact(html)), 0o644);
  return file;
}

function costLines(v: unknown): CostLineView[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const lines = v.filter((l): l is CostLineView => !!l && typeof l === 'object' && typeof (l as CostLineView).key === 'string' && typeof (l as CostLineView).monthlyUsd === 'number');
  return lines.map((l) => ({ key: l.key, params: l.params ?? {}, monthlyUsd: l.monthlyUsd }));
}

/** The target's cost estimate as the report draws it (aws `estimateCost` shape). */
function costView(d: Record<string, unknown>): CostView | undefined {
  const lines = costLines(d.lines);
  if (!lines || typeof d.totalUsd !== 'number') return undefined;
  return { region: String(d.region ?? ''), priceDate: String(d.priceDate ?? ''), lines, totalUsd: d.totalUsd, savings: costLines(d.savings) ?? [] };
}
