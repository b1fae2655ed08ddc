/**
 * Building findings from message keys. A variant `K` of a check has `K` (title),
 * `K.evidence` and optionally `K.fix` in the catalog; all take the same params.
 */
import { hasMessage, t, type MessageParams } from '../engine/i18n.js';
import '../engine/messages/checks.js';
import type { Finding, Severity } from './types.js';

export interface FindingInit {
  id: string;
  area: string;
  severity: Severity;
  /** Message key of the variant. */
  key: string;
  params?: MessageParams;
  subject?: string;
  /** Evidence already rendered (used when it is a list built by the check). */
  evidence?: string;
  /** Override the fix key (default `key.fix` when it exists). */
  fixKey?: string;
}

export function finding(init: FindingInit): Finding {
  const params = init.params ?? {};
  const fixKey = init.fixKey ?? `${init.key}.fix`;
  const evidence = init.evidence ?? (hasMessage(`${init.key}.evidence`) ? t(`${init.key}.evidence`, params) : '');
  const f: Finding = {
    id: init.id,
    severity: init.severity,
    area: init.area,
    title: t(init.key, params),
    evidence,
  };
  if (init.severity !== 'passed' && hasMessage(fixKey)) f.fix = t(fixKey, params);
  if (init.subject !== undefined) f.subject = init.subject;
  return f;
}

/** A finding-maker bound to one area. */
export function areaFinder(area: string) {
  return (id: string, severity: Severity, key: string, params?: MessageParams, extra: Partial<FindingInit> = {}): Finding =>
    finding({ id, area, severity, key, ...(params ? { params } : {}), ...extra });
}

/** The error text of something that failed, short and without a stack. */
export function reason(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    const msg = e.message.split('\n')[0] ?? '';
    return code && !msg.includes(code) ? `${code}: ${msg}` : msg || e.name;
  }
  return String(e);
}

/** Join a list for evidence, with at most `max` items shown. */
export function listOf(items: readonly string[], max = 8): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} (+${items.length - max})`;
}
