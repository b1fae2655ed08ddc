/** Just enough of npm's semver ranges to judge `engines.node`: comparators, ^, ~, x-ranges, hyphens, `||`. */
type V = [number, number, number];

export function parseVersion(v: string): V | undefined {
  const m = /^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v);
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}

function cmp(a: V, b: V): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** A partial like `18`, `18.x`, `18.2` as [lower bound, exclusive upper bound]. */
function partial(p: string): [V, V | undefined] | undefined {
  const parts = p.replace(/^v/, '').split('.');
  if (!parts[0] || /^[x*]$/i.test(parts[0])) return [[0, 0, 0], undefined];
  const nums: number[] = [];
  for (const part of parts.slice(0, 3)) {
    if (/^[x*]$/i.test(part)) break;
    const n = Number.parseInt(part, 10);
    if (Number.isNaN(n)) return undefined;
    nums.push(n);
  }
  const lo: V = [nums[0] ?? 0, nums[1] ?? 0, nums[2] ?? 0];
  if (nums.length === 3) return [lo, [lo[0], lo[1], lo[2] + 1]];
  if (nums.length === 2) return [lo, [lo[0], lo[1] + 1, 0]];
  return [lo, [lo[0] + 1, 0, 0]];
}

function satisfiesComparator(v: V, c: string): boolean {
  const m = /^(\^|~>?|>=|<=|>|<|=)?\s*(.+)$/.exec(c.trim());
  if (!m) return false;
  const op = m[1] ?? '';
  const r = partial(m[2]!);
  if (!r) return false;
  const [lo, hi] = r;
  switch (op) {
    case '>=':
      return cmp(v, lo) >= 0;
    case '>':
      return hi ? cmp(v, hi) >= 0 : false;
    case '<':
      return cmp(v, lo) < 0;
    case '<=':
      return hi ? cmp(v, hi) < 0 : true;
    case '^': {
      const upper: V = lo[0] > 0 ? [lo[0] + 1, 0, 0] : lo[1] > 0 ? [0, lo[1] + 1, 0] : [0, 0, lo[2] + 1];
      return cmp(v, lo) >= 0 && cmp(v, upper) < 0;
    }
    case '~':
    case '~>': {
      const upper: V = m[2]!.split('.').length >= 2 ? [lo[0], lo[1] + 1, 0] : [lo[0] + 1, 0, 0];
      return cmp(v, lo) >= 0 && cmp(v, upper) < 0;
    }
    default:
      return cmp(v, lo) >= 0 && (!hi || cmp(v, hi) < 0);
  }
}

/** Whether `version` satisfies `range`; undefined when the range cannot be read. */
export function satisfies(version: string, range: string): boolean | undefined {
  const v = parseVersion(version);
  if (!v) return undefined;
  const alternatives = range.split('||').map((s) => s.trim());
  let understood = false;
  for (const alt of alternatives) {
    if (alt === '' || alt === '*' || /^x$/i.test(alt)) return true;
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(alt);
    const comps = hyphen ? [`>=${hyphen[1]}`, `<=${hyphen[2]}`] : alt.replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1').split(/\s+/);
    if (comps.some((c) => !/^(\^|~>?|>=|<=|>|<|=)?v?[\dxX*]/.test(c))) continue;
    understood = true;
    if (comps.every((c) => satisfiesComparator(v, c))) return true;
  }
  return understood ? false : undefined;
}
