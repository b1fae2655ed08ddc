/** "Did you mean …?": edit distance and the nearest candidate (config keys, env var names). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/**
 * The candidate nearest to `word`, if near enough to be a likely typo: at most 2 edits, or
 * `ratio` of the longer name (DB_USERNAME → DB_USER is 4 edits of 11).
 */
export function nearest(word: string, candidates: readonly string[], opts: { ratio?: number; ignoreCase?: boolean } = {}): string | undefined {
  const norm = (s: string) => (opts.ignoreCase ? s.toLowerCase() : s);
  let best: string | undefined;
  let bestD = Infinity;
  let bestP = -1;
  for (const c of candidates) {
    const d = editDistance(norm(word), norm(c));
    const p = commonPrefix(norm(word), norm(c));
    // Ties go to the longer shared prefix (DB_USERNAME → DB_USER, not DB_NAME), then to the earlier candidate.
    if (d < bestD || (d === bestD && p > bestP)) [best, bestD, bestP] = [c, d, p];
  }
  const ratio = opts.ratio ?? 1 / 3;
  return best !== undefined && bestD <= Math.max(2, Math.ceil(ratio * Math.max(word.length, best.length))) ? best : undefined;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** The last `n` lines of a command's output, on one line. */
export function lastLines(text: string, n = 5): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}

/** What kind of failure a command's output shows (a migration that cannot connect is not a bad migration). */
export type FailureKind = 'connection' | 'auth' | 'config' | 'generic';

const PATTERNS: [RegExp, FailureKind][] = [
  [/password authentication failed|authentication failed|permission denied for|role ".*" does not exist/i, 'auth'],
  [/ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|getaddrinfo|connection refused|could not connect|Connection terminated|timeout expired|no pg_hba\.conf entry|database ".*" does not exist|SSL|self[- ]signed certificate/i, 'connection'],
  [/not found in environment|missing (?:required )?(?:env|environment)|is required|must be (?:of type|a|an|one of|set|provided|defined)|value was undefined|is not allowed to be empty|ValidationError|ZodError|Invalid environment|invalid config|undefined variable/i, 'config'],
  [/\b(?:Error|ERROR|FATAL|ERR!|error TS\d+|SyntaxError|TypeError|ReferenceError|Cannot find module|command not found|No such file)\b/, 'generic'],
];

const isNoise = (l: string) => /^\s+at\s|^\s*at\s.*\(.*:\d+:\d+\)$|^\s*$|^npm (?:ERR!|error) (?:A complete log|code |path |errno |syscall )|^\s*\^+\s*$|^node:internal/.test(l);

/**
 * The lines of a command's output that explain a failure: the first line matching a known
 * cause (the most specific kind wins), then the last lines that are not stack frames.
 * Whole output belongs in a log file; this is what a message quotes.
 */
export function explain(output: string, n = 4): { text: string; kind: FailureKind } {
  const lines = output.split('\n').map((l) => l.replace(/\s+$/, '')).filter((l) => !isNoise(l));
  let hit: { line: string; kind: FailureKind } | undefined;
  for (const [re, kind] of PATTERNS) {
    const line = lines.find((l) => re.test(l));
    if (line) {
      hit = { line: line.trim(), kind };
      break;
    }
  }
  // A known cause says it all; what follows it is mostly the error object's fields.
  if (hit && hit.kind !== 'generic') return { text: hit.line, kind: hit.kind };
  const tail = lines.slice(-n).map((l) => l.trim());
  const parts = hit && !tail.includes(hit.line) ? [hit.line, '…', ...tail] : tail;
  return { text: parts.join(' | '), kind: hit?.kind ?? 'generic' };
}
