/**
 * The ssh target end to end: the real CLI deploys the example app over SSH to a real sshd in
 * a network namespace (a test VM), with slipway's PostgreSQL on the VM; status, releases,
 * logs, rollback and destroy work against it; secrets stay out of files and command lines.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { filesContaining, get, type CliResult } from '../helpers/local-env.js';
import { startVm, type Vm } from '../helpers/vm.js';
import { commandLinesContaining, makeSshEnv, vmReleaseProcesses, type SshEnv } from '../helpers/ssh-env.js';

const CANARY = `ca$nary "quoted' value ${Date.now()}`;

let vm: Vm;
let env: SshEnv;
const outputs: CliResult[] = [];
const cli = async (args: string[]) => {
  const r = await env.cli(args);
  outputs.push(r);
  return r;
};

before(async () => {
  vm = await startVm();
  env = await makeSshEnv(vm, { secret: CANARY });
});
after(async () => {
  await vm?.stop();
});

describe('ssh target', () => {
  test('deploy serves the example on the VM: /health 200 and products with rows; status says serving', async () => {
    const r = await cli(['deploy', 'staging']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const health = await get(`${env.url}/health`);
    assert.equal(health.status, 200, health.body);
    const products = JSON.parse((await get(`${env.url}/api/products?limit=5`)).body) as { items: unknown[] };
    assert.equal(products.items.length, 5);
    const st = JSON.parse((await cli(['status', 'staging', '--json'])).stdout) as { state: string; activeRelease: string };
    assert.equal(st.state, 'serving');
    assert.deepEqual([...(await vmReleaseProcesses(env.remoteDir)).values()], [st.activeRelease]);
  });
});
