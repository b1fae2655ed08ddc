/**
 * What goes wrong on a VM, through the real CLI against a real sshd in a network namespace:
 * kill -9 of the CLI at six moments of a deploy, the link cut mid-deploy, two clones
 * deploying at once, and a host key that is not the one known_hosts expects.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { access, cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ROOT, get } from '../helpers/local-env.js';
import { startVm, type Vm } from '../helpers/vm.js';
import { makeSshEnv, vmReleaseProcesses, type SshEnv } from '../helpers/ssh-env.js';

/** The CLI with another clone's config (a second checkout on the same or another machine). */
function cliWith(config: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'slipway.js'), ...args, '--config', config], { env: { ...process.env, SLIPWAY_LANG: 'en', CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let vm: Vm;
let env: SshEnv;

const version = async () => (JSON.parse((await get(`${env.url}/health`)).body) as { version: string }).version;

/** Converged: serving, one release process, no lock, no unfinished run on the VM. */
async function assertConverged(): Promise<string> {
  const st = JSON.parse((await env.cli(['status', 'staging', '--json'])).stdout) as { state: string; activeRelease: string };
  assert.equal(st.state, 'serving');
  const v = await version();
  assert.equal(st.activeRelease, v);
  assert.deepEqual([...(await vmReleaseProcesses(env.remoteDir)).values()], [v], 'exactly one release process on the VM');
  await assert.rejects(access(path.join(env.remoteDir, 'lock.json')), 'lock released');
  await assert.rejects(access(path.join(env.remoteDir, 'journal', 'current.ndjson')), 'no unfinished run');
  return v;
}

before(async () => {
  vm = await startVm();
  env = await makeSshEnv(vm);
  const r = await env.cli(['deploy', 'staging']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});
after(async () => {
  await vm?.stop();
});

describe('ssh target failures', () => {
  for (const fp of ['database:after', 'build:after', 'migrate:after', 'start:after', 'switch:after', 'finalize:after']) {
    test(`kill -9 at ${fp}: the next deploy converges and the URL answers 200`, async () => {
      const killed = await env.cli(['deploy', 'staging'], { env: { SLIPWAY_FAILPOINT: fp } });
      assert.equal(killed.signal, 'SIGKILL', killed.stdout + killed.stderr);
      const next = await env.cli(['deploy', 'staging']);
      assert.equal(next.code, 0, next.stdout + next.stderr);
      if (fp !== 'finalize:after') assert.match(next.stdout, new RegExp(`interrupted deploy was ${fp.startsWith('switch') ? 'resumed' : 'undone'}`));
      assert.equal((await get(`${env.url}/health`)).status, 200);
      await assertConverged();
    });
  }

  test('the link cut mid-deploy: exit 1 with a clear message, the old release keeps serving, the next deploy converges', async () => {
    const before = await version();
    const run = env.spawnCli(['deploy', 'staging']);
    await new Promise((r) => setTimeout(r, 2500)); // inside the build
    vm.linkDown();
    let r;
    try {
      r = await run.done;
    } finally {
      vm.linkUp();
    }
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /connection to .* was lost|Could not connect to/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(await version(), before, 'the old release kept serving');
    const next = await env.cli(['deploy', 'staging']);
    assert.equal(next.code, 0, next.stdout + next.stderr);
    assert.notEqual(await assertConverged(), before);
  });

  test('two clones deploy the same environment at once: exactly one proceeds, the other names the holder', async () => {
    const clone = await mkdtemp(path.join(os.tmpdir(), 'slipway-clone-'));
    execFileSync('chmod', ['755', clone]);
    await cp(path.join(env.dir, 'app'), path.join(clone, 'app'), { recursive: true, filter: (s) => !s.includes(`${path.sep}.slipway`) });
    const other = path.join(clone, 'app', 'slipway.yaml');
    const a = env.spawnCli(['deploy', 'staging']);
    const b = cliWith(other, ['deploy', 'staging']);
    const [ra, rb] = await Promise.all([a.done, b]);
    const codes = [ra.code, rb.code].sort();
    assert.deepEqual(codes, [0, 1], ra.stdout + ra.stderr + rb.stdout + rb.stderr);
    const loser = ra.code === 1 ? ra : rb;
    assert.match(loser.stdout + loser.stderr, /holds the deploy lock: .*@/);
    await assertConverged();
  });

  test('a host key that is not the known one: refused (exit 1), both fingerprints and the fix shown, nothing changed on the VM', async () => {
    const keys = await mkdtemp(path.join(os.tmpdir(), 'slipway-keys-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(keys, 'other')]);
    const otherKey = (await readFile(path.join(keys, 'other.pub'), 'utf8')).trim().split(' ').slice(0, 2).join(' ');
    const knownHosts = path.join(keys, 'known_hosts');
    await writeFile(knownHosts, `${vm.address} ${otherKey}\n`);
    const wrong = await makeSshEnv(vm, { name: 'elsewhere', knownHosts });
    const r = await wrong.cli(['deploy', 'elsewhere']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const out = r.stdout + r.stderr;
    const fp = (pub: string) => execFileSync('ssh-keygen', ['-lf', '-'], { input: pub, encoding: 'utf8' }).split(' ')[1]!;
    assert.match(out, /HOST KEY CHANGED/);
    assert.ok(out.includes(fp(vm.hostKey)), `presented ${fp(vm.hostKey)} in: ${out}`);
    assert.ok(out.includes(fp(otherKey)), `expected ${fp(otherKey)} in: ${out}`);
    assert.match(out, /ssh-keygen -R/);
    assert.equal(existsSync(wrong.remoteDir), false, 'nothing was created on the VM');
    // Unknown host: refused with the fingerprint and how to trust it.
    await writeFile(knownHosts, '');
    const u = await wrong.cli(['deploy', 'elsewhere']);
    assert.equal(u.code, 1);
    assert.match(u.stdout + u.stderr, /not in known_hosts/);
    assert.ok((u.stdout + u.stderr).includes(fp(vm.hostKey)));
    assert.equal(existsSync(wrong.remoteDir), false);
    // hosts trust: shows the fingerprint and trusts nothing unconfirmed or mismatched, then trusts the confirmed key.
    const show = await wrong.cli(['hosts', 'trust', 'elsewhere']);
    assert.equal(show.code, 1);
    assert.ok(show.stdout.includes(`--fingerprint ${fp(vm.hostKey)}`), show.stdout);
    const bad = await wrong.cli(['hosts', 'trust', 'elsewhere', '--fingerprint', fp(otherKey)]);
    assert.equal(bad.code, 1);
    assert.equal(await readFile(knownHosts, 'utf8'), '', 'nothing trusted');
    const ok = await wrong.cli(['hosts', 'trust', 'elsewhere', '--fingerprint', fp(vm.hostKey)]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal((await readFile(knownHosts, 'utf8')).trim(), `${vm.address} ${vm.hostKey}`);
    const st = await wrong.cli(['status', 'elsewhere', '--json']);
    assert.equal(st.code, 0, st.stderr);
    assert.equal((JSON.parse(st.stdout) as { state: string }).state, 'not-deployed');
  });
});
