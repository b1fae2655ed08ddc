/** Rules checked without a network: waves from counts and shares, `host` xor `hosts`, a managed database refused for a fleet, commands a fleet or an external database refuses before any host is contacted. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wavesOf } from '../../src/targets/machine/fleet.js';
import { sshTargetSchema } from '../../src/config/schema.js';
import { makeEnv } from '../helpers/local-env.js';
import { freePort } from '../../src/engine/net.js';

// The hosts below are ports on the loopback where nothing listens: a command that tried to reach one would fail
// with "Could not connect" (exit 1) at once, and no packet leaves this machine.
const closed = [await freePort(), await freePort()];
if (closed[0] === closed[1]) closed[1] = closed[0]! + 1;
const FLEET = closed.map((p) => `deploy@127.0.0.1:${p}`);
const fleetRe = (i: number) => FLEET[i]!.replace(/\./g, '\\.');

test('waves: cumulative counts and shares of the hosts; the last wave always reaches every host; empty waves are dropped', () => {
  assert.deepEqual(wavesOf(3, [1, '50%', '100%']), [[0], [1], [2]]);
  assert.deepEqual(wavesOf(10, [1, '50%', '100%']), [[0], [1, 2, 3, 4], [5, 6, 7, 8, 9]]);
  assert.deepEqual(wavesOf(4, [2]), [[0, 1], [2, 3]]);
  assert.deepEqual(wavesOf(2, [1, 1, '10%', 5]), [[0], [1]]);
  assert.deepEqual(wavesOf(3), [[0], [1, 2]], 'default: one host, then the rest');
  assert.deepEqual(wavesOf(1, [1, '50%', '100%']), [[0]]);
});

test('config: an ssh environment has `host` or `hosts`, not both and not neither; `rollout` needs `hosts`; hosts may carry their own dir', () => {
  const base = { target: 'ssh' as const };
  assert.ok(sshTargetSchema.safeParse({ ...base, host: 'deploy@a' }).success);
  assert.ok(sshTargetSchema.safeParse({ ...base, hosts: ['deploy@a', { address: 'b', user: 'deploy', dir: '/srv/b' }], rollout: { waves: [1, '50%', '100%'] } }).success);
  const both = sshTargetSchema.safeParse({ ...base, host: 'deploy@a', hosts: ['deploy@b'] });
  assert.equal(both.success, false);
  assert.match(JSON.stringify(both.error?.issues), /not both/);
  assert.equal(sshTargetSchema.safeParse(base).success, false);
  assert.equal(sshTargetSchema.safeParse({ ...base, host: 'deploy@a', rollout: { waves: [1] } }).success, false);
  assert.equal(sshTargetSchema.safeParse({ ...base, hosts: ['deploy@a'], rollout: { waves: ['150%'] } }).success, false);
});

test('a fleet with a database slipway would run on one machine is refused with exit 2 and the fix, before connecting to any host', async () => {
  const env = await makeEnv('production', { environment: { target: 'ssh', hosts: FLEET, port: 8080 } });
  const r = await env.cli(['status', 'production']);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /has 2 hosts but a database slipway runs on one machine/);
  assert.match(r.stderr, /mode: external/);
});

test('an interrupted run is finished only over the hosts it covered: a changed host list is refused (exit 2) before any host is reached', async () => {
  const { SshFleet } = await import('../../src/targets/ssh/fleet.js');
  const { SlipwayError } = await import('../../src/engine/errors.js');
  const unreachable = new Proxy({}, { get: () => () => Promise.reject(new Error('no host may be reached')) });
  const fleet = new SshFleet(unreachable as never);
  const envr = { name: 'production', database: undefined, target: { target: 'ssh', hosts: ['deploy@a', 'deploy@c'] } };
  const ctx = { envr } as never;
  await assert.rejects(
    fleet.planFor(ctx, 'deploy', { release: 'r1', hostNames: ['deploy@a', 'deploy@b'] }),
    (e: unknown) => e instanceof SlipwayError && e.key === 'fleet.hostsChanged' && e.exitCode === 2 && /deploy@a, deploy@b/.test(e.text()) && /deploy@a, deploy@c/.test(e.text()),
  );
});

test('db rotate-password on a fleet with an external database is refused with exit 2, where and what to do instead, before any host is contacted', async () => {
  const env = await makeEnv('production', { environment: { target: 'ssh', hosts: FLEET, port: 8080, database: { mode: 'external' } } });
  const r = await env.cli(['db', 'rotate-password', 'production'], { env: { DATABASE_URL: 'postgres://app:old@127.0.0.1:1/shop' } });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`\`slipway db rotate-password\` does not run on a fleet: environment production lists its machines under \`hosts:\` \\(${fleetRe(0)}, ${fleetRe(1)}\\)`));
  assert.match(r.stderr, /where: environments\.production\.hosts/);
  assert.match(r.stderr, /put the new URL in the secret DATABASE_URL and run `slipway deploy production`/);
  assert.doesNotMatch(r.stderr, /Could not connect|\n\s+at /);
});

test('db rotate-password on a one-host fleet whose database slipway runs is refused with exit 2 and names `host:` as the way to rotate there', async () => {
  const env = await makeEnv('production', { environment: { target: 'ssh', hosts: [FLEET[0]!], port: 8080 } });
  const r = await env.cli(['db', 'rotate-password', 'production']);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`does not run on a fleet: environment production lists its machines under \`hosts:\` \\(${fleetRe(0)}\\)`));
  assert.match(r.stderr, /write it as `host:` instead of `hosts:`/);
  assert.doesNotMatch(r.stderr, /Could not connect|no database slipway owns/);
});

test('db rehearse on a fleet is refused with exit 2, where and what to do instead, before any host is contacted', async () => {
  const env = await makeEnv('production', { environment: { target: 'ssh', hosts: FLEET, port: 8080, database: { mode: 'external' } } });
  const r = await env.cli(['db', 'rehearse', 'production'], { env: { DATABASE_URL: 'postgres://app:pw@127.0.0.1:1/shop' } });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /`slipway db rehearse` does not run on a fleet: environment production lists its machines under `hosts:`/);
  assert.match(r.stderr, /where: environments\.production\.hosts/);
  assert.match(r.stderr, new RegExp(`its backups are on its first host, ${fleetRe(0)}`));
  assert.doesNotMatch(r.stderr, /Could not connect|\n\s+at /);
});

test('the fleet refusal is in Chinese under --lang zh-CN', async () => {
  const env = await makeEnv('production', { environment: { target: 'ssh', hosts: FLEET, port: 8080, database: { mode: 'external' } } });
  const r = await env.cli(['--lang', 'zh-CN', 'db', 'rehearse', 'production'], { env: { DATABASE_URL: 'postgres://app:pw@127.0.0.1:1/shop' } });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /`slipway db rehearse` 不能在机群上运行/);
});

test('db rotate-password on a single VM with an external database is refused with exit 2 before the VM is contacted or the lock taken', async () => {
  const env = await makeEnv('production', { environment: { target: 'ssh', host: FLEET[0]!, port: 8080, database: { mode: 'external' } } });
  const r = await env.cli(['db', 'rotate-password', 'production'], { env: { DATABASE_URL: 'postgres://app:pw@127.0.0.1:1/shop' } });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /Environment production has no database slipway owns/);
  assert.match(r.stderr, /Rotate an external database where it is managed/);
  assert.doesNotMatch(r.stderr, /Could not connect|\n\s+at /);
});
