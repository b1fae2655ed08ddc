/**
 * Cutover under load: slipway's local redeploy vs `pm2 reload` of the same app.
 *
 *   npx tsx bench/cutover.ts [--rate 50] [--rounds 1] [--max-seconds 600] [--keep-logs]
 *
 * 1. Copies examples/shop-api (no node_modules, dist, .slipway, .env.local) into a temp
 *    dir (mode 0755: slipway's PostgreSQL runs as `postgres` and must traverse it), gives
 *    it a free stable port and a JWT_SECRET, and deploys it once with slipway.
 * 2. Sends a steady open-loop load (GET /api/products?limit=5, keep-alive, 127.0.0.1 only)
 *    to the stable port while a second `slipway deploy` runs; counts requests sent during
 *    the deploy, failures (non-2xx or transport error) and p50/p99 latency.
 * 3. Baseline: the same built release (`dist/server.js`, same DB_* env against slipway's
 *    database) under `pm2 start -i 2` (cluster mode, private PM2_HOME, another free port),
 *    then `pm2 reload` under the same load; same measurements.
 * 4. Prints both side by side and removes everything (pm2 kill, slipway destroy, temp
 *    dirs), also on failure or Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import { chmod, cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { LoadGenerator, isOk, windowStats, type Sample, type WindowStats } from './lib/load.js';
import { freePort, nowMs, run, sleep } from './lib/proc.js';
import { fmtMs, median } from './lib/stats.js';
import { table } from './lib/table.js';
import { cleanup, cleanups, get, numberOption, waitHealthy } from './lib/harness.js';
import { failureText, repoRoot, slipway, stepTimes, type CliRun } from './lib/slipway.js';

interface Args {
  rate: number;
  rounds: number;
  maxSeconds: number;
  warmupMs: number;
  cooldownMs: number;
  keepLogs: boolean;
}

function parseArgs(argv: string[]): Args {
  const num = (name: string, def: number) => numberOption(argv, name, def);
  return {
    rate: num('rate', 50),
    rounds: Math.floor(num('rounds', 1)),
    maxSeconds: num('max-seconds', 600),
    warmupMs: num('warmup-ms', 2000),
    cooldownMs: num('cooldown-ms', 2000),
    keepLogs: argv.includes('--keep-logs'),
  };
}

const APP = path.join(repoRoot, 'examples', 'shop-api');
const SKIP = new Set(['node_modules', 'dist', '.slipway', '.env.local']);
const LOAD_PATH = '/api/products?limit=5';

interface Round {
  stats: WindowStats;
  /** Wall time of the whole command (slipway deploy / pm2 reload). */
  commandMs: number;
  /** slipway: from the new release's start to the old one stopped (start → drain). */
  cutoverMs: number;
  samples: Sample[];
  from: number;
  to: number;
  /** The cutover itself (slipway: start step begins → drain step ends; pm2: the reload). */
  cutFrom: number;
  cutTo: number;
}


/** Run `action` under load; the window is the action's own start..end. */
type Window = { from: number; to: number; cutFrom: number; cutTo: number; commandMs: number; cutoverMs: number };
async function underLoad(args: Args, url: string, action: () => Promise<Window>): Promise<Round> {
  const load = new LoadGenerator({ url, rate: args.rate, maxSeconds: args.maxSeconds });
  load.start();
  let win: Window;
  let samples: Sample[] = [];
  try {
    await sleep(args.warmupMs);
    win = await action();
    await sleep(args.cooldownMs);
  } finally {
    samples = await load.stop();
  }
  const before = samples.filter((s) => s.start < win.from);
  const bad = before.filter((s) => !isOk(s));
  if (bad.length) console.log(`  note: ${bad.length} of ${before.length} warm-up requests failed before the window (first: ${bad[0]!.status || bad[0]!.error})`);
  return { stats: windowStats(samples, win.from, win.to), samples, ...win };
}

function describeFailures(r: Round, steps?: Map<string, { start: number; end?: number }>): string[] {
  const bad = r.samples.filter((s) => s.start >= r.from && s.start <= r.to && !isOk(s));
  if (!bad.length) return [];
  const rel = (t: number) => `+${((t - r.from) / 1000).toFixed(3)} s`;
  const out = [`  ${bad.length} failed request(s) during the window (times from the command's start):`];
  for (const s of bad.slice(0, 15)) out.push(`    sent ${rel(s.start)}, done ${rel(s.end)} (${s.ms.toFixed(1)} ms): ${s.status || s.error}`);
  if (bad.length > 15) out.push(`    … ${bad.length - 15} more`);
  if (steps) {
    out.push('  slipway steps:');
    for (const [id, t] of steps) out.push(`    ${id.padEnd(10)} ${rel(t.start)} → ${t.end ? rel(t.end) : '?'}`);
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  console.log(`cutover benchmark: ${args.rate} req/s of GET ${LOAD_PATH}, ${args.rounds} round(s), ${os.cpus().length} CPU(s), node ${process.version}`);

  if (!existsSync(path.join(repoRoot, 'dist', 'cli', 'main.js'))) {
    console.log('building slipway (npm run build)…');
    const b = await run(['npm', 'run', 'build'], { cwd: repoRoot });
    if (b.code !== 0) throw new Error(`npm run build failed:\n${b.stdout}${b.stderr}`);
  }

  // 1. A private copy of the example app.
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'slipway-bench-'));
  await chmod(tmp, 0o755);
  cleanups.push({ name: 'temp dir', fn: () => rm(tmp, { recursive: true, force: true }) });
  const app = path.join(tmp, 'shop-api');
  await cp(APP, app, { recursive: true, filter: (src) => !(path.dirname(src) === APP && SKIP.has(path.basename(src))) && path.basename(src) !== 'node_modules' });
  const stablePort = await freePort();
  const config = path.join(app, 'slipway.yaml');
  const doc = parseDocument(await readFile(config, 'utf8'));
  doc.setIn(['environments', 'local', 'port'], stablePort);
  await writeFile(config, doc.toString());
  const jwt = randomBytes(24).toString('base64url');
  await writeFile(path.join(app, '.env.local'), `JWT_SECRET=${jwt}\n`, { mode: 0o600 });
  const stateDir = path.join(app, '.slipway', 'local');
  const accepted = new Set<string>();
  cleanups.push({
    name: 'slipway destroy',
    fn: async () => {
      if (args.keepLogs && existsSync(path.join(stateDir, 'logs'))) {
        const keep = await mkdtemp(path.join(os.tmpdir(), 'slipway-bench-logs-'));
        await cp(path.join(stateDir, 'logs'), keep, { recursive: true });
        console.log(`slipway logs kept in ${keep}`);
      }
      const d = await slipway('destroy', config, ['--yes']);
      if (d.code !== 0) console.error(`slipway destroy failed:\n${failureText(d)}`);
    },
  });
  console.log(`app copy: ${app} (stable port ${stablePort})`);

  // 2. First deploy (npm ci, build, PostgreSQL init): not measured under load.
  console.log('first deploy (install, build, database)…');
  const first = await slipway('deploy', config, [], accepted);
  if (first.code !== 0) throw new Error(`first deploy failed:\n${failureText(first)}`);
  console.log(`  done in ${fmtMs(first.ms)}${first.accepted.length ? ` (accepted: ${first.accepted.join(', ')})` : ''}`);
  const stableUrl = `http://127.0.0.1:${stablePort}`;
  await waitHealthy(`${stableUrl}${LOAD_PATH}`, 10_000);

  // 3. Redeploys under load.
  const slip: Round[] = [];
  const slipRuns: CliRun[] = [];
  for (let i = 0; i < args.rounds; i++) {
    console.log(`slipway redeploy under load (round ${i + 1})…`);
    let dep: CliRun | undefined;
    const r = await underLoad(args, `${stableUrl}${LOAD_PATH}`, async () => {
      dep = await slipway('deploy', config, [], accepted);
      if (dep.code !== 0) throw new Error(`redeploy failed:\n${failureText(dep)}`);
      const st = stepTimes(dep.events);
      const start = st.get('start')?.start ?? Number.NaN;
      const drained = st.get('drain')?.end ?? Number.NaN;
      return { from: dep.startedAt, to: dep.endedAt, cutFrom: start, cutTo: drained, commandMs: dep.ms, cutoverMs: drained - start };
    });
    slip.push(r);
    slipRuns.push(dep!);
    console.log(`  ${r.stats.sent} sent, ${r.stats.failed} failed, p50 ${fmtMs(r.stats.p50)}, p99 ${fmtMs(r.stats.p99)}, deploy ${fmtMs(r.commandMs)}, start→drain ${fmtMs(r.cutoverMs)}${dep!.accepted.length ? ` (accepted: ${dep!.accepted.join(', ')})` : ''}`);
    for (const l of describeFailures(r, stepTimes(dep!.events))) console.log(l);
  }

  // 4. Baseline: pm2 cluster mode on the same release and database.
  const current = (await readFile(path.join(stateDir, 'current'), 'utf8')).trim();
  const releaseApp = path.join(stateDir, 'releases', current, 'app');
  const pgInfo = JSON.parse(await readFile(path.join(stateDir, 'pg', 'server.json'), 'utf8')) as { port: number };
  const dbPassword = (await readFile(path.join(stateDir, 'secrets', 'db-password'), 'utf8')).trim();
  const pm2Home = await mkdtemp(path.join(os.tmpdir(), 'slipway-bench-pm2-'));
  const pm2Port = await freePort();
  const pm2 = path.join(repoRoot, 'node_modules', '.bin', 'pm2');
  const pm2Env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PM2_HOME: pm2Home,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(pm2Port),
    DB_HOST: '127.0.0.1',
    DB_PORT: String(pgInfo.port),
    DB_NAME: 'shop',
    DB_USER: 'shop',
    DB_PASSWORD: dbPassword,
    JWT_SECRET: jwt,
  };
  cleanups.push({
    name: 'pm2 kill',
    fn: async () => {
      await run([pm2, 'kill'], { env: pm2Env, timeoutMs: 30_000 });
      await rm(pm2Home, { recursive: true, force: true });
    },
  });
  console.log(`pm2 baseline: ${releaseApp}, port ${pm2Port}, PM2_HOME ${pm2Home}`);
  const started = await run([pm2, 'start', 'dist/server.js', '-i', '2', '--name', 'shop-bench'], { cwd: releaseApp, env: pm2Env, timeoutMs: 60_000 });
  if (started.code !== 0) throw new Error(`pm2 start failed:\n${started.stdout}${started.stderr}`);
  const pm2Url = `http://127.0.0.1:${pm2Port}`;
  await waitHealthy(`${pm2Url}${LOAD_PATH}`, 20_000);
  const base: Round[] = [];
  for (let i = 0; i < args.rounds; i++) {
    console.log(`pm2 reload under load (round ${i + 1})…`);
    const r = await underLoad(args, `${pm2Url}${LOAD_PATH}`, async () => {
      const rl = await run([pm2, 'reload', 'shop-bench'], { cwd: releaseApp, env: pm2Env, timeoutMs: 120_000 });
      if (rl.code !== 0) throw new Error(`pm2 reload failed:\n${rl.stdout}${rl.stderr}`);
      return { from: rl.startedAt, to: rl.endedAt, cutFrom: rl.startedAt, cutTo: rl.endedAt, commandMs: rl.ms, cutoverMs: rl.ms };
    });
    base.push(r);
    console.log(`  ${r.stats.sent} sent, ${r.stats.failed} failed, p50 ${fmtMs(r.stats.p50)}, p99 ${fmtMs(r.stats.p99)}, reload ${fmtMs(r.commandMs)}`);
    for (const l of describeFailures(r)) console.log(l);
  }

  // 5. Side by side.
  const agg = (rs: Round[]) => {
    const all = rs.flatMap((r) => r.samples.filter((s) => s.start >= r.from && s.start <= r.to));
    const st = windowStats(all, -Infinity, Infinity);
    const cut = windowStats(rs.flatMap((r) => r.samples.filter((s) => s.start >= r.cutFrom && s.start <= r.cutTo)), -Infinity, Infinity);
    return { ...st, cut, commandMs: median(rs.map((r) => r.commandMs)), cutoverMs: median(rs.map((r) => r.cutoverMs)) };
  };
  const a = agg(slip);
  const b = agg(base);
  const fails = (s: WindowStats) => `${s.failed}${s.failed ? ` (${Object.entries(s.failures).map(([k, v]) => `${k}×${v}`).join(', ')})` : ''}`;
  console.log(`\nResults (${args.rate} req/s, window = the redeploy/reload command, ${args.rounds} round(s)${args.rounds > 1 ? '; times are medians over rounds' : ''}):\n`);
  console.log(
    table(
      ['', 'slipway deploy', 'pm2 reload (-i 2)'],
      [
        ['requests sent', String(a.sent), String(b.sent)],
        ['failed', fails(a), fails(b)],
        ['p50 latency', fmtMs(a.p50), fmtMs(b.p50)],
        ['p99 latency', fmtMs(a.p99), fmtMs(b.p99)],
        ['max latency', fmtMs(a.max), fmtMs(b.max)],
        ['command wall time', fmtMs(a.commandMs), fmtMs(b.commandMs)],
        ['cutover (start → old stopped)', fmtMs(a.cutoverMs), fmtMs(b.cutoverMs)],
        ['  requests sent in cutover', String(a.cut.sent), String(b.cut.sent)],
        ['  failed in cutover', fails(a.cut), fails(b.cut)],
        ['  p99 in cutover', fmtMs(a.cut.p99), fmtMs(b.cut.p99)],
      ],
    ),
  );
  const acceptedAll = [...new Set(slipRuns.flatMap((r) => r.accepted).concat(first.accepted))];
  console.log(`\nslipway deploy = full pipeline (preflight, build with reused node_modules, backup, migrate, start, health, switch, verify, drain).`);
  console.log(`pm2 reload = restart of the 2 cluster workers one by one (no build, no backup, no migration).`);
  if (acceptedAll.length) console.log(`preflight risks accepted for this run: ${acceptedAll.join(', ')}`);
  if (a.failed) {
    const logs = path.join(stateDir, 'logs');
    const files = await readdir(logs).catch(() => [] as string[]);
    console.log(`\nslipway lost requests; logs in ${logs}: ${files.join(', ')}`);
    for (const f of files) {
      const text = await readFile(path.join(logs, f), 'utf8').catch(() => '');
      console.log(`--- ${f} (last 15 lines)\n${text.trim().split('\n').slice(-15).join('\n')}`);
    }
  }
}

let code = 0;
try {
  await main();
} catch (e) {
  console.error(`\ncutover benchmark failed: ${e instanceof Error ? e.message : String(e)}`);
  code = 1;
} finally {
  console.log('\ncleaning up (pm2 kill, slipway destroy, temp dirs)…');
  await cleanup();
}
process.exit(code);
