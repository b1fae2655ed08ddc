/** How the CLI prints results and errors: no stack traces for user mistakes. */
import { errorColors as pc } from '../report/colors.js';
import { isSlipwayError, SlipwayError } from '../engine/errors.js';
import { t } from '../engine/i18n.js';
import type { Redactor } from '../engine/redact.js';

let activeRedactor: Redactor | undefined;
/** Errors printed after a session opened are redacted with its secrets. */
export function useRedactor(r: Redactor): void {
  activeRedactor = r;
}
const red = (s: string) => (activeRedactor ? activeRedactor.redact(s) : s);

export function printJson(value: unknown): void {
  process.stdout.write(red(JSON.stringify(value)) + '\n');
}

export function print(text: string): void {
  process.stdout.write(red(text) + '\n');
}

/** Errors from outside slipway that still have a known cause and fix. */
function known(e: unknown): SlipwayError | undefined {
  const name = (e as { name?: string } | undefined)?.name;
  if (name === 'CredentialsProviderError') {
    return new SlipwayError({ key: 'aws.noCredentials', params: { reason: (e as Error).message }, fix: 'aws.noCredentials.fix', exitCode: 2 });
  }
  return undefined;
}

/** Print an error; `exitCode` overrides the error's own (a config error met inside a run still ends the run with 1). */
export function handleError(err: unknown, json: boolean, exitCode?: 1 | 2): number {
  const e = known(err) ?? err;
  if (isSlipwayError(e)) {
    const code = exitCode ?? e.exitCode;
    if (json) printJson({ type: 'error', ...e.toJSON(), exitCode: code });
    else {
      const lines = [pc.red(`✗ ${e.text()}`)];
      if (e.place) lines.push(`  ${t('cli.where')}: ${e.place}`);
      const fix = e.fixText();
      if (fix) lines.push(`  ${t('cli.fix')}: ${fix}`);
      process.stderr.write(red(lines.join('\n')) + '\n');
    }
    return code;
  }
  const message = e instanceof Error ? e.message : String(e);
  if (json) printJson({ type: 'error', code: 'internal', message, exitCode: 1 });
  else {
    process.stderr.write(red(pc.red(`✗ ${t('cli.internalError', { message })}`)) + '\n');
    if (process.env.SLIPWAY_DEBUG && e instanceof Error && e.stack) process.stderr.write(red(e.stack) + '\n');
    else process.stderr.write(`  ${t('cli.internalError.fix')}\n`);
  }
  return 1;
}
