/**
 * Cutover under load on a VM: slipway's ssh redeploy vs `pm2 reload` of the same app on the same VM.
 *
 *   npx tsx bench/ssh-cutover.ts [--rate 400] [--min-requests 5000] [--rounds 1] [--path /health]
 *                                [--max-seconds 300] [--warmup-ms 2000] [--cooldown-ms 2000]
 *
 * Needs root (network namespaces) and openssh-server (`/usr/sbin/sshd`).
 *
 * 1. Starts a test VM (test/helpers/vm.ts: a real sshd in a network namespace of its own) and
 *    makes a copy of examples/shop-api with an ssh environment `staging` on it
 *    (test/helpers/ssh-env.ts: stable port bound 0.0.0.0 on the VM), and deploys it once with
 *    the real CLI (install, build, PostgreSQL on the VM; not measured).
 * 2. Sends a steady open-loop load (GET <path>, keep-alive, only to the VM's address) to the
 *    stable port `http://<vm>:<port>`, runs a second `slipway deploy staging`, and keeps the load
 *    going until the deploy has finished plus the cool-down and at least --min-requests were sent.
 *    Every request of the load run counts: failed = non-2xx, transport error or > 10 s.
 * 3. Baseline: the release slipway is serving (its directory on the VM, `dist/server.js`, and its
 *    environment read from /proc/<pid>/environ: the same database and JWT_SECRET) under
 *    `pm2 start -i 2` (cluster mode, private PM2_HOME) run INSIDE the VM's namespace on another
 *    port bound 0.0.0.0; the same load on `http://<vm>:<pm2 port><path>` while `pm2 reload` runs,
 *    for as long as the slipway run lasted (so about as many requests).
 * 4. Prints both in one table and removes everything (pm2 kill, slipway destroy, the VM and
 *    everything running in it, temp dirs), also on failure or Ctrl-C.
 */
import { readFile, readdir, readlink, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LoadGenerator, isOk, windowStats, type Sample, type WindowStats } from './lib/load.js';
import { freePort, nowMs, run, sleep } from './lib/proc.js';
import { fmtMs } from './lib/stats.js';
import { table } from './lib/table.js';
import { cleanup, cleanups, get, numberOption, waitHealthy } from './lib/harness.js';
import { failureText, repoRoot, slipwayIn, stepTimes, type CliRun } from './lib/slipway.js';
import { startVm, type Vm } from '../test/helpers/vm.js';
import { exampleNpmCache, makeSshEnv, type SshEnv } from '../test/helpers/ssh-env.js';

interface Args {
  rate: number;
  minRequests: number;
  rounds: number;
  maxSeconds: number;
  warmupMs: number;
  cooldownMs: number;
  path: string;
}

function parseArgs(argv: string[]): Args {
  const num = (name: string, def: number) => numberOption(argv, name, def);
  const pi = argv.indexOf('--path');
  const p = pi >= 0 ? (argv[pi + 1] ?? '') : '/health';
  if (!p.startsWith('/')) throw new Error('--path needs a path starting with /');
  return {
    rate: num('rate', 400),
    minRequests: Math.floor(num('min-requests', 5000)),
    rounds: Math.floor(num('rounds', 1)),
    maxSeconds: num('max-seconds', 300),
    warmupMs: num('warmup-ms', 2000),
    cooldownMs: num('cooldown-ms', 2000),
    path: p,
  };
}

const ENV = 'staging';

interface Round {
  /** Every request of the load run (warm-up, command, cool-down). */
  all: WindowStats;
  /** Requests sent while the command (slipway deploy / pm2 reload) ran. */
  during: WindowStats;
  /** slipway: from the start step's start to the drain step's end; pm2: the reload. */
  cut: WindowStats;
  loadMs: number;
  commandMs: number;
  cutoverMs: number;
  samples: Sample[];
  from: number;
  to: number;
}

type Window = { from: number; to: number; cutFrom: number; cutTo: number; commandMs: number; cutoverMs: number };


async function servingVersion(url: string): Promise<string> {
  const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return ((await r.json()) as { version?: string }).version ?? '?';
}

/**
 * Run `action` under load. The load starts `warmupMs` before the action and goes on until the
 * action has finished plus `cooldownMs`, at least `minRequests` were sent and the run has lasted
 * `minDurationMs` (bounded by `maxSeconds` and by `maxRequests`).
 */
async function underLoad(args: Args, vm: Vm, url: string, minDurationMs: number, action: () => Promise<Window>): Promise<Round> {
  const maxRequests = Math.ceil(args.rate * args.maxSeconds);
  const load = new LoadGenerator({ url, rate: args.rate, maxSeconds: args.maxSeconds, maxRequests, allowHosts: [vm.address] });
  const began = nowMs();
  load.start();
  let win: Window;
  let samples: Sample[] = [];
  let ended = began;
  try {
    await sleep(args.warmupMs);
    win = await action();
    const until = Math.max(win.to + args.cooldownMs, began + minDurationMs);
    while (!load.done && (nowMs() < until || load.count < args.minRequests)) await sleep(50);
  } finally {
    ended = nowMs();
    samples = await load.stop();
  }
  if (samples.length < args.minRequests) console.log(`  note: the load stopped at a bound (${samples.length} requests < --min-requests ${args.minRequests})`);
  return {
    all: windowStats(samples, -Infinity, Infinity),
    during: windowStats(samples, win.from, win.to),
    cut: windowStats(samples, win.cutFrom, win.cutTo),
    loadMs: ended - began,
    commandMs: win.commandMs,
    cutoverMs: win.cutoverMs,
    samples,
    from: win.from,
    to: win.to,
  };
}

function describeFailures(r: Round, steps?: Map<string, { start: number; end?: number }>): string[] {
  const bad = r.samples.filter((s) => !isOk(s));
  if (!bad.length) return [];
  const rel = (t: number) => `${t >= r.from ? '+' : ''}${((t - r.from) / 1000).toFixed(3)} s`;
  const out = [`  ${bad.length} failed request(s) (times from the command's start):`];
  for (const s of bad.slice(0, 15)) out.push(`    sent ${rel(s.start)}, done ${rel(s.end)} (${s.ms.toFixed(1)} ms): ${s.status || s.error}`);
  if (bad.length > 15) out.push(`    … ${bad.length - 15} more`);
  if (steps) {
    out.push('  slipway steps:');
    for (const [id, t] of steps) out.push(`    ${id.padEnd(10)} ${rel(t.start)} → ${t.end ? rel(t.end) : '?'}`);
  }
  return out;
}

/** The release process slipway runs for this environment on the VM (namespaces share /proc): pid, cwd, environment. */
async function releaseProcess(remoteDir: string): Promise<{ pid: number; cwd: string; env: Record<string, string> }> {
  const releases = path.join(remoteDir, 'releases');
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = await readlink(`/proc/${entry}/cwd`);
      if (!cwd.startsWith(releases + path.sep)) continue;
      const cmd = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0');
      if (!cmd.some((a) => a.endsWith('server.js'))) continue;
      const env: Record<string, string> = {};
      for (const kv of (await readFile(`/proc/${entry}/environ`, 'utf8')).split('\0')) {
        const i = kv.indexOf('=');
        if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1);
      }
      if (!env.SLIPWAY_RELEASE) continue;
      return { pid: Number(entry), cwd, env };
    } catch {
      /* gone or not ours */
    }
  }
  throw new Error(`no release process found under ${releases}`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  console.log(
    `ssh cutover benchmark: ${args.rate} req/s of GET ${args.path} (at least ${args.minRequests} requests per run), ${args.rounds} round(s), ${os.cpus().length} CPU(s), node ${process.version}`,
  );
  if (process.getuid?.() !== 0) throw new Error('run as root (the test VM is a network namespace)');

  if (!existsSync(path.join(repoRoot, 'dist', 'cli', 'main.js'))) {
    console.log('building slipway (npm run build)…');
    const b = await run(['npm', 'run', 'build'], { cwd: repoRoot });
    if (b.code !== 0) throw new Error(`npm run build failed:\n${b.stdout}${b.stderr}`);
  }

  // 1. The VM and the environment on it.
  const vm = await startVm();
  cleanups.push({
    name: 'VM',
    fn: async () => {
      await vm.stop();
      // The client key the VM helper made for this process.
      await rm(path.dirname(vm.identityFile), { recursive: true, force: true });
    },
  });
  console.log(`VM: ${vm.address} (namespace ${vm.ns})`);
  const npmCache = await exampleNpmCache();
  cleanups.push({ name: 'npm cache', fn: () => rm(path.dirname(npmCache), { recursive: true, force: true }) });
  const env: SshEnv = await makeSshEnv(vm);
  cleanups.push({ name: 'app copy', fn: () => rm(env.dir, { recursive: true, force: true }) });
  const accepted = new Set<string>();
  cleanups.push({
    name: 'slipway destroy',
    fn: async () => {
      const d = await slipwayIn(ENV, 'destroy', env.config, ['--yes', '--force-unlock'], new Set(), 180_000);
      if (d.code !== 0) console.error(`slipway destroy failed (the VM's removal stops what is left):\n${failureText(d)}`);
    },
  });
  console.log(`app copy: ${env.dir}/app, stable URL ${env.url}, VM dir ${env.remoteDir}`);

  // 2. First deploy: not measured.
  console.log('first deploy over ssh (install, build, PostgreSQL on the VM)…');
  const first = await slipwayIn(ENV, 'deploy', env.config, [], accepted);
  if (first.code !== 0) throw new Error(`first deploy failed:\n${failureText(first)}`);
  console.log(`  done in ${fmtMs(first.ms)}${first.accepted.length ? ` (accepted: ${first.accepted.join(', ')})` : ''}`);
  await waitHealthy(`${env.url}${args.path}`, 20_000);

  // 3. Redeploys under load through the VM's stable port.
  const slip: Round[] = [];
  const slipRuns: CliRun[] = [];
  for (let i = 0; i < args.rounds; i++) {
    console.log(`slipway redeploy under load (round ${i + 1})…`);
    const before = await servingVersion(`${env.url}/health`);
    let dep: CliRun | undefined;
    const r = await underLoad(args, vm, `${env.url}${args.path}`, 0, async () => {
      dep = await slipwayIn(ENV, 'deploy', env.config, [], accepted);
      if (dep.code !== 0) throw new Error(`redeploy failed:\n${failureText(dep)}`);
      const st = stepTimes(dep.events);
      const start = st.get('start')?.start ?? Number.NaN;
      const drained = st.get('drain')?.end ?? Number.NaN;
      return { from: dep.startedAt, to: dep.endedAt, cutFrom: start, cutTo: drained, commandMs: dep.ms, cutoverMs: drained - start };
    });
    const after = await servingVersion(`${env.url}/health`);
    if (after === before) throw new Error(`the redeploy did not change the serving release (${before})`);
    slip.push(r);
    slipRuns.push(dep!);
    console.log(
      `  ${r.all.sent} sent in ${fmtMs(r.loadMs)}, ${r.all.failed} failed; during the deploy ${r.during.sent} sent, ${r.during.failed} failed; p50 ${fmtMs(r.all.p50)}, p99 ${fmtMs(r.all.p99)}; deploy ${fmtMs(r.commandMs)}, start→drain ${fmtMs(r.cutoverMs)}; release ${before} → ${after}${dep!.accepted.length ? ` (accepted: ${dep!.accepted.join(', ')})` : ''}`,
    );
    for (const l of describeFailures(r, stepTimes(dep!.events))) console.log(l);
  }

  // 4. Baseline: pm2 cluster mode inside the VM's namespace, on the release slipway serves.
  const rel = await releaseProcess(env.remoteDir);
  const pm2Home = path.join(vm.dir, 'pm2-home');
  let pm2Port = await freePort();
  while (pm2Port === env.port || pm2Port === Number(rel.env.PORT)) pm2Port = await freePort();
  const pm2 = path.join(repoRoot, 'node_modules', '.bin', 'pm2');
  const pm2Env: NodeJS.ProcessEnv = {
    ...rel.env,
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PM2_HOME: pm2Home,
    HOST: '0.0.0.0',
    PORT: String(pm2Port),
  };
  const inVm = (argv: string[], timeoutMs: number) => run(['ip', 'netns', 'exec', vm.ns, ...argv], { cwd: rel.cwd, env: pm2Env, timeoutMs });
  cleanups.push({ name: 'pm2 kill', fn: () => inVm([pm2, 'kill'], 30_000) });
  console.log(`pm2 baseline (in namespace ${vm.ns}): ${rel.cwd}, release ${rel.env.SLIPWAY_RELEASE}, port ${pm2Port}, PM2_HOME ${pm2Home}`);
  const started = await inVm([pm2, 'start', 'dist/server.js', '-i', '2', '--name', 'shop-bench'], 60_000);
  if (started.code !== 0) throw new Error(`pm2 start failed:\n${started.stdout}${started.stderr}`);
  const pm2Url = `http://${vm.address}:${pm2Port}`;
  await waitHealthy(`${pm2Url}${args.path}`, 30_000);
  const base: Round[] = [];
  for (let i = 0; i < args.rounds; i++) {
    console.log(`pm2 reload under load (round ${i + 1})…`);
    // As long as slipway's run of the same round, so that both get about as many requests.
    const r = await underLoad(args, vm, `${pm2Url}${args.path}`, slip[i]!.loadMs, async () => {
      const rl = await inVm([pm2, 'reload', 'shop-bench'], 120_000);
      if (rl.code !== 0) throw new Error(`pm2 reload failed:\n${rl.stdout}${rl.stderr}`);
      return { from: rl.startedAt, to: rl.endedAt, cutFrom: rl.startedAt, cutTo: rl.endedAt, commandMs: rl.ms, cutoverMs: rl.ms };
    });
    base.push(r);
    console.log(
      `  ${r.all.sent} sent in ${fmtMs(r.loadMs)}, ${r.all.failed} failed; during the reload ${r.during.sent} sent, ${r.during.failed} failed; p50 ${fmtMs(r.all.p50)}, p99 ${fmtMs(r.all.p99)}; reload ${fmtMs(r.commandMs)}`,
    );
    for (const l of describeFailures(r)) console.log(l);
  }

  // 5. One table, both runs.
  const fails = (s: WindowStats) => `${s.failed}${s.failed ? ` (${Object.entries(s.failures).map(([k, v]) => `${k}×${v}`).join(', ')})` : ''}`;
  const rows: string[][] = [];
  const add = (name: string, rs: Round[]) =>
    rs.forEach((r, i) =>
      rows.push([
        `${name}${rs.length > 1 ? ` #${i + 1}` : ''}`,
        String(r.all.sent),
        fails(r.all),
        fmtMs(r.loadMs),
        `${r.during.sent} / ${r.during.failed}`,
        `${r.cut.sent} / ${r.cut.failed}`,
        fmtMs(r.all.p50),
        fmtMs(r.all.p99),
        fmtMs(r.all.max),
        fmtMs(r.commandMs),
        fmtMs(r.cutoverMs),
      ]),
    );
  add('slipway deploy (ssh)', slip);
  add('pm2 reload (-i 2)', base);
  console.log(`\nResults (${args.rate} req/s of GET ${args.path} to the VM ${vm.address}; requests/failed count the whole load run):\n`);
  console.log(table(['run', 'requests', 'failed', 'duration', 'in command (sent / failed)', 'in cutover (sent / failed)', 'p50', 'p99', 'max', 'command', 'cutover'], rows));
  const acceptedAll = [...new Set(slipRuns.flatMap((r) => r.accepted).concat(first.accepted))];
  console.log(`\nduration = the load run (warm-up ${fmtMs(args.warmupMs)}, the command, cool-down ≥ ${fmtMs(args.cooldownMs)}; pm2's run lasts as long as slipway's).`);
  console.log(`slipway deploy = full pipeline over SSH (preflight, upload, build on the VM, backup, migrate, start, health, switch, verify, drain); cutover = start step → drain step end.`);
  console.log(`pm2 reload = restart of the 2 cluster workers one by one (no build, no backup, no migration); cutover = the reload command.`);
  console.log(`acceptance (issue 7): slipway lost ${slip.reduce((n, r) => n + r.all.failed, 0)} of ${slip.reduce((n, r) => n + r.all.sent, 0)} requests (needs 0 of ≥ ${args.minRequests} per run).`);
  if (acceptedAll.length) console.log(`preflight risks accepted for this run: ${acceptedAll.join(', ')}`);
}

let code = 0;
try {
  await main();
} catch (e) {
  console.error(`\nssh cutover benchmark failed: ${e instanceof Error ? e.message : String(e)}`);
  code = 1;
} finally {
  console.log('\ncleaning up (pm2 kill, slipway destroy, VM, temp dirs)…');
  await cleanup();
}
process.exit(code);
