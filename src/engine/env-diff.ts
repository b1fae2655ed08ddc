/**
 * What changed in a release's environment since the release before it: plain values by
 * name and value, secrets by name only (a digest tells that a value changed, never what it
 * is). Pure: the release store supplies the two snapshots, the CLI renders the changes.
 */

/** A release's environment as the ledger keeps it: plain values, and a digest per secret. */
export interface EnvSnapshot {
  plain: Readonly<Record<string, string>>;
  /** Secret name → keyed digest of its value (or '' when the digest is unknown). */
  secrets: Readonly<Record<string, string>>;
}

export type EnvChange =
  | { name: string; secret: false; change: 'added'; to: string }
  | { name: string; secret: false; change: 'removed'; from: string }
  | { name: string; secret: false; change: 'changed'; from: string; to: string }
  | { name: string; secret: true; change: 'added' | 'removed' | 'changed' };

/** The changes from `before` to `after`, sorted by name. An unknown digest on either side is not a change. */
export function diffEnv(before: EnvSnapshot, after: EnvSnapshot): EnvChange[] {
  const out: EnvChange[] = [];
  for (const name of new Set([...Object.keys(before.plain), ...Object.keys(after.plain)])) {
    const a = before.plain[name];
    const b = after.plain[name];
    // A name that moved between plain and secret is a secret's change (its value is never shown).
    if (name in after.secrets || name in before.secrets) continue;
    if (a === undefined && b !== undefined) out.push({ name, secret: false, change: 'added', to: b });
    else if (a !== undefined && b === undefined) out.push({ name, secret: false, change: 'removed', from: a });
    else if (a !== b) out.push({ name, secret: false, change: 'changed', from: a!, to: b! });
  }
  for (const name of new Set([...Object.keys(before.secrets), ...Object.keys(after.secrets)])) {
    const was = name in before.secrets || name in before.plain;
    const is = name in after.secrets || name in after.plain;
    if (!was && is) out.push({ name, secret: true, change: 'added' });
    else if (was && !is) out.push({ name, secret: true, change: 'removed' });
    else {
      const a = before.secrets[name];
      const b = after.secrets[name];
      const moved = a === undefined || b === undefined;
      if (moved || (a !== '' && b !== '' && a !== b)) out.push({ name, secret: true, change: 'changed' });
    }
  }
  return out.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

/** One change as a line: `FLAG: true → false`, `+NEW=1`, `-OLD`, `SECRET: changed`, `+SECRET (secret)`. */
export function formatChange(c: EnvChange, changedWord = 'changed', secretWord = 'secret'): string {
  if (c.secret) return c.change === 'changed' ? `${c.name}: ${changedWord}` : `${c.change === 'added' ? '+' : '-'}${c.name} (${secretWord})`;
  if (c.change === 'added') return `+${c.name}=${c.to}`;
  if (c.change === 'removed') return `-${c.name}`;
  return `${c.name}: ${c.from} → ${c.to}`;
}

/** Overrides a release carries on top of the config's env (`slipway env set`). */
export interface EnvOverrides {
  set: Record<string, string>;
}

/** `current` with `set` added and `unset` removed. */
export function mergeOverrides(current: EnvOverrides | undefined, set: Readonly<Record<string, string>>, unset: readonly string[]): EnvOverrides {
  const next: Record<string, string> = { ...(current?.set ?? {}), ...set };
  for (const n of unset) delete next[n];
  return { set: next };
}

/** `KEY=value` arguments; a malformed one is returned in `bad`. The value may contain `=`. */
export function parseAssignments(args: readonly string[]): { set: Record<string, string>; bad: string[] } {
  const set: Record<string, string> = {};
  const bad: string[] = [];
  for (const a of args) {
    const i = a.indexOf('=');
    const name = i > 0 ? a.slice(0, i) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) bad.push(i > 0 ? name : a);
    else set[name] = a.slice(i + 1);
  }
  return { set, bad };
}
