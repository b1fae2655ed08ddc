/**
 * Structured events. Steps and targets emit; renderers (TTY tree, plain lines, NDJSON)
 * and the journal subscribe. The bus redacts before any subscriber sees an event.
 */
import type { MessageParams } from './i18n.js';
import { Redactor } from './redact.js';

export type Level = 'debug' | 'info' | 'warn' | 'error';

export type SlipwayEvent =
  | { type: 'run:start'; ts: number; command: string; env: string; runId: string }
  | { type: 'run:end'; ts: number; ok: boolean; durationMs: number; outcome: string; summaryKey?: string; params?: MessageParams }
  | { type: 'step:start'; ts: number; step: string; titleKey: string; params?: MessageParams; parent?: string }
  | { type: 'step:end'; ts: number; step: string; status: 'done' | 'failed' | 'skipped'; durationMs: number; detail?: string }
  | { type: 'step:undo'; ts: number; step: string; status: 'start' | 'done' | 'failed'; detail?: string }
  | { type: 'log'; ts: number; level: Level; step?: string; key?: string; params?: MessageParams; text?: string }
  | { type: 'result'; ts: number; data: Record<string, unknown> };

export type EventInput = SlipwayEvent extends infer E ? (E extends { ts: number } ? Omit<E, 'ts'> : never) : never;
export type Listener = (e: SlipwayEvent) => void;

export class EventBus {
  private readonly listeners: Listener[] = [];
  constructor(readonly redactor: Redactor = new Redactor()) {}

  on(l: Listener): () => void {
    this.listeners.push(l);
    return () => {
      const i = this.listeners.indexOf(l);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  emit(e: EventInput): void {
    const event = this.redactor.redactDeep({ ...e, ts: Date.now() } as SlipwayEvent);
    for (const l of this.listeners) l(event);
  }

  log(level: Level, key: string, params?: MessageParams, step?: string): void {
    this.emit({ type: 'log', level, key, ...(params ? { params } : {}), ...(step ? { step } : {}) });
  }

  /** Free text (e.g. a child process's output), redacted like everything else. */
  text(level: Level, text: string, step?: string): void {
    this.emit({ type: 'log', level, text, ...(step ? { step } : {}) });
  }
}
