/**
 * The whole local pipeline — first deploy, redeploy, rollback, destroy — by hand (the
 * risk-assessment seed's procedure, scripted in `pipeline-local.sh`: initdb + pg_ctl +
 * createdb, npm ci, build, migrate, node in the background, curl /health; pg_dump before a
 * redeploy; a restart on the previous directory to roll back) and with slipway (the real CLI,
 * `bin/slipway.js`, preflight included), in the same run, `--runs N` times (default 3).
 *
 *   npm run build && npx tsx bench/pipeline-local.ts [--runs 3]
 *
 * Each run starts from nothing on both sides: a fresh copy of examples/shop-api in a temp dir
 * (0755: PostgreSQL runs as `postgres` when we are root), free ports, its own state. The
 * redeploy is a code change plus one new migration (a nullable column). The two sides take
 * turns going first. Each phase is timed end to end (the command's wall time); after each phase
 * both sides must answer GET /api/products?limit=5 with 200 (checked outside the timing).
 */
import { randomBytes } from 'node:crypto';
import { chmod, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { cleanup, cleanups, numberOption } from './lib/harness.js';
import { freePort, run } from './lib/proc.js';
import { failureText, repoRoot, slipway, stepTimes, type CliRun } from './lib/slipway.js';
import { fmtMs, median } from './lib/stats.js';
import { table } from './lib/table.js';

const APP = path.join(repoRoot, 'examples', 'shop-api');
const SCRIPT = path.join(import.meta.dirname, 'pipeline-local.sh');
const SKIP = new Set(['node_modules', 'dist', '.slipway', '.env.local']);
const phases = ['first deploy', 'redeploy', 'rollback', 'destroy'] as const;
type Phase = (typeof phases)[number];
type Times = Map<Phase, number[]>;

const BEYOND: Record<Phase, string> = {
  'first deploy': 'preflight (config, env contract, migration lint, host), lock + journal, supervisor, backup checked with pg_restore --list, health-gated switch, verify checks',
  redeploy: 'preflight, node_modules reused, checked backup, new release started beside the old one, health-gated switch (no downtime), verify checks, drain',
  rollback: 'lock + journal, previous release started beside the current one, health-gated switch (no downtime), verify checks, drain (no preflight)',
  destroy: 'lock, stops the supervisor, releases and database, removes releases, backups and state',
};

const MIGRATION = `-- Up Migration
ALTER TABLE products ADD COLUMN IF NOT EXISTS bench_note text;

-- Down Migration
ALTER TABLE products DROP COLUMN IF EXISTS bench_note;
`;

async function copyApp(dest: string): Promise<void> {
  await cp(APP, dest, { recursive: true, filter: (src) => !(path.dirname(src) === APP && SKIP.has(path.basename(src))) && path.basename(src) !== 'node_modules' });
}

/** The redeploy's change: an edit to the server and one new migration. */
async function change(app: string, tag: string): Promise<void> {
  const server = path.join(app, 'src', 'server.ts');
  await writeFile(server, (await readFile(server, 'utf8')) + `\n// ${tag}\n`);
  await writeFile(path.join(app, 'migrations', '1710000000300_bench_note.sql'), MIGRATION);
}

/** One GET on its own connection (`Connection: close`: no idle keep-alive socket left to slow the next stop down). */
function status(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
  });
}

async function mustServe(url: string, what: string): Promise<void> {
  const s = await status(`${url}/api/products?limit=5`);
  if (s !== 200) throw new Error(`${what}: GET /api/products answered ${s || 'nothing'}`);
}

function record(t: Times, phase: Phase, ms: number): void {
  t.set(phase, [...(t.get(phase) ?? []), ms]);
}

async function baselineRun(t: Times, runNo: number): Promise<void> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'slipway-bench-byhand-'));
  await chmod(tmp, 0o755);
  const base = path.join(tmp, 'server');
  const [appPort, pgPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    BASE: base,
    APP_PORT: String(appPort),
    PG_PORT: String(pgPort),
    DB_PASSWORD: randomBytes(18).toString('base64url'),
    JWT_SECRET: randomBytes(24).toString('base64url'),
  };
  const op = (...args: string[]) => run(['bash', SCRIPT, ...args], { env, timeoutMs: 15 * 60_000 });
  let destroyed = false;
  const entry = {
    name: 'by-hand teardown',
    fn: async () => {
      if (!destroyed) await op('destroy');
      await rm(tmp, { recursive: true, force: true });
    },
  };
  cleanups.push(entry);
  const v1 = path.join(tmp, 'src-v1');
  const v2 = path.join(tmp, 'src-v2');
  await copyApp(v1);
  await copyApp(v2);
  await change(v2, `bench change ${runNo}`);
  const url = `http://127.0.0.1:${appPort}`;
  const steps: [Phase, string[]][] = [
    ['first deploy', ['first-deploy', v1]],
    ['redeploy', ['redeploy', v2]],
    ['rollback', ['rollback']],
    ['destroy', ['destroy']],
  ];
  for (const [phase, args] of steps) {
    const r = await op(...args);
    if (r.code !== 0) throw new Error(`by hand: ${phase} failed (exit ${r.code}):\n${(r.stdout + r.stderr).trim().split('\n').slice(-10).join('\n')}`);
    record(t, phase, r.ms);
    if (phase === 'destroy') destroyed = true;
    else await mustServe(url, `by hand, after ${phase}`);
  }
  await entry.fn();
  cleanups.splice(cleanups.indexOf(entry), 1);
}

async function slipwayRun(t: Times, runNo: number, accepted: Set<string>, steps: Map<Phase, CliRun>): Promise<void> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'slipway-bench-pipeline-'));
  await chmod(tmp, 0o755);
  const app = path.join(tmp, 'shop-api');
  await copyApp(app);
  const port = await freePort();
  const config = path.join(app, 'slipway.yaml');
  const cfg = parse(await readFile(config, 'utf8')) as { environments: Record<string, unknown> };
  cfg.environments = { local: { target: 'local', port, env: { HOST: '127.0.0.1' } } };
  await writeFile(config, stringify(cfg));
  await writeFile(path.join(app, '.env.local'), `JWT_SECRET=${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  let destroyed = false;
  const entry = {
    name: 'slipway destroy',
    fn: async () => {
      if (!destroyed) {
        const d = await slipway('destroy', config, ['--yes', '--force-unlock']);
        if (d.code !== 0) console.error(`slipway destroy failed:\n${failureText(d)}`);
      }
      await rm(tmp, { recursive: true, force: true });
    },
  };
  cleanups.push(entry);
  const url = `http://127.0.0.1:${port}`;
  const plan: [Phase, string, string[]][] = [
    ['first deploy', 'deploy', []],
    ['redeploy', 'deploy', []],
    ['rollback', 'rollback', []],
    ['destroy', 'destroy', ['--yes']],
  ];
  for (const [phase, command, extra] of plan) {
    if (phase === 'redeploy') await change(app, `bench change ${runNo}`);
    const r = await slipway(command, config, extra, accepted);
    if (r.code !== 0) throw new Error(`slipway: ${phase} failed:\n${failureText(r)}`);
    record(t, phase, r.ms);
    steps.set(phase, r);
    if (phase === 'destroy') destroyed = true;
    else await mustServe(url, `slipway, after ${phase}`);
  }
  await entry.fn();
  cleanups.splice(cleanups.indexOf(entry), 1);
}

function machine(): string {
  const cpu = os.cpus();
  return `${cpu.length} CPU(s) (${cpu[0]?.model.trim() ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ${new Date().toISOString()}`;
}

async function main(): Promise<void> {
  const runs = Math.floor(numberOption(process.argv.slice(2), 'runs', 3));
  console.log(`local pipeline benchmark: by hand vs slipway, ${runs} run(s)\nmachine: ${machine()}`);
  if (!existsSync(path.join(repoRoot, 'dist', 'cli', 'main.js'))) throw new Error('slipway is not built: run `npm run build` first');
  const byHand: Times = new Map();
  const slip: Times = new Map();
  const accepted = new Set<string>();
  const lastSteps = new Map<Phase, CliRun>();
  for (let i = 1; i <= runs; i++) {
    const sides = [
      { name: 'by hand', go: () => baselineRun(byHand, i) },
      { name: 'slipway', go: () => slipwayRun(slip, i, accepted, lastSteps) },
    ];
    if (i % 2 === 0) sides.reverse();
    for (const s of sides) {
      console.log(`run ${i}/${runs}: ${s.name}…`);
      await s.go();
      const t = s.name === 'slipway' ? slip : byHand;
      console.log(`  ${phases.map((p) => `${p} ${fmtMs(t.get(p)!.at(-1)!)}`).join(', ')}`);
    }
  }

  const rows = phases.map((p) => {
    const a = median(byHand.get(p)!);
    const b = median(slip.get(p)!);
    return [p, fmtMs(a), fmtMs(b), (b / a).toFixed(2)];
  });
  const total = (t: Times) => phases.reduce((x, p) => x + median(t.get(p)!), 0);
  rows.push(['whole pipeline', fmtMs(total(byHand)), fmtMs(total(slip)), (total(slip) / total(byHand)).toFixed(2)]);
  console.log(`\nResults (medians of ${runs} run(s), wall time of each phase; load average now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}):\n`);
  console.log(table(['phase', 'by hand', 'slipway', 'slipway / by hand'], rows));
  console.log('\nEvery run, in ms (by hand | slipway):');
  for (const p of phases) console.log(`  ${p.padEnd(12)} ${byHand.get(p)!.map((v) => v.toFixed(0)).join(', ')} | ${slip.get(p)!.map((v) => v.toFixed(0)).join(', ')}`);
  console.log('\nWhat slipway does beyond the by-hand procedure:');
  for (const p of phases) console.log(`  ${p.padEnd(12)} ${BEYOND[p]}`);
  console.log('  by hand: no preflight, no lock or journal, pg_dump not checked, stop + start (the app is down meanwhile), one curl for health, npm ci every time.');
  console.log("\nslipway's steps in the last run (s):");
  for (const [p, r] of lastSteps) {
    const pre = r.events.find((e) => e.type === 'log' && e.key === 'preflight.go');
    const preMs = (pre?.params as { ms?: number } | undefined)?.ms;
    const st = [...(preMs !== undefined ? [`preflight ${(preMs / 1000).toFixed(2)}`] : []), ...[...stepTimes(r.events)].filter(([, v]) => v.end).map(([k, v]) => `${k} ${((v.end! - v.start) / 1000).toFixed(2)}`)];
    console.log(`  ${p.padEnd(12)} ${st.join(', ') || '-'}`);
  }
  if (accepted.size) console.log(`\npreflight risks accepted for this run (machine state, not the app): ${[...accepted].join(', ')}`);
}

let code = 0;
try {
  await main();
} catch (e) {
  console.error(`\nlocal pipeline benchmark failed: ${e instanceof Error ? e.message : String(e)}`);
  code = 1;
} finally {
  await cleanup();
}
process.exit(code);
