#!/usr/bin/env node
// Runs the test suite with node's test runner (TypeScript through tsx).
// Usage: npm test [-- <files or dirs>]    (default: everything under test/)
import { readdirSync, statSync } from 'node:fs';
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
// The CLI under test runs from dist/: build it once, up front.
const build = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
if (build.status !== 0) process.exit(build.status ?? 1);
const concurrency = process.env.SLIPWAY_TEST_CONCURRENCY ?? '2';
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, SLIPWAY_LANG: process.env.SLIPWAY_LANG ?? 'en' },
});
process.exit(r.status ?? 1);
