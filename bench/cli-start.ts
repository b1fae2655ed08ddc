/**
 * CLI start-up time: `node bin/slipway.js --version` (answers without loading the CLI) and
 * `node bin/slipway.js --help` (loads commander and the command tree) against a bare
 * `node -e 0`.
 *
 *   npx tsx bench/cli-start.ts [--runs 20] [--warmup 2]
 *
 * Uses hyperfine when it is installed; otherwise times spawnSync with process.hrtime,
 * interleaving the commands run by run so that a change in machine load hits all of them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ascending, fmtMs, percentile } from './lib/stats.js';
import { table } from './lib/table.js';
import { repoRoot, slipwayBin } from './lib/slipway.js';

function num(argv: string[], name: string, def: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return def;
  const v = Number(argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} needs a whole number`);
  return v;
}

const argv = process.argv.slice(2);
const runs = Math.max(1, num(argv, 'runs', 20));
const warmup = num(argv, 'warmup', 2);

const commands: { name: string; argv: string[] }[] = [
  { name: 'node -e 0', argv: [process.execPath, '-e', '0'] },
  { name: 'slipway --version', argv: [process.execPath, slipwayBin, '--version'] },
  { name: 'slipway --help', argv: [process.execPath, slipwayBin, '--help'] },
];

if (!existsSync(path.join(repoRoot, 'dist', 'cli', 'main.js'))) {
  console.error('dist/ is missing: run `npm run build` first (--help loads dist/cli/main.js).');
  process.exit(1);
}
for (const c of commands) {
  const r = spawnSync(c.argv[0]!, c.argv.slice(1), { cwd: repoRoot, stdio: 'pipe' });
  if (r.status !== 0) {
    console.error(`${c.name} failed (exit ${r.status}): ${r.stderr.toString().trim()}`);
    process.exit(1);
  }
}

const quote = (a: string) => (/^[\w./=-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
const hasHyperfine = spawnSync('hyperfine', ['--version'], { stdio: 'ignore' }).status === 0;
const times = new Map<string, number[]>(commands.map((c) => [c.name, []]));
let method: string;

if (hasHyperfine) {
  method = `hyperfine (--warmup ${warmup} --runs ${runs})`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-cli-start-'));
  try {
    const out = path.join(dir, 'hyperfine.json');
    const r = spawnSync('hyperfine', ['-N', '--warmup', String(warmup), '--runs', String(runs), '--export-json', out, ...commands.map((c) => c.argv.map(quote).join(' '))], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (r.status !== 0) throw new Error('hyperfine failed');
    const res = JSON.parse(readFileSync(out, 'utf8')) as { results: { times: number[] }[] };
    res.results.forEach((x, i) => times.set(commands[i]!.name, x.times.map((s) => s * 1000)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  method = `spawnSync + process.hrtime, interleaved (${warmup} warm-up + ${runs} runs each; hyperfine not installed)`;
  for (let i = 0; i < warmup + runs; i++) {
    for (const c of commands) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(c.argv[0]!, c.argv.slice(1), { cwd: repoRoot, stdio: 'ignore' });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== 0) throw new Error(`${c.name} failed on run ${i + 1}`);
      if (i >= warmup) times.get(c.name)!.push(ms);
    }
  }
}

const stats = commands.map((c) => {
  const s = ascending(times.get(c.name)!);
  return { name: c.name, median: percentile(s, 50), p90: percentile(s, 90), min: s[0]!, max: s[s.length - 1]! };
});
const base = stats[0]!;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
console.log(`CLI start-up, ${os.cpus().length} CPU(s), node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`method: ${method}\n`);
console.log(
  table(
    ['command', 'median', 'p90', 'min', 'max', 'median / node -e 0', 'p90 / node -e 0', 'median − node -e 0'],
    stats.map((s) => [s.name, fmtMs(s.median), fmtMs(s.p90), fmtMs(s.min), fmtMs(s.max), ratio(s.median, base.median), ratio(s.p90, base.p90), fmtMs(s.median - base.median)]),
  ),
);
