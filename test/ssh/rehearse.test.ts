/**
 * `slipway db rehearse --fresh` on a VM: a new backup is taken on the VM, streamed here,
 * restored into a throwaway PostgreSQL on this machine, and the migrations run on the copy;
 * the result is recorded against the migration set, the throwaway build is removed, and the
 * VM's own database is untouched (the app still serves).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { get } from '../helpers/local-env.js';
import { deployedSshEnv } from '../helpers/ssh-env.js';

const vm = deployedSshEnv();

test('db rehearse --fresh on a VM: a fresh backup on the VM, migrations run on a throwaway copy here, recorded', async () => {
  const r = await vm.env.cli(['db', 'rehearse', 'staging', '--fresh']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Rehearsal passed: migrations ran in [\d.]+ s on a copy of .+:\S+\/backups\/rehearse-\d+\.dump \(migration set [0-9a-f]+\)/);
  const backups = (await readdir(path.join(vm.env.remoteDir, 'backups'))).filter((f) => /^rehearse-\d+\.dump$/.test(f));
  assert.equal(backups.length, 1, 'the fresh backup is on the VM');
  const file = /Recorded in (\S+\.json);/.exec(r.stdout)?.[1];
  assert.ok(file && file.startsWith(path.join(vm.env.dir, 'app', '.slipway', 'staging', 'rehearsals')), r.stdout);
  const record = JSON.parse(await readFile(file, 'utf8')) as { ok: boolean; env: string; backup: string };
  assert.deepEqual({ ok: record.ok, env: record.env }, { ok: true, env: 'staging' });
  assert.match(record.backup, /rehearse-\d+\.dump/);
  const build = /Built the release to rehearse in (\S+)/.exec(r.stdout)?.[1];
  assert.ok(build && !existsSync(build), 'the throwaway build is removed');
  const health = await get(`${vm.env.url}/health`);
  assert.equal(health.status, 200, health.body);
});
