/**
 * Errors users can act on. Each carries a message key (cause), an optional place
 * (file, config path, resource) and a fix key. The CLI prints these without a stack.
 */
import { t, type MessageParams } from './i18n.js';

export type ExitCode = 0 | 1 | 2;

export interface SlipwayErrorInit {
  /** Message key of the cause. */
  key: string;
  params?: MessageParams;
  /** Where: a file, `file:line`, a config path, or a resource. */
  place?: string;
  /** Message key of the fix. */
  fix?: string;
  fixParams?: MessageParams;
  /** 1 = the operation failed (left safe), 2 = usage or configuration error. */
  exitCode?: 1 | 2;
  cause?: unknown;
  /** Raw lines that show why (a task's log lines, stop reasons): diagnosed and printed, redacted, under the cause. */
  evidence?: string[];
}

export class SlipwayError extends Error {
  readonly key: string;
  readonly params: MessageParams;
  readonly place: string | undefined;
  readonly fix: string | undefined;
  readonly fixParams: MessageParams;
  readonly exitCode: 1 | 2;
  readonly evidence: string[];

  constructor(init: SlipwayErrorInit) {
    super(t(init.key, init.params ?? {}, 'en'), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'SlipwayError';
    this.key = init.key;
    this.params = init.params ?? {};
    this.place = init.place;
    this.fix = init.fix;
    this.fixParams = init.fixParams ?? {};
    this.exitCode = init.exitCode ?? 1;
    this.evidence = init.evidence ?? [];
  }

  /** The cause in the current language. */
  text(): string {
    return t(this.key, this.params);
  }
  fixText(): string | undefined {
    return this.fix ? t(this.fix, this.fixParams) : undefined;
  }
  toJSON(): { code: string; message: string; place?: string; fix?: string; exitCode: number } {
    const fix = this.fixText();
    return {
      code: this.key,
      message: this.text(),
      ...(this.place ? { place: this.place } : {}),
      ...(fix ? { fix } : {}),
      exitCode: this.exitCode,
    };
  }
}

export class ConfigError extends SlipwayError {
  constructor(init: Omit<SlipwayErrorInit, 'exitCode'>) {
    super({ ...init, exitCode: 2 });
    this.name = 'ConfigError';
  }
}

export function isSlipwayError(e: unknown): e is SlipwayError {
  return e instanceof SlipwayError;
}

export function errorMessage(e: unknown): string {
  if (e instanceof SlipwayError) return e.text();
  if (e instanceof Error) return e.message;
  return String(e);
}
