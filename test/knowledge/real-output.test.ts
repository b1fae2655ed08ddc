/** Signatures against the output of really running the failing thing (Node on this machine). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { diagnose } from '../../src/knowledge/diagnose.js';

function run(args: string[], cwd: string): string {
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 20_000 });
  assert.notEqual(r.status, 0);
  return `${r.stdout}\n${r.stderr}`;
}

const ids = (output: string) => diagnose(output.split('\n')).findings.map((f) => f.signatureId);

test('a start command whose dist/ file was never built: node.build-missing', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-knowledge-'));
  try {
    assert.deepEqual(ids(run([path.join(dir, 'dist', 'src', 'app.js')], dir)), ['node.build-missing']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a dependency that is not installed: node.module-not-found; require() of an ES module (old and new Node): node.require-esm', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-knowledge-'));
  try {
    writeFileSync(path.join(dir, 'a.cjs'), "require('express');\n");
    assert.deepEqual(ids(run(['a.cjs'], dir)), ['node.module-not-found']);
    mkdirSync(path.join(dir, 'node_modules', 'esm-only'), { recursive: true });
    writeFileSync(path.join(dir, 'node_modules', 'esm-only', 'package.json'), JSON.stringify({ name: 'esm-only', type: 'module', main: 'index.js' }));
    writeFileSync(path.join(dir, 'node_modules', 'esm-only', 'index.js'), 'export default 1;\n');
    writeFileSync(path.join(dir, 'b.cjs'), "require('esm-only');\n");
    // Node before 20.19 (and 22.12) refuses require() of ESM; later ones refuse an ESM graph with top-level await.
    assert.deepEqual(ids(run(['--no-experimental-require-module', 'b.cjs'], dir)), ['node.require-esm']);
    writeFileSync(path.join(dir, 'node_modules', 'esm-only', 'index.js'), 'await Promise.resolve();\nexport default 1;\n');
    assert.deepEqual(ids(run(['b.cjs'], dir)), ['node.require-esm']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an app that listens on a port already in use: node.port-in-use', async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const out = run(['-e', `require('node:http').createServer().listen(${port}, '127.0.0.1')`], os.tmpdir());
    assert.deepEqual(ids(out), ['node.port-in-use']);
  } finally {
    server.close();
  }
});
