/** Terminal rendering of a diagnosis: each cause and its fix, then the raw evidence (already redacted). */
import pc from 'picocolors';
import { t } from '../engine/i18n.js';
import type { Diagnosis } from '../knowledge/diagnose.js';
import { informativeLines } from '../knowledge/explain.js';

const RAW_LINES = 30;

export function renderDiagnosis(d: Diagnosis, raw: readonly string[], opts: { color: boolean; header?: string }): string {
  const c = pc.createColors(opts.color);
  const lines: string[] = [c.bold(opts.header ?? t('knowledge.title'))];
  for (const f of d.findings) {
    const pitfall = f.pitfall ? c.dim(` (${t('knowledge.pitfall', { n: f.pitfall })})`) : '';
    lines.push(`  ${c.red('✗')} ${f.cause}${pitfall} ${c.dim(`[${f.signatureId}]`)}`);
    lines.push(`    ${t('cli.fix')}: ${f.fix}`);
    for (const e of f.evidence) lines.push(c.dim(`    ${t('knowledge.evidence')}: ${e}`));
  }
  if (!d.findings.length) {
    lines.push(`  ${t('knowledge.unmatched')}`);
    for (const l of d.unmatched) lines.push(`    ${l}`);
  }
  const rawLines = informativeLines(raw).slice(-RAW_LINES);
  if (rawLines.length && d.findings.length) {
    lines.push(c.dim(t('knowledge.raw')));
    for (const l of rawLines) lines.push(c.dim(`  │ ${l}`));
  }
  return lines.join('\n');
}
