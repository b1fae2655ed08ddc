/**
 * Benchmark: the whole AWS pipeline on moto — create, redeploy, rollback, destroy — as the
 * runbook scripted with the aws CLI (`runbook.sh`, `runbook-ops.sh`) and as `slipway` (the
 * real CLI, `bin/slipway.js`, preflight included), each side against its own fresh moto server,
 * in one run. slipway's redeploy runs the migration task too; the runbook's does not.
 *   npm run build && npx tsx bench/aws/run.ts
 * Goals (issue 11): create ≤ 0.2 × the runbook's; redeploy ≤ the runbook's.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMoto, awsTestEnv } from '../../test/aws/moto.js';
import { loadConfig } from '../../src/config/load.js';
import { resolveEnvironment } from '../../src/config/resolve.js';
import { synth } from '../../src/targets/aws/synth.js';
import { repoRoot, slipwayBin } from '../lib/slipway.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CONFIG = path.join(repoRoot, 'examples', 'shop-api', 'slipway.yaml');
const STATE = path.join(repoRoot, 'examples', 'shop-api', '.slipway', 'production');
const P = 'shop-api-production';
const image = (d: string) => `public.ecr.aws/docker/library/node@sha256:${d.repeat(64)}`;
const phases = ['create', 'redeploy', 'rollback', 'destroy'] as const;
type Phase = (typeof phases)[number];
interface Row {
  ms: number;
  ok: boolean;
  calls?: number;
}

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; code: number | null; out: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ ms: performance.now() - t0, code, out }));
  });
}

async function runbookSide(): Promise<Map<Phase, Row>> {
  const rows = new Map<Phase, Row>();
  const moto = await startMoto();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-bench-runbook-'));
  try {
    const envr = resolveEnvironment(await loadConfig({ file: CONFIG }), 'production');
    await synth(envr, dir);
    const env = { ...process.env, ...awsTestEnv, AWS_ENDPOINT_URL: moto.url };
    const calls = path.join(dir, 'calls');
    const steps: [Phase, string][] = [
      ['create', `${path.join(here, 'runbook.sh')} ${dir} ${P}`],
      ['redeploy', `${path.join(here, 'runbook-ops.sh')} redeploy ${P} ${image('2')}`],
      ['rollback', `${path.join(here, 'runbook-ops.sh')} rollback ${P}`],
      ['destroy', `${path.join(here, 'runbook-ops.sh')} destroy ${P}`],
    ];
    for (const [phase, script] of steps) {
      const r = await timed('bash', ['-c', `${script} 3>${calls}`], env);
      const n = (await readFile(calls, 'utf8')).split('\n').filter(Boolean).length;
      rows.set(phase, { ms: r.ms, ok: r.code === 0, calls: n });
      if (r.code !== 0) console.error(`runbook ${phase} failed:\n${r.out.split('\n').slice(-6).join('\n')}`);
    }
  } finally {
    await moto.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

async function slipwaySide(): Promise<Map<Phase, Row>> {
  const rows = new Map<Phase, Row>();
  const moto = await startMoto();
  // Migration tasks stop at once with exit code 0 (moto runs no containers).
  await moto.post('/moto-api/state-manager/set-transition', { model_name: 'ecs::task', transition: { progression: 'immediate' } });
  await rm(STATE, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, ...awsTestEnv, AWS_ENDPOINT_URL: moto.url, JWT_SECRET: 'bench-secret-value', CI: 'true', SLIPWAY_LANG: 'en' };
  delete env.SLIPWAY_AWS_POLL_MS; // the defaults users get
  const cli = (...args: string[]) => timed(process.execPath, [slipwayBin, ...args, '--config', CONFIG], env);
  try {
    const steps: [Phase, string[]][] = [
      ['create', ['deploy', 'production', '--image', image('1'), '--allow-unverified']],
      ['redeploy', ['deploy', 'production', '--image', image('2'), '--allow-unverified']],
      ['rollback', ['rollback', 'production', '--allow-unverified']],
      ['destroy', ['destroy', 'production', '--yes', '--force']],
    ];
    for (const [phase, args] of steps) {
      const r = await cli(...args);
      rows.set(phase, { ms: r.ms, ok: r.code === 0 });
      if (r.code !== 0) console.error(`slipway ${phase} failed:\n${r.out.split('\n').slice(-8).join('\n')}`);
    }
  } finally {
    await moto.stop();
    await rm(STATE, { recursive: true, force: true });
  }
  return rows;
}

if (spawnSync('aws', ['--version'], { stdio: 'ignore' }).status !== 0) {
  console.error('the aws CLI is not installed (pip install awscli)');
  process.exit(1);
}
const runbook = await runbookSide();
const slipway = await slipwaySide();
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
console.log(`\nAWS pipeline on moto, ${os.cpus().length} CPU(s), node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ${new Date().toISOString()}`);
console.log('\n| phase | runbook (aws CLI) | slipway | slipway / runbook |\n|---|---:|---:|---:|');
for (const p of phases) {
  const a = runbook.get(p)!;
  const b = slipway.get(p)!;
  console.log(`| ${p} | ${s(a.ms)}${a.ok ? '' : ' (FAILED)'} (${a.calls} CLI calls) | ${s(b.ms)}${b.ok ? '' : ' (FAILED)'} | ${(b.ms / a.ms).toFixed(2)} |`);
}
const total = (m: Map<Phase, Row>) => phases.reduce((x, p) => x + m.get(p)!.ms, 0);
console.log(`| whole pipeline | ${s(total(runbook))} | ${s(total(slipway))} | ${(total(slipway) / total(runbook)).toFixed(2)} |`);
const create = slipway.get('create')!.ms / runbook.get('create')!.ms;
const redeploy = slipway.get('redeploy')!.ms / runbook.get('redeploy')!.ms;
console.log(`\ngoals: create ≤ 0.2 × runbook: ${create <= 0.2 ? 'met' : 'NOT met'} (${create.toFixed(2)}); redeploy (with migration) ≤ runbook: ${redeploy <= 1 ? 'met' : 'NOT met'} (${redeploy.toFixed(2)})`);
console.log('slipway times are the CLI end to end: start-up, preflight, lock, journal, snapshot, migration task, ledger, verification.');
