#!/usr/bin/env node
// Runs the test suite with node's test runner (TypeScript through tsx).
// Usage: npm test [-- <files or dirs>]    (default: everything under test/)
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const find = (p) => {
  const st = statSync(p);
  if (st.isFile()) return [p];
  return readdirSync(p)
    .filter((n) => n !== 'fixtures' && n !== 'node_modules')
    .flatMap((n) => find(path.join(p, n)))
    .filter((f) => statSync(f).isDirectory() || f.endsWith('.test.ts'));
};
const files = (args.length ? args : ['test']).flatMap((a) => find(path.resolve(root, a))).filter((f) => f.endsWith('.test.ts')).sort();
if (!files.length) {
  console.error('no test files found');
  process.exit(1);
}
// Services the tests run for real and a fresh machine may lack: sshd for the test VMs,
// systemd-analyze to check the boot unit, headless Chromium (and a CJK font for the zh-CN
// text) to look at the HTML report. Installed from Debian's packages (as root).
const installed = (pkg) => spawnSync('dpkg', ['-s', pkg], { stdio: 'ignore' }).status === 0;
const missing = [
  ['/usr/sbin/sshd', 'openssh-server'],
  ['/usr/bin/systemd-analyze', 'systemd'],
  ['/usr/bin/chromium', 'chromium'],
].filter(([bin]) => !existsSync(bin)).map(([, pkg]) => pkg);
if (!installed('fonts-wqy-microhei')) missing.push('fonts-wqy-microhei');
if (missing.length) {
  console.log(`installing ${missing.join(', ')} (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const up = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const inst = up.status === 0 ? spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env }) : up;
  if (inst.status !== 0) {
    console.error(`could not install ${missing.join(', ')}: the ssh and report tests need them (run as root, or install them yourself)`);
    process.exit(1);
  }
}

// The CLI under test runs from dist/: build it once, up front (the same steps as `npm run build`).
const build = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
if (build.status !== 0) process.exit(build.status ?? 1);
// …and bundle it, as users run it (bin/slipway.js loads dist/cli-bundle/).
const bundle = spawnSync(process.execPath, [path.join(root, 'scripts', 'bundle.mjs')], { stdio: 'inherit', cwd: root });
if (bundle.status !== 0) process.exit(bundle.status ?? 1);
const concurrency = process.env.SLIPWAY_TEST_CONCURRENCY ?? '2';
// Every temp dir the tests make (apps, VMs, npm caches, sockets) goes under one directory of
// this run, removed when it ends: a run leaves nothing in /tmp. World-traversable like /tmp,
// for the VMs' service user and PostgreSQL.
const runTmp = mkdtempSync(path.join(os.tmpdir(), 'slipway-tests-'));
chmodSync(runTmp, 0o1777);
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, TMPDIR: runTmp, SLIPWAY_LANG: process.env.SLIPWAY_LANG ?? 'en' },
});
rmSync(runTmp, { recursive: true, force: true });
process.exit(r.status ?? 1);
