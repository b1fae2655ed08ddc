/**
 * What the app's systemd unit runs after a reboot, on a real VM: the supervisor's own command
 * line plus `--resume`, as the service user, after the supervisor and the app were killed.
 * systemd cannot run as PID 1 here, so this test starts that command itself; the database's
 * unit (its pg_ctl start) is covered by test/local/pg-service.test.ts, and PostgreSQL keeps
 * running here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { poll } from '../../src/engine/poll.js';
import { get } from '../helpers/local-env.js';
import { deployedSshEnv, vmReleaseProcesses } from '../helpers/ssh-env.js';
import { idsOf } from '../helpers/procs.js';

const h = deployedSshEnv();

test('after the supervisor and the app were SIGKILLed, the supervisor started as its unit starts it (--resume, as the service user) serves the same release on the stable port with its database; status says serving', async () => {
  const env = h.env;
  const serving = (JSON.parse((await env.cli(['status', 'staging', '--json'])).stdout) as { activeRelease: string }).activeRelease;
  const st = JSON.parse(await readFile(path.join(env.remoteDir, 'run', 'supervisor.json'), 'utf8')) as { pid: number; processes: { pid: number }[] };
  const argv = (await readFile(`/proc/${st.pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
  const { uid, gid } = await idsOf(st.pid);
  assert.notEqual(uid, '0', 'the supervisor runs as the service user');

  // The "reboot": the supervisor and every process of the app are gone at once.
  for (const pid of [st.pid, ...(await vmReleaseProcesses(env.remoteDir)).keys()]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  const down = await poll(async () => ((await get(`${env.url}/health`, undefined, 1000).catch(() => undefined)) ? undefined : { done: true }), { initialMs: 50, maxMs: 200, timeoutMs: 10_000 });
  assert.equal(down.kind, 'done', 'the stable port still answers after the kill');

  // ExecStart of slipway-<app>-<env>.service: the same command with --resume, User= the service user.
  const child = spawn('ip', ['netns', 'exec', env.vm.ns, 'setpriv', '--reuid', uid, '--regid', gid, '--clear-groups', '--', ...argv, '--resume'], { cwd: '/', detached: true, stdio: 'ignore' });
  child.unref();
  const up = await poll(
    async () => {
      const r = await get(`${env.url}/health`, undefined, 1000).catch(() => undefined);
      return r?.status === 200 ? { done: r } : undefined;
    },
    { initialMs: 100, maxMs: 500, timeoutMs: 60_000 },
  );
  assert.equal(up.kind, 'done', 'the app did not come back');
  assert.equal((JSON.parse((await get(`${env.url}/health`)).body) as { version: string }).version, serving);
  const products = JSON.parse((await get(`${env.url}/api/products?limit=3`)).body) as { items: unknown[] };
  assert.equal(products.items.length, 3, 'the app reads its database');
  assert.deepEqual([...(await vmReleaseProcesses(env.remoteDir)).values()], [serving]);
  const after = JSON.parse((await env.cli(['status', 'staging', '--json'])).stdout) as { state: string; activeRelease: string };
  assert.deepEqual([after.state, after.activeRelease], ['serving', serving]);
});
