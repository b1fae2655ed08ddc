/**
 * The one parser of failure output: which lines of a command's output, an app log or an
 * ECS task's evidence explain a failure. `explain` quotes them in a message; `diagnose`
 * (diagnose.ts) names the cause and the fix of the signatures they show.
 */
import { classify, type FailureKind, type Signature } from './signatures.js';

export type { FailureKind } from './signatures.js';

/** Failure words no signature names: they still tell a connection problem from a config one. */
const KINDS: [RegExp, FailureKind][] = [
  [/authentication failed|permission denied for/i, 'auth'],
  [/ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|getaddrinfo|connection refused|could not connect|Connection terminated|timeout expired|SSL/i, 'connection'],
  [/not found in environment|missing (?:required )?(?:env|environment)|is required|must be (?:of type|a|an|one of|set|provided|defined)|value was undefined|is not allowed to be empty|ValidationError|Invalid environment|invalid config|undefined variable/i, 'config'],
  [/\b(?:Error|ERROR|FATAL|ERR!|error TS\d+|SyntaxError|TypeError|ReferenceError|command not found|No such file)\b|\berror:/, 'generic'],
];

/** Stack frames, blank lines, npm's log-file footer, caret lines, Node internals. */
export const isNoise = (l: string): boolean =>
  /^\s+at\s|^\s*at\s.*\(.*:\d+:\d+\)$|^\s*$|^npm (?:ERR!|error) (?:A complete log|code |path |errno |syscall )|^\s*\^+\s*$|^node:internal\/|^Node\.js v\d+|^\s*[{}]\s*$|^\s+(?:length|severity|file|line|routine|position|internalPosition|internalQuery|schema|table|column|dataType|constraint|errno|syscall|address|port|client|name|\[Symbol\(\w+\)\]):\s/.test(l);

/** A line a tool printed as a warning, not an error. */
export const isWarning = (l: string): boolean => /^(?:npm |yarn |pnpm )?warn(?:ing)?\b|^\(node:\d+\) \w*Warning/i.test(l.trim());

export interface ExplainedLine {
  line: string;
  kind: FailureKind;
  signature?: Signature;
}

/** The lines of `output` worth reading (no stack frames or object fields), trimmed. */
export function informativeLines(output: string | readonly string[]): string[] {
  const all = typeof output === 'string' ? output.split('\n') : output.flatMap((l) => l.split('\n'));
  return all.map((l) => l.replace(/\s+$/, '')).filter((l) => !isNoise(l)).map((l) => l.trim());
}

/** The line that best explains the failure: the first line of the first signature shown, else of the most specific kind. */
export function keyLine(lines: readonly string[]): ExplainedLine | undefined {
  let warned: ExplainedLine | undefined;
  for (const line of lines) {
    const sig = classify(line);
    if (!sig) continue;
    // A warning (npm's EBADENGINE) printed before the error does not explain it, unless nothing else does.
    if (!isWarning(line)) return { line, kind: sig.kind, signature: sig };
    warned ??= { line, kind: sig.kind, signature: sig };
  }
  if (warned) return warned;
  for (const [re, kind] of KINDS) {
    const line = lines.find((l) => re.test(l));
    if (line) return { line, kind };
  }
  return undefined;
}

/**
 * The lines of a command's output that explain a failure: the line a known cause shows
 * (a signature, else the most specific kind), then the last lines that are not stack
 * frames. Whole output belongs in a log file; this is what a message quotes.
 */
export function explain(output: string, n = 4): { text: string; kind: FailureKind; signatureId?: string } {
  const lines = output.split('\n').map((l) => l.replace(/\s+$/, '')).filter((l) => !isNoise(l));
  const hit = keyLine(lines.map((l) => l.trim()));
  const sig = hit?.signature ? { signatureId: hit.signature.id } : {};
  // A known cause says it all; what follows it is mostly the error object's fields.
  if (hit && (hit.signature || hit.kind !== 'generic')) return { text: hit.line, kind: hit.kind, ...sig };
  const tail = lines.slice(-n).map((l) => l.trim());
  const parts = hit && !tail.includes(hit.line) ? [hit.line, '…', ...tail] : tail;
  return { text: parts.join(' | '), kind: hit?.kind ?? 'generic' };
}
