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
