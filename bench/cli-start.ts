/**
 * CLI start-up time against a bare `node -e 0`, in one run, interleaved run by run so a change
 * in machine load hits every command alike:
 *   - `slipway --version`
 *   - `slipway status local` (the example app; nothing deployed: config, target, state read)
 *   - `slipway releases production` without credentials (stops at the SDK's credentials error)
 *   - `slipway releases production` against a fresh moto server (one SSM call)
 *
 *   npx tsx bench/cli-start.ts [--runs 15] [--warmup 2]
 *
 * The goal (issue 11): each slipway median within node -e 0 + 0.3 s.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMoto, awsTestEnv } from '../test/aws/moto.js';
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
const runs = Math.max(1, num(argv, 'runs', 15));
const warmup = num(argv, 'warmup', 2);
const GOAL_MS = 300;

if (!existsSync(path.join(repoRoot, 'dist', 'cli', 'main.js'))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(1);
}

const example = path.join(repoRoot, 'examples', 'shop-api');
// No credentials anywhere: no keys, no profile files, no instance metadata.
const empty = mkdtempSync(path.join(os.tmpdir(), 'slipway-cli-start-'));
const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: empty, LANG: 'en_US.UTF-8' };
const noCreds = { ...base, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: path.join(empty, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(empty, 'none') };
const moto = await startMoto();

interface Cmd {
  name: string;
  argv: string[];
  env: NodeJS.ProcessEnv;
  /** Exit codes that mean the command did what is measured. */
  ok: number[];
}
const node = process.execPath;
const commands: Cmd[] = [
  { name: 'node -e 0', argv: [node, '-e', '0'], env: base, ok: [0] },
  { name: 'slipway --version', argv: [node, slipwayBin, '--version'], env: base, ok: [0] },
  { name: 'slipway status local', argv: [node, slipwayBin, 'status', 'local'], env: base, ok: [0] },
  { name: 'slipway releases production (no credentials)', argv: [node, slipwayBin, 'releases', 'production'], env: noCreds, ok: [1, 2] },
  { name: 'slipway releases production (moto)', argv: [node, slipwayBin, 'releases', 'production'], env: { ...base, ...awsTestEnv, AWS_ENDPOINT_URL: moto.url }, ok: [0] },
];

try {
  const times = new Map<string, number[]>(commands.map((c) => [c.name, []]));
  for (let i = 0; i < warmup + runs; i++) {
    for (const c of commands) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(c.argv[0]!, c.argv.slice(1), { cwd: example, env: c.env, stdio: 'pipe' });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (!c.ok.includes(r.status ?? -1)) throw new Error(`${c.name} exited ${r.status} on run ${i + 1}: ${r.stderr.toString().trim()}${r.stdout.toString().trim()}`);
      if (i >= warmup) times.get(c.name)!.push(ms);
    }
  }
  const stats = commands.map((c) => {
    const s = ascending(times.get(c.name)!);
    return { name: c.name, median: percentile(s, 50), p90: percentile(s, 90), min: s[0]! };
  });
  const nodeMedian = stats[0]!.median;
  console.log(`CLI start-up, ${os.cpus().length} CPU(s), node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ${new Date().toISOString()}`);
  console.log(`method: spawnSync + process.hrtime, interleaved (${warmup} warm-up + ${runs} runs each); goal: median − node -e 0 ≤ ${GOAL_MS} ms\n`);
  console.log(
    table(
      ['command', 'median', 'p90', 'min', 'median − node -e 0', 'goal'],
      stats.map((s, i) => [s.name, fmtMs(s.median), fmtMs(s.p90), fmtMs(s.min), i === 0 ? '-' : fmtMs(s.median - nodeMedian), i === 0 ? '-' : s.median - nodeMedian <= GOAL_MS ? 'met' : 'NOT met']),
    ),
  );
} finally {
  await moto.stop();
  rmSync(empty, { recursive: true, force: true });
}
