/**
 * The evidence of a failed run, gathered from its events: the failed steps' output lines
 * (command output, a migration task's log lines), their warnings and errors, the error's
 * message and the raw lines it carries. Events arrive redacted; the error is redacted here.
 * What the evidence means is the knowledge base's job (src/knowledge/diagnose.ts).
 */
import { SlipwayError, errorMessage } from '../engine/errors.js';
import type { EventBus, SlipwayEvent } from '../engine/events.js';
import { t } from '../engine/i18n.js';
import type { Redactor } from '../engine/redact.js';

const PER_STEP = 200;

export interface EvidenceRecorder {
  /** The evidence of a run that failed with `error`, oldest first. */
  of(error: unknown): string[];
  stop(): void;
}

export function recordEvidence(bus: EventBus, redactor: Redactor): EvidenceRecorder {
  const lines = new Map<string, string[]>();
  const failed: { step: string; detail?: string }[] = [];
  const keep = (step: string, line: string) => {
    const list = lines.get(step) ?? [];
    list.push(line);
    if (list.length > PER_STEP) list.shift();
    lines.set(step, list);
  };
  const off = bus.on((e: SlipwayEvent) => {
    if (e.type === 'log' && e.step) {
      if (e.text !== undefined) keep(e.step, e.text);
      // Messages in English: signatures match the tools' own (English) words.
      else if (e.key && e.level !== 'debug') keep(e.step, t(e.key, e.params ?? {}, 'en'));
    } else if (e.type === 'step:end' && e.status === 'failed') {
      failed.push({ step: e.step, ...(e.detail ? { detail: e.detail } : {}) });
    }
  });
  return {
    of(error) {
      const out = failed.flatMap((f) => lines.get(f.step) ?? []);
      const message = error instanceof SlipwayError ? t(error.key, error.params, 'en') : errorMessage(error);
      out.push(...message.split('\n'));
      if (error instanceof SlipwayError) out.push(...error.evidence);
      else for (const f of failed) if (f.detail && !out.includes(f.detail)) out.push(f.detail);
      return out.map((l) => redactor.redact(l));
    },
    stop: off,
  };
}
