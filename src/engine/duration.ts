/** Durations as people type them: `90s`, `30m`, `2h` (a bare number is minutes). */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)(s|m|h)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 'm';
  return n * (unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
}
