/**
 * A fleet: one ssh environment with three hosts (three real sshd in three network namespaces,
 * each with its own directory) and an external PostgreSQL every host reaches (started by the
 * test on this machine's end of the first host's link; the other hosts get a route to it).
 * Waves `[1, 50%, 100%]`: one host, then the second, then the third. The real CLI deploys,
 * fails a deploy in the second wave, and refuses a rollback while hosts serve different releases.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/engine/net.js';
import { get } from '../helpers/local-env.js';
import { startVm, VM_USER, type Vm } from '../helpers/vm.js';
import { makeSshEnv, type SshEnv } from '../helpers/ssh-env.js';

const BIN = '/usr/lib/postgresql/15/bin';
const PASSWORD = `fleet-${Date.now()}-pw`;
let vms: Vm[] = [];
let env: SshEnv;
let pgRoot: string;
let pgData: string;

const dirOf = (vm: Vm) => path.join(vm.dir, 'srv', 'production');
const urlOf = (vm: Vm) => `http://${vm.address}:${env.port}`;
const version = async (vm: Vm) => (JSON.parse((await get(`${urlOf(vm)}/health`)).body) as { version: string }).version;
const versions = () => Promise.all(vms.map(version));
const currentOf = async (vm: Vm) => (await readFile(path.join(dirOf(vm), 'current'), 'utf8').catch(() => '')).trim();
const asPostgres = (argv: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', ...argv], { encoding: 'utf8', cwd: '/' });

before(async () => {
  vms = await Promise.all([startVm(), startVm(), startVm()]);
  const [first, ...rest] = vms as [Vm, Vm, Vm];
  // The external database: on this machine's end of the first host's link; the others route to it.
  pgRoot = await mkdtemp(path.join(os.tmpdir(), 'slipway-fleetpg-'));
  await chmod(pgRoot, 0o755);
  pgData = path.join(pgRoot, 'data');
  execFileSync('chown', ['postgres', pgRoot]);
  const pw = path.join(pgRoot, 'pw');
  await writeFile(pw, `${PASSWORD}\n`, { mode: 0o600 });
  execFileSync('chown', ['postgres', pw]);
  asPostgres([`${BIN}/initdb`, '-D', pgData, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pw}`, '-E', 'UTF8', '--locale=C']);
  await appendFile(path.join(pgData, 'pg_hba.conf'), 'host all all 10.231.0.0/16 scram-sha-256\n');
  const pgPort = await freePort();
  asPostgres([`${BIN}/pg_ctl`, '-D', pgData, '-l', path.join(pgRoot, 'log'), '-o', `-c listen_addresses=${first.hostAddress} -c port=${pgPort} -c unix_socket_directories=''`, '-w', 'start']);
  execFileSync(`${BIN}/psql`, ['-X', '-h', first.hostAddress, '-p', String(pgPort), '-U', 'postgres', '-d', 'postgres', '-c', `CREATE ROLE shop LOGIN PASSWORD '${PASSWORD}'`, '-c', 'CREATE DATABASE shop OWNER shop'], {
    env: { ...process.env, PGPASSWORD: PASSWORD },
  });
  for (const vm of rest) vm.run(['ip', 'route', 'add', `${first.hostAddress}/32`, 'via', vm.hostAddress]);

  const knownHosts = path.join(first.dir, 'keys', 'fleet_known_hosts');
  await writeFile(knownHosts, vms.map((v) => `${v.address} ${v.hostKey}\n`).join(''), { mode: 0o600 });
  env = await makeSshEnv(first, { name: 'production', knownHosts, environment: { database: { mode: 'external' } } });
  await env.editConfig((c) => {
    const e = c.environments.production;
    delete e.host;
    delete e.dir;
    e.hosts = vms.map((v) => ({ address: v.address, user: VM_USER, dir: dirOf(v) }));
    e.rollout = { waves: [1, '50%', '100%'] };
    c.secrets = [...(c.secrets as string[]), 'DATABASE_URL'];
    // A host with `crash-on-start` in its directory cannot start a release (the fault the second wave meets).
    c.app.start = '[ ! -e ../../../crash-on-start ] && exec node dist/server.js';
    // The third host alone, as its own environment (same directory): a way to make the hosts' releases differ.
    c.environments.solo = { ...e, host: `${VM_USER}@${vms[2]!.address}`, dir: dirOf(vms[2]!) };
    delete c.environments.solo.hosts;
    delete c.environments.solo.rollout;
  });
  const dotenv = path.join(env.dir, 'app', '.env.production');
  await appendFile(dotenv, `DATABASE_URL=postgres://shop:${PASSWORD}@${first.hostAddress}:${pgPort}/shop\n`);
  await copyFile(dotenv, path.join(env.dir, 'app', '.env.solo'));
});

after(async () => {
  if (pgData) execFileSync('runuser', ['-u', 'postgres', '--', `${BIN}/pg_ctl`, '-D', pgData, '-m', 'immediate', 'stop'], { stdio: 'ignore', cwd: '/' });
  await Promise.all(vms.map((v) => v.stop()));
  if (pgRoot) await rm(pgRoot, { recursive: true, force: true });
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

  test('rollback refuses while the hosts serve different releases, naming each host and its release; --to converges them', async () => {
    const next = await env.cli(['deploy', 'production']);
    assert.equal(next.code, 0, next.stdout + next.stderr);
    const second = await version(vms[0]!);
    assert.notEqual(second, good);
    const solo = await env.cli(['deploy', 'solo']);
    assert.equal(solo.code, 0, solo.stdout + solo.stderr);
    const third = await version(vms[2]!);
    assert.deepEqual(await versions(), [second, second, third]);

    const r = await env.cli(['rollback', 'production']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const out = r.stdout + r.stderr;
    assert.match(out, /serve different releases/);
    assert.ok(out.includes(`${vms[0]!.address}:22 → ${second}`), out);
    assert.ok(out.includes(`${vms[2]!.address}:22 → ${third}`), out);
    assert.match(out, /--to <id>/);
    assert.deepEqual(await versions(), [second, second, third]);

    const to = await env.cli(['rollback', 'production', '--to', good]);
    assert.equal(to.code, 0, to.stdout + to.stderr);
    assert.deepEqual(await versions(), [good, good, good]);
    assert.deepEqual(await Promise.all(vms.map(currentOf)), [good, good, good]);
  });
});
