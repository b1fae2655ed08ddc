/**
 * A fleet of test VMs: three real sshd in three network namespaces (vm.ts), each with its own
 * directory, and an external PostgreSQL every host reaches (started on this machine's end of
 * the first host's link; the other hosts get a route to it). One ssh environment `production`
 * with `hosts:` and waves `[1, 50%, 100%]`, plus `solo` (the third host alone, same directory).
 * The app is built once here (dist/ goes into the artifact), so the hosts do not each run tsc.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, chmod, copyFile, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/engine/net.js';
import { get } from './local-env.js';
import { startVm, VM_USER, type Vm } from './vm.js';
import { exampleNpmCache, makeSshEnv, type SshEnv } from './ssh-env.js';

const BIN = '/usr/lib/postgresql/15/bin';

export interface Fleet {
  vms: Vm[];
  env: SshEnv;
  /** The environment's directory of a host. */
  dirOf(vm: Vm): string;
  /** A host's stable URL. */
  urlOf(vm: Vm): string;
  /** The release a host serves (its /health). */
  version(vm: Vm): Promise<string>;
  versions(): Promise<string[]>;
  /** A host's `current` release file. */
  currentOf(vm: Vm): Promise<string>;
  stop(): Promise<void>;
}

const asPostgres = (argv: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', ...argv], { encoding: 'utf8', cwd: '/' });

export async function startFleet(opts: { hosts?: number; crashMarker?: boolean } = {}): Promise<Fleet> {
  const password = `fleet-${Date.now()}-pw`;
  const vms = await Promise.all(Array.from({ length: opts.hosts ?? 3 }, () => startVm()));
  let pgData = '';
  let pgRoot = '';
  const stop = async () => {
    if (pgData) execFileSync('runuser', ['-u', 'postgres', '--', `${BIN}/pg_ctl`, '-D', pgData, '-m', 'immediate', 'stop'], { stdio: 'ignore', cwd: '/' });
    await Promise.all(vms.map((v) => v.stop()));
    if (pgRoot) await rm(pgRoot, { recursive: true, force: true });
  };
  try {
    const [first, ...rest] = vms as [Vm, ...Vm[]];
    pgRoot = await mkdtemp(path.join(os.tmpdir(), 'slipway-fleetpg-'));
    await chmod(pgRoot, 0o755);
    execFileSync('chown', ['postgres', pgRoot]);
    const pw = path.join(pgRoot, 'pw');
    await writeFile(pw, `${password}\n`, { mode: 0o600 });
    execFileSync('chown', ['postgres', pw]);
    const data = path.join(pgRoot, 'data');
    asPostgres([`${BIN}/initdb`, '-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pw}`, '-E', 'UTF8', '--locale=C']);
    await appendFile(path.join(data, 'pg_hba.conf'), 'host all all 10.231.0.0/16 scram-sha-256\n');
    const pgPort = await freePort();
    asPostgres([`${BIN}/pg_ctl`, '-D', data, '-l', path.join(pgRoot, 'log'), '-o', `-c listen_addresses=${first.hostAddress} -c port=${pgPort} -c unix_socket_directories=''`, '-w', 'start']);
    pgData = data;
    execFileSync(`${BIN}/psql`, ['-X', '-h', first.hostAddress, '-p', String(pgPort), '-U', 'postgres', '-d', 'postgres', '-c', `CREATE ROLE shop LOGIN PASSWORD '${password}'`, '-c', 'CREATE DATABASE shop OWNER shop'], {
      env: { ...process.env, PGPASSWORD: password },
    });
    for (const vm of rest) vm.run(['ip', 'route', 'add', `${first.hostAddress}/32`, 'via', vm.hostAddress]);

    const dirOf = (vm: Vm) => path.join(vm.dir, 'srv', 'production');
    const knownHosts = path.join(first.dir, 'keys', 'fleet_known_hosts');
    await writeFile(knownHosts, vms.map((v) => `${v.address} ${v.hostKey}\n`).join(''), { mode: 0o600 });
    const env = await makeSshEnv(first, { name: 'production', knownHosts, environment: { database: { mode: 'external' } } });
    const last = vms[vms.length - 1]!;
    await env.editConfig((c) => {
      const e = c.environments.production;
      delete e.host;
      delete e.dir;
      e.hosts = vms.map((v) => ({ address: v.address, user: VM_USER, dir: dirOf(v) }));
      e.rollout = { waves: [1, '50%', '100%'] };
      c.secrets = [...(c.secrets as string[]), 'DATABASE_URL'];
      // A host with `crash-on-start` in its directory cannot start a release.
      if (opts.crashMarker) c.app.start = '[ ! -e ../../../crash-on-start ] && exec node dist/server.js';
      // Built once here (dist/ goes into the artifact), so the hosts do not each run tsc: the fleet's steps are what is tested.
      delete c.app.build;
      // The last host alone, as its own environment (same directory): a way to make the hosts' releases differ.
      c.environments.solo = { ...e, host: `${VM_USER}@${last.address}`, dir: dirOf(last) };
      delete c.environments.solo.hosts;
      delete c.environments.solo.rollout;
    });
    const built = path.join(path.dirname(await exampleNpmCache()), 'app');
    if (!existsSync(path.join(built, 'dist', 'server.js'))) execFileSync('npm', ['run', 'build'], { cwd: built, stdio: 'ignore' });
    await cp(path.join(built, 'dist'), path.join(env.dir, 'app', 'dist'), { recursive: true });
    const dotenv = path.join(env.dir, 'app', '.env.production');
    await appendFile(dotenv, `DATABASE_URL=postgres://shop:${password}@${first.hostAddress}:${pgPort}/shop\n`);
    await copyFile(dotenv, path.join(env.dir, 'app', '.env.solo'));

    const urlOf = (vm: Vm) => `http://${vm.address}:${env.port}`;
    const version = async (vm: Vm) => (JSON.parse((await get(`${urlOf(vm)}/health`)).body) as { version: string }).version;
    return {
      vms,
      env,
      dirOf,
      urlOf,
      version,
      versions: () => Promise.all(vms.map(version)),
      currentOf: async (vm) => (await readFile(path.join(dirOf(vm), 'current'), 'utf8').catch(() => '')).trim(),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
