/**
 * Redeploy time of an app whose dependencies did not change (issue: "dependencies are
 * installed from scratch for every release").
 *
 * Copies examples/shop-api into a temp dir, gives it a realistic dependency tree (express,
 * knex, winston, joi, axios, … — well over 100 packages, pinned by a package-lock.json made
 * here from the npm registry), and deploys it to a local environment on a free port. Then,
 * in the same run:
 *   - slipway:  edit a source file, redeploy → node_modules of the previous release reused;
 *   - baseline: the same redeploy with `app.install: npm ci` (what slipway did before, and
 *               what a hand-written deploy script does): dependencies installed from scratch.
 * Usage: npx tsx bench/redeploy-deps.ts [--keep]     (after `npm run build`). Target: ≤ 15 s.
 */
import { cp, mkdtemp, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort, run } from './lib/proc.js';
import { failureText, repoRoot, slipway, stepTimes, type CliRun } from './lib/slipway.js';
import { table } from './lib/table.js';

const EXTRA_DEPS: Record<string, string> = {
  express: '^4.21.0',
  knex: '^3.1.0',
  winston: '^3.14.0',
  joi: '^17.13.0',
  axios: '^1.7.0',
  dayjs: '^1.11.0',
  lodash: '^4.17.21',
  zod: '^3.23.0',
  helmet: '^7.1.0',
  cors: '^2.8.5',
  'express-rate-limit': '^7.4.0',
  uuid: '^10.0.0',
};

async function edit(file: string, tag: string): Promise<void> {
  await writeFile(file, (await readFile(file, 'utf8')) + `\n// ${tag}\n`);
}

function seconds(r: CliRun): string {
  return (r.ms / 1000).toFixed(1);
}

function installSeconds(r: CliRun): string {
  const b = stepTimes(r.events).get('build');
  return b?.end ? ((b.end - b.start) / 1000).toFixed(1) : '-';
}

async function main(): Promise<void> {
  const keep = process.argv.includes('--keep');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-bench-deps-'));
  await chmod(dir, 0o755);
  const app = path.join(dir, 'app');
  await cp(path.join(repoRoot, 'examples', 'shop-api'), app, {
    recursive: true,
    filter: (src) => !/(^|\/)(node_modules|dist|\.slipway|\.env\.local)(\/|$)/.test(path.relative(repoRoot, src)),
  });
  const pkgFile = path.join(app, 'package.json');
  const pkg = JSON.parse(await readFile(pkgFile, 'utf8')) as { dependencies: Record<string, string> };
  Object.assign(pkg.dependencies, EXTRA_DEPS);
  await writeFile(pkgFile, JSON.stringify(pkg, null, 2) + '\n');
  const lock = await run(['npm', 'install', '--package-lock-only', '--no-audit', '--no-fund'], { cwd: app, timeoutMs: 10 * 60_000 });
  if (lock.code !== 0) throw new Error(`npm install --package-lock-only failed:\n${lock.stderr}`);
  const packages = Object.keys((JSON.parse(await readFile(path.join(app, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> }).packages).filter((k) => k.startsWith('node_modules/')).length;

  const port = await freePort();
  const config = path.join(app, 'slipway.yaml');
  const cfg = parse(await readFile(config, 'utf8')) as { app: Record<string, unknown>; environments: Record<string, unknown> };
  cfg.environments = { local: { target: 'local', port, env: { HOST: '127.0.0.1' } } };
  await writeFile(config, stringify(cfg));
  await writeFile(path.join(app, '.env.local'), `JWT_SECRET=bench-${Date.now()}-secret\n`, { mode: 0o600 });
  const server = path.join(app, 'src', 'server.ts');
  const must = (r: CliRun, what: string) => {
    if (r.code !== 0) throw new Error(`${what} failed:\n${failureText(r)}`);
    return r;
  };
  try {
    console.log(`app: examples/shop-api + ${Object.keys(EXTRA_DEPS).length} dependencies → ${packages} packages in package-lock.json`);
    const first = must(await slipway('deploy', config), 'first deploy');
    console.log(`first deploy (cold install): ${seconds(first)} s`);
    await edit(server, 'edit 1');
    const reuse = must(await slipway('deploy', config), 'redeploy');
    const reused = reuse.events.some((e) => /modulesReused|reused node_modules/.test(JSON.stringify(e)));
    await edit(server, 'edit 2');
    cfg.app.install = 'npm ci --no-audit --no-fund';
    await writeFile(config, stringify(cfg));
    const scratch = must(await slipway('deploy', config), 'baseline redeploy');
    console.log('');
    console.log(
      table(
        ['redeploy, dependencies unchanged', 'wall s', 'build step s', 'node_modules'],
        [
          ['slipway (reuses the previous release\'s node_modules)', seconds(reuse), installSeconds(reuse), reused ? 'reused' : 'NOT reused'],
          ['baseline: npm ci from scratch (app.install)', seconds(scratch), installSeconds(scratch), 'installed'],
        ],
      ),
    );
    const steps = [...stepTimes(reuse.events)].filter(([, v]) => v.end).map(([k, v]) => `${k} ${((v.end! - v.start) / 1000).toFixed(1)}`);
    console.log(`\nslipway's redeploy, step by step (s): ${steps.join(', ')}`);
    console.log(`\ntarget: slipway ≤ 15 s — ${reuse.ms <= 15_000 ? 'met' : 'NOT met'}; ${(scratch.ms / reuse.ms).toFixed(1)}× faster than the baseline`);
  } finally {
    await slipway('destroy', config, ['--yes']).catch(() => undefined);
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}

await main();
