/**
 * Benchmark: the runbook's AWS steps as an aws CLI script vs `slipway deploy`, each against
 * a fresh moto server, timed side by side (wall time, API calls). Run:
 *   npx tsx bench/aws/run.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startMoto, awsTestEnv } from '../../test/aws/moto.js';
import { writeConfig, loadEnv } from '../../test/aws/helpers.js';
import { readSecrets } from '../../src/config/resolve.js';
import { EventBus } from '../../src/engine/events.js';
import { Journal } from '../../src/engine/journal.js';
import { Redactor } from '../../src/engine/redact.js';
import { runPlan } from '../../src/engine/runner.js';
import { LocalHost } from '../../src/host/local.js';
import { apiCalls, createTarget, synth } from '../../src/targets/aws/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
Object.assign(process.env, awsTestEnv, { JWT_SECRET: 'bench-secret-value', SLIPWAY_AWS_POLL_MS: process.env.SLIPWAY_AWS_POLL_MS ?? '200' });
const moto = await startMoto();
try {
  const rows: { name: string; ms: number; calls: number; ok: boolean }[] = [];
  // 1. runbook with the aws CLI
  await moto.reset();
  const envr = await loadEnv(await writeConfig({ endpoint: moto.url }));
  const tdir = await mkdtemp(path.join(os.tmpdir(), 'slipway-bench-'));
  await synth(envr, tdir);
  let t0 = Date.now();
  const r = spawnSync('bash', ['-c', `${path.join(here, 'runbook.sh')} ${tdir} shop-api-production 3>${tdir}/calls`], { env: { ...process.env, AWS_ENDPOINT_URL: moto.url }, encoding: 'utf8' });
  const cliMs = Date.now() - t0;
  const calls = spawnSync('wc', ['-l', `${tdir}/calls`], { encoding: 'utf8' }).stdout.trim().split(' ')[0];
  rows.push({ name: 'runbook (aws CLI)', ms: cliMs, calls: Number(calls), ok: r.status === 0 });
  if (r.status !== 0) console.error(r.stderr.split('\n').slice(-5).join('\n'));
  // 2. slipway deploy
  await moto.reset();
  await moto.post('/moto-api/state-manager/set-transition', { model_name: 'ecs::task', transition: { progression: 'immediate' } });
  const envr2 = await loadEnv(await writeConfig({ endpoint: moto.url }));
  const secrets = await readSecrets(envr2);
  const redactor = new Redactor(secrets.values.values());
  const events = new EventBus(redactor);
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-bench-state-'));
  const tc = { envr: envr2, secrets, events, redactor, stateDir, localHost: new LocalHost(), signal: new AbortController().signal };
  const plan = await createTarget().deployPlan(tc, { image: `public.ecr.aws/docker/library/node@sha256:${'1'.repeat(64)}`, acceptRisks: [] });
  const before = apiCalls.count;
  t0 = Date.now();
  const res = await runPlan({ plan, journal: new Journal(new LocalHost(), stateDir, redactor), events, runId: randomUUID().slice(0, 8) });
  rows.push({ name: 'slipway deploy', ms: Date.now() - t0, calls: apiCalls.count - before, ok: res.ok });
  console.log('\n| run | ok | wall time | API calls |\n|---|---|---:|---:|');
  for (const x of rows) console.log(`| ${x.name} | ${x.ok ? 'yes' : 'NO'} | ${(x.ms / 1000).toFixed(1)} s | ${x.calls}${x.name.includes('CLI') ? ' CLI invocations' : ''} |`);
  console.log('\nThe aws CLI count is invocations (a `cloudformation deploy` makes several API calls); slipway also runs migrations, snapshots, the ledger and verification.');
} finally {
  await moto.stop();
}
