/**
 * An ssh environment of the example app on a test VM (`vm.ts`): the real CLI deploys over
 * SSH to a real sshd in a network namespace. The namespace reaches no registry, so the
 * app installs from an npm cache filled here beforehand (`npm ci --prefer-offline`).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, cp, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/engine/net.js';
import { EXAMPLE, makeEnv, type TestEnv } from './local-env.js';
import { after, before } from 'node:test';
import { VM_USER, startVm, type Vm } from './vm.js';
import { releaseProcessesUnder } from './procs.js';

let cache: Promise<string> | undefined;

/** An npm cache holding the example's dependencies, readable and writable by the VM's service user. */
export function exampleNpmCache(): Promise<string> {
  cache ??= (async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-npmcache-'));
    const app = path.join(dir, 'app');
    await cp(EXAMPLE, app, { recursive: true, filter: (src) => !/node_modules|\.slipway|dist/.test(path.relative(EXAMPLE, src)) });
    execFileSync('npm', ['ci', '--cache', path.join(dir, 'cache'), '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: app, stdio: 'ignore' });
    execFileSync('chmod', ['-R', 'a+rwX', dir]);
    await chmod(dir, 0o777);
    return path.join(dir, 'cache');
  })();
  return cache;
}

export interface SshEnv extends TestEnv {
  vm: Vm;
  /** The environment's directory on the VM. */
  remoteDir: string;
}

export async function makeSshEnv(vm: Vm, opts: { name?: string; secret?: string; knownHosts?: string; environment?: Record<string, unknown> } = {}): Promise<SshEnv> {
  const name = opts.name ?? 'staging';
  const port = await freePort();
  const npmCache = await exampleNpmCache();
  const remoteDir = path.join(vm.dir, 'srv', name);
  const env = await makeEnv(name, {
    environment: {
      target: 'ssh',
      host: `${VM_USER}@${vm.address}`,
      identityFile: vm.identityFile,
      knownHostsFile: opts.knownHosts ?? vm.knownHosts,
      port,
      bind: '0.0.0.0',
      dir: remoteDir,
      lockTtlMs: 3000,
      healthTimeoutMs: 30000,
      drainTimeoutMs: 5000,
      env: { HOST: '127.0.0.1' },
      ...opts.environment,
    },
    url: `http://${vm.address}:${port}`,
    stateDir: remoteDir,
    ...(opts.secret ? { secret: opts.secret } : {}),
    app: (a) => {
      a.install = `npm ci --prefer-offline --no-audit --no-fund --cache ${npmCache}`;
    },
  });
  return { ...env, vm, remoteDir, port };
}

/** Processes of the environment on the VM (their cwd is under its releases), by pid → release. */
export function vmReleaseProcesses(remoteDir: string): Promise<Map<number, string>> {
  return releaseProcessesUnder(path.join(remoteDir, 'releases'));
}

export { commandLinesContaining } from './procs.js';

/**
 * One VM with the example deployed to `staging` through the CLI, for the test file that calls
 * this at its top level: started in `before`, stopped in `after`. `.env` is set once `before` ran.
 */
export function deployedSshEnv(): { readonly env: SshEnv } {
  const file: { env?: SshEnv } = {};
  before(async () => {
    const vm = await startVm();
    file.env = await makeSshEnv(vm);
    const r = await file.env.cli(['deploy', 'staging']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
  after(async () => {
    await file.env?.vm.stop();
  });
  return {
    get env(): SshEnv {
      if (!file.env) throw new Error('deployedSshEnv: the VM is not up yet (use it inside a test or a later hook)');
      return file.env;
    },
  };
}
