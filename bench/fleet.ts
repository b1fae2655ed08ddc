/**
 * A deploy to three hosts against a deploy to one host, in one run.
 *
 *   npx tsx bench/fleet.ts [--rounds 3]
 *
 * Needs root (network namespaces) and openssh-server (`/usr/sbin/sshd`).
 *
 * 1. Starts three test VMs (real sshd in network namespaces of their own) and an external
 *    PostgreSQL (test/helpers/fleet.ts), with two environments of one copy of examples/shop-api:
 *    `production` (`hosts:` all three, waves `[1, 50%, 100%]`) and `single` (`host:` the first
 *    VM alone, its own directory and port): the same app, the same database, the same machine.
 * 2. Deploys each once (first install; not measured), then `--rounds` times redeploys `single` and
 *    `production` alternately (so both see the same load on the machine), each timed from the
 *    command's start to its exit, through the real CLI.
 * 3. Prints the medians, the ratio (the target: ≤ 1.5×) and where the fleet's time goes
 *    (the steps that took longest, per host), then removes everything (also on failure or Ctrl-C).
 */
import { existsSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort, nowMs } from './lib/proc.js';
import { fmtMs, median } from './lib/stats.js';
import { table } from './lib/table.js';
import { cleanup, cleanups, numberOption } from './lib/harness.js';
import { failureText, repoRoot, slipwayIn, stepTimes, type CliRun } from './lib/slipway.js';
import { startFleet } from '../test/helpers/fleet.js';
import { VM_USER } from '../test/helpers/vm.js';

async function timed(env: string, config: string, accept: Set<string>): Promise<{ ms: number; run: CliRun }> {
  const t0 = nowMs();
  const run = await slipwayIn(env, 'deploy', config, [], accept);
  const ms = nowMs() - t0;
  if (run.code !== 0) throw new Error(`slipway deploy ${env} failed:\n${failureText(run)}`);
  return { ms, run };
}

/** The fleet's steps by time spent, longest first (`h2/build 12.3 s`). */
function slowest(run: CliRun, n: number): string[] {
  return [...stepTimes(run.events)]
    .filter(([, t]) => t.end !== undefined)
    .map(([id, t]) => [id, t.end! - t.start] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([id, ms]) => `${id} ${fmtMs(ms)}`);
}

async function main(): Promise<void> {
  const rounds = Math.floor(numberOption(process.argv, 'rounds', 3));
  if (!existsSync(path.join(repoRoot, 'dist', 'cli', 'main.js'))) throw new Error('run `npm run build` first');
  console.log('starting three VMs and an external PostgreSQL…');
  const fleet = await startFleet();
  cleanups.push({ name: 'fleet', fn: () => fleet.stop() });
  const { env, vms } = fleet;
  cleanups.push({ name: 'app copy', fn: () => import('node:fs/promises').then((fs) => fs.rm(env.dir, { recursive: true, force: true })) });
  const first = vms[0]!;
  const singlePort = await freePort();
  await env.editConfig((c) => {
    const { hosts: _h, rollout: _r, ...rest } = c.environments.production as Record<string, unknown>;
    c.environments.single = { ...rest, host: `${VM_USER}@${first.address}`, dir: path.join(first.dir, 'srv', 'single'), port: singlePort };
  });
  await copyFile(path.join(env.dir, 'app', '.env.production'), path.join(env.dir, 'app', '.env.single'));
  const accept = new Set<string>();

  console.log('first deploys (not measured)…');
  await timed('single', env.config, accept);
  await timed('production', env.config, accept);

  const one: number[] = [];
  const three: number[] = [];
  let last: CliRun | undefined;
  for (let i = 0; i < rounds; i++) {
    const a = await timed('single', env.config, accept);
    one.push(a.ms);
    const b = await timed('production', env.config, accept);
    three.push(b.ms);
    last = b.run;
    console.log(`  round ${i + 1}: 1 host ${fmtMs(a.ms)}, 3 hosts ${fmtMs(b.ms)}`);
  }
  const m1 = median(one);
  const m3 = median(three);
  console.log('');
  console.log(
    table(
      ['deploy (redeploy, median)', 'time', 'runs'],
      [
        ['1 host (`host:`)', fmtMs(m1), one.map(fmtMs).join(', ')],
        ['3 hosts (`hosts:`, waves [1, 50%, 100%])', fmtMs(m3), three.map(fmtMs).join(', ')],
        ['ratio 3 / 1 (target ≤ 1.5×)', `${(m3 / m1).toFixed(2)}×`, ''],
      ],
    ),
  );
  if (last) console.log(`\nslowest steps of the last 3-host deploy: ${slowest(last, 8).join(', ')}`);
  if (accept.size) console.log(`(accepted machine-state risks: ${[...accept].join(', ')})`);
}

main()
  .then(
    () => cleanup(),
    async (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      await cleanup();
      process.exitCode = 1;
    },
  );
