/**
 * The preflight probe of the health check: the built release is started once more with its
 * database unreachable. The example's /health queries the database (no warning, the record
 * says it covers the database); a copy whose /health skips the query deploys with a warning
 * and a record saying it does not. Neither deploy leaves the probe process running.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { makeEnv, type TestEnv } from '../helpers/local-env.js';
import { probeProcessesUnder } from '../helpers/procs.js';

let env: TestEnv;

before(async () => {
  env = await makeEnv();
});
after(async () => {
  await env?.destroy();
});

interface Release {
  id: string;
  result: string;
  active?: boolean;
  details: { healthCoversDb?: boolean };
}

async function activeRelease(): Promise<Release> {
  const list = JSON.parse((await env.cli(['releases', 'local', '--json'])).stdout) as Release[];
  const active = list.find((r) => r.active);
  assert.ok(active, JSON.stringify(list));
  return active;
}

/** Pids of probe processes (marked SLIPWAY_PROBE) running from this environment. */
function probeProcesses(): Promise<number[]> {
  return probeProcessesUnder(env.stateDir);
}

const WARNING = /health check does not cover the database: \/health answered 200/;

test('deploying the example (whose /health queries the database) prints no health warning, records healthCoversDb true and leaves no probe process', async () => {
  const r = await env.cli(['deploy', 'local']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, WARNING);
  const rel = await activeRelease();
  assert.equal(rel.result, 'succeeded');
  assert.equal(rel.details.healthCoversDb, true);
  assert.deepEqual(await probeProcesses(), []);
});

test('deploying a copy whose /health answers 200 without the database succeeds, prints the warning, records healthCoversDb false and leaves no probe process', async () => {
  const server = path.join(env.dir, 'app', 'src', 'server.ts');
  const src = await readFile(server, 'utf8');
  const patched = src.replace("    await pool.query('SELECT 1');\n    sendJson(res, 200, { status: 'ok', db: 'ok'", "    sendJson(res, 200, { status: 'ok', db: 'unchecked'");
  assert.notEqual(patched, src, 'the example /health handler changed; update this test');
  await writeFile(server, patched);
  const r = await env.cli(['deploy', 'local']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, WARNING);
  assert.match(r.stdout + r.stderr, /add a `verify` check on a route that reads the database/);
  const rel = await activeRelease();
  assert.equal(rel.result, 'succeeded');
  assert.equal(rel.details.healthCoversDb, false);
  assert.deepEqual(await probeProcesses(), []);
});

test('with app.probeHealthWithoutDb false the deploy prints no health warning and records no healthCoversDb', async () => {
  await env.editConfig((c) => {
    c.app.probeHealthWithoutDb = false;
  });
  const r = await env.cli(['deploy', 'local']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, WARNING);
  assert.equal((await activeRelease()).details.healthCoversDb, undefined);
});
