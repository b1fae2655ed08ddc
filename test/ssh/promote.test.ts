/**
 * Stages on VMs: `staging` on one VM, `production` a fleet of two (the first VM, another
 * directory and port, and a second VM), waves [1, 100%], an external PostgreSQL on this machine.
 * The real CLI promotes the artifact staging verified — the same bytes, asserted on every
 * production host's files — refuses a release staging did not verify or whose artifact is
 * gone, shows every host's log lines, and trusts every host's key.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fingerprint } from '../../src/host/known-hosts.js';
import { get } from '../helpers/local-env.js';
import { startVm, VM_USER, type Vm } from '../helpers/vm.js';
import { exampleNpmCache, makeSshEnv, type SshEnv } from '../helpers/ssh-env.js';
import { startExternalPg, type ExternalPg } from '../helpers/external-pg.js';
import { freePort } from '../../src/engine/net.js';

let vms: Vm[] = [];
let env: SshEnv;
let pg: ExternalPg | undefined;
let stagingPort = 0;

const prodDir = (vm: Vm) => path.join(vm.dir, 'srv', 'production');
const stagingDir = () => path.join(vms[0]!.dir, 'srv', 'staging');
const current = async (dir: string) => (await readFile(path.join(dir, 'current'), 'utf8').catch(() => '')).trim();
const record = async (dir: string, id: string) => JSON.parse(await readFile(path.join(dir, 'releases', id, 'release.json'), 'utf8')) as { result: string; details: { artifact: string }; promotedFrom?: { env: string; release: string } };
const sha256 = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');
const served = async (vm: Vm, port: number) => (JSON.parse((await get(`http://${vm.address}:${port}/health`)).body) as { version: string }).version;

before(async () => {
  vms = await Promise.all([startVm(), startVm()]);
  const [first, second] = vms as [Vm, Vm];
  pg = await startExternalPg(first);
  second.run(['ip', 'route', 'add', `${first.hostAddress}/32`, 'via', second.hostAddress]);
  const knownHosts = path.join(first.dir, 'keys', 'stages_known_hosts');
  await writeFile(knownHosts, vms.map((v) => `${v.address} ${v.hostKey}\n`).join(''), { mode: 0o600 });
  env = await makeSshEnv(first, { name: 'production', knownHosts, environment: { database: { mode: 'external' } } });
  stagingPort = await freePort();
  await env.editConfig((c) => {
    const e = c.environments.production;
    c.environments.staging = { ...e, port: stagingPort, dir: stagingDir() };
    delete e.host;
    delete e.dir;
    e.hosts = vms.map((v) => ({ address: v.address, user: VM_USER, dir: prodDir(v) }));
    e.rollout = { waves: [1, '100%'] };
    c.secrets = [...(c.secrets as string[]), 'DATABASE_URL'];
    // Built once here (dist/ goes into the artifact), so no host runs tsc.
    delete c.app.build;
  });
  const built = path.join(path.dirname(await exampleNpmCache()), 'app');
  if (!existsSync(path.join(built, 'dist', 'server.js'))) execFileSync('npm', ['run', 'build'], { cwd: built, stdio: 'ignore' });
  await cp(path.join(built, 'dist'), path.join(env.dir, 'app', 'dist'), { recursive: true });
  const dotenv = path.join(env.dir, 'app', '.env.production');
  const secrets = await readFile(dotenv, 'utf8');
  await writeFile(dotenv, `${secrets}DATABASE_URL=${pg.database('shop')}\n`, { mode: 0o600 });
  await writeFile(path.join(env.dir, 'app', '.env.staging'), `${secrets}DATABASE_URL=${pg.database('shop_staging')}\n`, { mode: 0o600 });
});

after(async () => {
  await Promise.all(vms.map((v) => v.stop()));
  await pg?.stop();
});

describe('promote staging → production over ssh; logs and hosts trust on a fleet', () => {
  let staged = '';
  let sha = '';
  let promoted = '';

  test('promote deploys to every production host the artifact staging verified: the same sha256 on their files, not a fresh pack of the changed working tree', async () => {
    const d = await env.cli(['deploy', 'staging']);
    assert.equal(d.code, 0, d.stdout + d.stderr);
    staged = await current(stagingDir());
    const rec = await record(stagingDir(), staged);
    assert.equal(rec.result, 'succeeded');
    sha = rec.details.artifact;
    // The working tree moves on after staging verified it: a promote must not pick that up.
    await writeFile(path.join(env.dir, 'app', 'CHANGED-AFTER-STAGING.txt'), 'not verified anywhere\n');

    const r = await env.cli(['promote', 'staging', 'production']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(r.stdout.includes(`Promoting staging/${staged}`), r.stdout);
    promoted = await current(prodDir(vms[0]!));
    assert.ok(promoted && promoted !== staged, promoted);
    const stagingBytes = await sha256(path.join(stagingDir(), 'artifacts', `${sha}.tgz`));
    assert.equal(stagingBytes, sha);
    for (const vm of vms) {
      assert.equal(await current(prodDir(vm)), promoted);
      const files = execFileSync('ls', [path.join(prodDir(vm), 'artifacts')], { encoding: 'utf8' }).trim().split('\n');
      assert.deepEqual(files, [`${sha}.tgz`], `${vm.address}: only staging's artifact`);
      assert.equal(await sha256(path.join(prodDir(vm), 'artifacts', `${sha}.tgz`)), stagingBytes);
      const prod = await record(prodDir(vm), promoted);
      assert.equal(prod.details.artifact, sha);
      assert.deepEqual(prod.promotedFrom, { env: 'staging', release: staged });
      assert.ok(!existsSync(path.join(prodDir(vm), 'releases', promoted, 'app', 'CHANGED-AFTER-STAGING.txt')));
      assert.equal(await served(vm, env.port), promoted);
    }
    const list = await env.cli(['releases', 'production']);
    assert.ok(list.stdout.includes(`promoted from staging/${staged}`), list.stdout);
  });

  test('promote refuses a release staging did not verify, one whose artifact is gone and one whose artifact changed; production is left as it was', async () => {
    await env.editConfig((c) => {
      c.environments.staging.verify = [{ path: '/health', status: 200 }, { path: '/no-such-route', status: 200 }];
    });
    const d = await env.cli(['deploy', 'staging']);
    await env.editConfig((c) => {
      delete c.environments.staging.verify;
    });
    assert.equal(d.code, 1, d.stdout + d.stderr);
    const list = JSON.parse((await env.cli(['releases', 'staging', '--json'])).stdout) as { id: string; result: string }[];
    const failed = list.find((x) => x.result === 'failed')!;
    assert.ok(failed, JSON.stringify(list));

    const r = await env.cli(['promote', 'staging', 'production', '--release', failed.id]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, new RegExp(`Release ${failed.id} of staging was not verified there \\(result: failed`));
    assert.match(r.stdout + r.stderr, /slipway deploy staging/);

    const art = path.join(stagingDir(), 'artifacts', `${sha}.tgz`);
    await rename(art, `${art}.away`);
    const gone = await env.cli(['promote', 'staging', 'production']);
    await rename(`${art}.away`, art);
    assert.equal(gone.code, 1, gone.stdout + gone.stderr);
    assert.match(gone.stdout + gone.stderr, new RegExp(`The artifact of staging's release ${staged} is no longer where it was kept`));

    const kept = await readFile(art);
    await writeFile(art, Buffer.concat([kept, Buffer.from('edited by hand')]));
    // Not the copy the first promote kept here (checked by its sha256 and reused): fetched again.
    await rm(path.join(env.dir, 'app', '.slipway', 'production', 'artifacts', `${sha}.tgz`), { force: true });
    const changed = await env.cli(['promote', 'staging', 'production']);
    await writeFile(art, kept);
    assert.equal(changed.code, 1, changed.stdout + changed.stderr);
    assert.match(changed.stdout + changed.stderr, new RegExp(`The copy of ${art} from ${VM_USER}@${vms[0]!.address}:\\d+ does not match: sha256 [0-9a-f]{64}, expected ${sha}`));
    assert.match(changed.stdout + changed.stderr, /The copy was not used\. If the file changed since slipway recorded it/);

    for (const vm of vms) {
      assert.equal(await current(prodDir(vm)), promoted);
      assert.equal(await served(vm, env.port), promoted);
    }
  });

  test('logs on a fleet shows every host\'s lines, each prefixed with its host', async () => {
    const r = await env.cli(['logs', 'production', '-n', '20']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const vm of vms) {
      const mine = r.stdout.split('\n').filter((l) => l.startsWith(`[${VM_USER}@${vm.address}:22] `));
      assert.ok(mine.some((l) => l.includes('listening on')), `${vm.address}: ${r.stdout}`);
    }
  });

  test('hosts trust on a fleet: shows every unknown host, trusts one named by host=fingerprint, a bare fingerprint only when one host is left', async () => {
    const file = path.join(vms[0]!.dir, 'keys', 'empty_known_hosts');
    await writeFile(file, '', { mode: 0o600 });
    await env.editConfig((c) => {
      c.environments.production.knownHostsFile = file;
    });
    const fp = (vm: Vm) => fingerprint(vm.hostKey.split(' ')[1]!);
    const [a, b] = vms as [Vm, Vm];

    const show = await env.cli(['hosts', 'trust', 'production']);
    assert.equal(show.code, 1, show.stdout + show.stderr);
    for (const vm of vms) assert.ok(show.stdout.includes(`--fingerprint ${vm.address}=${fp(vm)}`), show.stdout);
    const bare = await env.cli(['hosts', 'trust', 'production', '--fingerprint', fp(a)]);
    assert.equal(bare.code, 2, bare.stdout + bare.stderr);
    const wrong = await env.cli(['hosts', 'trust', 'production', '--fingerprint', `${a.address}=${fp(b)}`]);
    assert.equal(wrong.code, 1, wrong.stdout + wrong.stderr);
    assert.equal(await readFile(file, 'utf8'), '', 'nothing trusted yet');

    const one = await env.cli(['hosts', 'trust', 'production', '--fingerprint', `${a.address}=${fp(a)}`]);
    assert.equal(one.code, 1, one.stdout + one.stderr);
    assert.equal((await readFile(file, 'utf8')).trim(), `${a.address} ${a.hostKey}`);
    const last = await env.cli(['hosts', 'trust', 'production', '--fingerprint', fp(b)]);
    assert.equal(last.code, 0, last.stdout + last.stderr);
    assert.equal(await readFile(file, 'utf8'), `${a.address} ${a.hostKey}\n${b.address} ${b.hostKey}\n`);
    const st = JSON.parse((await env.cli(['status', 'production', '--json'])).stdout) as { state: string };
    assert.equal(st.state, 'serving');
  });
});
