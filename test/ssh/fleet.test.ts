/**
 * A fleet: one ssh environment with three hosts (three real sshd in three network namespaces,
 * each with its own directory) and an external PostgreSQL every host reaches (started by the
 * test on this machine's end of the first host's link; the other hosts get a route to it).
 * Waves `[1, 50%, 100%]`: one host, then the second, then the third. The real CLI deploys,
 * fails a deploy in the second wave, refuses a rollback while hosts serve different releases, and
 * recovers from a CLI killed in the second wave.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startFleet, type Fleet } from '../helpers/fleet.js';
import type { Vm } from '../helpers/vm.js';
import { vmReleaseProcesses, type SshEnv } from '../helpers/ssh-env.js';

let fleet: Fleet;
let vms: Vm[] = [];
let env: SshEnv;
const dirOf = (vm: Vm) => fleet.dirOf(vm);
const version = (vm: Vm) => fleet.version(vm);
const versions = () => fleet.versions();
const currentOf = (vm: Vm) => fleet.currentOf(vm);

before(async () => {
  fleet = await startFleet({ crashMarker: true });
  ({ vms, env } = fleet);
});

after(async () => {
  await fleet?.stop();
});

describe('ssh fleet: three hosts, waves [1, 50%, 100%], an external database', () => {
  let good = '';

  test('deploy puts one release (one artifact sha256) on every host; status shows each host serving it', async () => {
    const r = await env.cli(['deploy', 'production']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const served = await versions();
    good = served[0]!;
    assert.deepEqual(served, [good, good, good]);
    assert.deepEqual(await Promise.all(vms.map(currentOf)), [good, good, good]);
    const shas = await Promise.all(vms.map(async (v) => (JSON.parse(await readFile(path.join(dirOf(v), 'releases', good, 'release.json'), 'utf8')) as { details: { artifact: string } }).details.artifact));
    assert.equal(new Set(shas).size, 1);
    assert.ok(existsSync(path.join(dirOf(vms[1]!), 'artifacts', `${shas[0]}.tgz`)));
    // One lock and one journal: on the first host only.
    assert.ok(existsSync(path.join(dirOf(vms[0]!), 'journal')));
    assert.ok(!existsSync(path.join(dirOf(vms[1]!), 'journal')));
    const st = JSON.parse((await env.cli(['status', 'production', '--json'])).stdout) as { state: string; activeRelease: string; rows: { key: string; value: string }[] };
    assert.equal(st.state, 'serving');
    assert.equal(st.activeRelease, good);
    for (const v of vms) assert.equal(st.rows.find((x) => x.key.includes(v.address))?.value, `${good} (serving)`);
  });

  test('a release that crashes on start on the second host: the first host is switched back, the third never starts it, exit 1', async () => {
    await writeFile(path.join(dirOf(vms[1]!), 'crash-on-start'), '');
    const r = await env.cli(['deploy', 'production']);
    await rm(path.join(dirOf(vms[1]!), 'crash-on-start'));
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const list = JSON.parse((await env.cli(['releases', 'production', '--json'])).stdout) as { id: string; result: string }[];
    const bad = list.find((x) => x.id !== good && x.result === 'failed')?.id;
    assert.ok(bad, JSON.stringify(list));
    // Wave 1's host started it (and had switched to it before wave 2 failed); the third host never ran it.
    assert.ok(existsSync(path.join(dirOf(vms[0]!), 'logs', `app-${bad}.log`)));
    assert.ok(!existsSync(path.join(dirOf(vms[2]!), 'logs', `app-${bad}.log`)));
    assert.ok(!existsSync(path.join(dirOf(vms[2]!), 'releases', bad, 'app')));
    assert.deepEqual(await versions(), [good, good, good]);
    const st = JSON.parse((await env.cli(['status', 'production', '--json'])).stdout) as { state: string; activeRelease: string };
    assert.equal(st.state, 'serving');
    assert.equal(st.activeRelease, good);
  });

  test('rollback refuses while the hosts serve different releases, naming each host and its release; --to converges them, leaving alone the host that serves it', async () => {
    const next = await env.cli(['deploy', 'production']);
    assert.equal(next.code, 0, next.stdout + next.stderr);
    const second = await version(vms[0]!);
    assert.notEqual(second, good);
    // The third host alone rolls back (as its own environment): the hosts now serve different releases.
    const solo = await env.cli(['rollback', 'solo']);
    assert.equal(solo.code, 0, solo.stdout + solo.stderr);
    const third = good;
    assert.deepEqual(await versions(), [second, second, third]);

    const r = await env.cli(['rollback', 'production']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const out = r.stdout + r.stderr;
    assert.match(out, /serve different releases/);
    assert.ok(out.includes(`${vms[0]!.address}:22 → ${second}`), out);
    assert.ok(out.includes(`${vms[2]!.address}:22 → ${third}`), out);
    assert.match(out, /--to <id>/);
    assert.deepEqual(await versions(), [second, second, third]);

    const thirdPids = [...(await vmReleaseProcesses(dirOf(vms[2]!))).keys()];
    const to = await env.cli(['rollback', 'production', '--to', good]);
    assert.equal(to.code, 0, to.stdout + to.stderr);
    // The third host already served it and was left alone: the same process serves there.
    assert.deepEqual([...(await vmReleaseProcesses(dirOf(vms[2]!))).keys()], thirdPids);
    assert.deepEqual(await versions(), [good, good, good]);
    assert.deepEqual(await Promise.all(vms.map(currentOf)), [good, good, good]);
  });

  test('kill -9 of the CLI in wave 2 (the first host switched): the next deploy undoes it on every host first, then converges all three to one new release', async () => {
    const killed = await env.cli(['deploy', 'production'], { env: { SLIPWAY_FAILPOINT: 'h2/start:before' } });
    assert.equal(killed.signal, 'SIGKILL', killed.stdout + killed.stderr);
    const mid = await versions();
    assert.notEqual(mid[0], good, 'wave 1 had switched');
    assert.deepEqual(mid.slice(1), [good, good]);
    const r = await env.cli(['deploy', 'production']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /An earlier deploy \(.+\) was interrupted; finishing it first/);
    assert.match(r.stdout + r.stderr, /The interrupted deploy was undone/);
    const served = await versions();
    assert.equal(new Set(served).size, 1, served.join(' '));
    assert.ok(!([good, mid[0]] as string[]).includes(served[0]!), served.join(' '));
    assert.deepEqual(await Promise.all(vms.map(currentOf)), served);
  });
});
