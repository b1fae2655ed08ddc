/**
 * `slipway db rehearse --fresh` on a VM: a new backup is taken on the VM, streamed here,
 * restored into a throwaway PostgreSQL on this machine, and the migrations run on the copy;
 * the result is recorded against the migration set, the throwaway build is removed, and the
 * VM's own database is untouched (the app still serves).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { get } from '../helpers/local-env.js';
import { startVm, type Vm } from '../helpers/vm.js';
import { makeSshEnv, type SshEnv } from '../helpers/ssh-env.js';

let vm: Vm;
let env: SshEnv;

before(async () => {
  vm = await startVm();
  env = await makeSshEnv(vm);
  const r = await env.cli(['deploy', 'staging']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});
after(async () => {
  await vm?.stop();
});

test('db rehearse --fresh on a VM: a fresh backup on the VM, migrations run on a throwaway copy here, recorded', async () => {
  const r = await env.cli(['db', 'rehearse', 'staging', '--fresh']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Rehearsal passed: migrations ran in [\d.]+ s on a copy of .+:\S+\/backups\/rehearse-\d+\.dump \(migration set [0-9a-f]+\)/);
  const backups = (await readdir(path.join(env.remoteDir, 'backups'))).filter((f) => /^rehearse-\d+\.dump$/.test(f));
  assert.equal(backups.length, 1, 'the fresh backup is on the VM');
  const file = /Recorded in (\S+\.json);/.exec(r.stdout)?.[1];
  assert.ok(file && file.startsWith(path.join(env.dir, 'app', '.slipway', 'staging', 'rehearsals')), r.stdout);
  const record = JSON.parse(await readFile(file, 'utf8')) as { ok: boolean; env: string; backup: string };
  assert.deepEqual({ ok: record.ok, env: record.env }, { ok: true, env: 'staging' });
  assert.match(record.backup, /rehearse-\d+\.dump/);
  const build = /Built the release to rehearse in (\S+)/.exec(r.stdout)?.[1];
  assert.ok(build && !existsSync(build), 'the throwaway build is removed');
  const health = await get(`${env.url}/health`);
  assert.equal(health.status, 200, health.body);
});
