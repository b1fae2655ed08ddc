/**
 * Interruptions: Ctrl-C during a deploy undoes it and leaves the old release serving; a
 * supervisor killed with SIGKILL is replaced by the next command, which kills the orphans
 * it left and serves again.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { deployedEnv, servingVersion, get, releaseProcesses, type TestEnv } from '../helpers/local-env.js';

let env: TestEnv;
let good: string;

before(async () => {
  env = await deployedEnv();
  good = await servingVersion(env);
});
after(async () => {
  await env?.destroy();
});

test('SIGINT during the build undoes the deploy; the old release keeps serving', async () => {
  const run = env.spawnCli(['deploy', 'local']);
  const journal = path.join(env.stateDir, 'journal', 'current.ndjson');
  // Wait until the build step has started, then interrupt like Ctrl-C.
  for (let i = 0; i < 200; i++) {
    const text = await readFile(journal, 'utf8').catch(() => '');
    if (text.includes('"step":"build","phase":"start"')) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  process.kill(run.pid, 'SIGINT');
  const r = await run.done;
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /Interrupted: undoing/);
  assert.match(r.stdout, /failed and was undone/);
  assert.equal((JSON.parse((await get(`${env.url}/health`)).body) as { version: string }).version, good);
  assert.deepEqual([...(await releaseProcesses(env.stateDir)).values()], [good]);
  const list = JSON.parse((await env.cli(['releases', 'local', '--json'])).stdout) as { id: string; result: string; active?: boolean }[];
  assert.equal(list.find((x) => x.active)?.id, good);
  assert.equal(list.filter((x) => x.result === 'pending').length, 0, 'no release left pending');
});

test('a supervisor killed with SIGKILL: status says stopped, rollback --to the current release serves it again with no orphan', async () => {
  const sup = JSON.parse(await readFile(path.join(env.stateDir, 'run', 'supervisor.json'), 'utf8')) as { pid: number };
  process.kill(sup.pid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 300));
  const st = JSON.parse((await env.cli(['status', 'local', '--json'])).stdout) as { state: string };
  assert.equal(st.state, 'stopped');
  const r = await env.cli(['rollback', 'local', '--to', good]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal((await get(`${env.url}/health`)).status, 200);
  assert.deepEqual([...(await releaseProcesses(env.stateDir)).values()], [good], 'the orphaned app process was replaced, not duplicated');
});
