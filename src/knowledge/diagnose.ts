/**
 * Diagnosis: the evidence of a failed release (stop reasons, exit codes, log lines, a
 * command's output) against the knowledge base. Each signature found is one finding with
 * its cause, its fix and the lines that show it; evidence no signature explains yields its
 * most informative lines instead, never a bare stack.
 */
import { registerCatalog, t, type Lang } from '../engine/i18n.js';
import { knowledge } from '../engine/messages/knowledge.js';
import { informativeLines, isWarning, keyLine } from './explain.js';
import { classify, signature } from './signatures.js';

registerCatalog(knowledge);

export interface Finding {
  signatureId: string;
  /** The runbook pitfall (1–12) this is, if any. */
  pitfall?: number;
  cause: string;
  fix: string;
  /** The evidence lines that show it (as given: redact before). */
  evidence: string[];
}

export interface Diagnosis {
  findings: Finding[];
  /** When nothing matched: the lines worth reading (errors first, then the last lines). */
  unmatched: string[];
}

const MAX_EVIDENCE = 3;

/** Diagnose evidence lines (multi-line entries are split). Findings in the order their first line appears, warnings last. */
export function diagnose(evidence: readonly string[], lang?: Lang): Diagnosis {
  const lines = informativeLines(evidence);
  const found = new Map<string, string[]>();
  for (const line of lines) {
    const sig = classify(line);
    if (!sig) continue;
    const list = found.get(sig.id) ?? [];
    if (!list.includes(line)) list.push(line);
    found.set(sig.id, list);
  }
  const superseded = new Set([...found.keys()].flatMap((id) => signature(id)?.supersedes ?? []));
  const findings: Finding[] = [];
  for (const [id, ev] of found) {
    if (superseded.has(id)) continue;
    const sig = signature(id)!;
    findings.push({
      signatureId: id,
      ...(sig.pitfall ? { pitfall: sig.pitfall } : {}),
      cause: t(`knowledge.${id}.cause`, {}, lang),
      fix: t(`knowledge.${id}.fix`, {}, lang),
      evidence: ev.slice(0, MAX_EVIDENCE),
    });
  }
  // Causes shown by errors before those shown only by warnings (npm's EBADENGINE before the error it preceded).
  const warnOnly = (f: Finding) => f.evidence.every(isWarning);
  findings.sort((x, y) => Number(warnOnly(x)) - Number(warnOnly(y)));
  return { findings, unmatched: findings.length ? [] : mostInformative(lines) };
}

/** What to show when no signature matched: the line that reads like the error, then the last few lines. */
export function mostInformative(lines: readonly string[], n = 6): string[] {
  const key = keyLine(lines);
  const tail = lines.slice(-n);
  return key && !tail.includes(key.line) ? [key.line, ...tail.slice(1 - n)] : tail;
}
