/**
 * A VM where slipway logs in as a user without root (the usual `ubuntu` or `deploy` login of
 * seed 003's server): the whole pipeline runs as that user in its home, the app and
 * PostgreSQL run as it, and nothing slipway leaves there belongs to root — after destroy too.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { get } from '../helpers/local-env.js';
import { ensureDeployUser, startVm, type Vm } from '../helpers/vm.js';
import { makeSshEnv, vmReleaseProcesses, type SshEnv } from '../helpers/ssh-env.js';
import { idsOf } from '../helpers/procs.js';

let vm: Vm;
let env: SshEnv;
let user = '';
let uid = '';
const dir = () => `/home/${user}/srv/staging`;
const uidOf = async (pid: number) => (await idsOf(pid)).uid;

before(async () => {
  user = ensureDeployUser();
  uid = execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim();
  execFileSync('rm', ['-rf', `/home/${user}/srv`]);
  vm = await startVm();
  env = await makeSshEnv(vm, { environment: { host: `${user}@${vm.address}`, dir: `/home/${user}/srv/staging` } });
});
after(async () => {
  await vm?.stop();
  execFileSync('rm', ['-rf', `/home/${user}/srv`]);
});

test('logged in without root: deploy serves from the user\'s home, the app and PostgreSQL run as the user, no file there is root\'s; destroy leaves only the journal and the audit log', async () => {
  const r = await env.cli(['deploy', 'staging']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const health = await get(`${env.url}/health`);
  assert.equal(health.status, 200, health.body);

  const apps = await vmReleaseProcesses(dir());
  assert.ok(apps.size > 0, 'the release runs on the VM');
  for (const pid of apps.keys()) assert.equal(await uidOf(pid), uid, `app process ${pid}`);
  const postmaster = Number((await readFile(`${dir()}/pg/data/postmaster.pid`, 'utf8')).split('\n')[0]);
  assert.equal(await uidOf(postmaster), uid, 'PostgreSQL');
  assert.equal(execFileSync('find', [dir(), '-user', 'root'], { encoding: 'utf8' }).trim(), '');

  const d = await env.cli(['destroy', 'staging', '--yes']);
  assert.equal(d.code, 0, d.stdout + d.stderr);
  // What stays, as documented: the record of what was done.
  assert.deepEqual((await readdir(dir())).sort(), ['audit.ndjson', 'journal']);
  assert.equal(execFileSync('find', [dir(), '-user', 'root'], { encoding: 'utf8' }).trim(), '');
});
