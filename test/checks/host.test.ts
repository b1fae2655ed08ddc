import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { listenersOf, loadPercent, memoryPercent, parseDf } from '../../src/checks/host.js';
import type { ExecOptions, ExecResult, Host } from '../../src/host/types.js';
import { LocalHost } from '../../src/host/local.js';
import { freePort, one, preflight, setup } from './helpers.js';

/** The real local host with a few answers replaced (to force the failing paths). */
class TweakedHost extends LocalHost {
  constructor(private readonly files: Record<string, string> = {}, private readonly execEnv: Record<string, string> = {}, private readonly noSs = false) {
    super();
  }
  override async readFile(p: string): Promise<string | undefined> {
    return this.files[p] ?? super.readFile(p);
  }
  override exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.noSs && argv[0] === 'ss') return Promise.resolve({ code: 127, stdout: '', stderr: 'not found' });
    return super.exec(argv, { ...opts, env: { ...opts.env, ...this.execEnv } });
  }
}

const hostRun = async (environment: Record<string, unknown>, host?: Host, ownPids: number[] = []) => {
  const s = await setup({ environment });
  return preflight(s, { areas: ['host'], ...(host ? { host } : {}), ownPids });
};

describe('host (real local host)', () => {
  let holder: net.Server;
  let heldPort: number;
  before(async () => {
    heldPort = await freePort();
    holder = net.createServer();
    await new Promise<void>((r) => holder.listen(heldPort, '127.0.0.1', () => r()));
  });
  after(() => new Promise<void>((r) => holder.close(() => r())));

  it('parses /proc and df output', () => {
    assert.equal(loadPercent('1.00 0.50 0.20 1/100 42', 2), 50);
    const mem = memoryPercent(readFileSync('/proc/meminfo', 'utf8'));
    assert.ok(mem && mem.percent >= 0 && mem.percent <= 100 && mem.totalMb > 0);
    assert.deepEqual(parseDf('Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/x 1000 900 100 90% /\n'), { freeKb: 100, sizeKb: 1000, freePercent: 10, mount: '/' });
    const l = listenersOf('LISTEN 0 511 127.0.0.1:8080 0.0.0.0:* users:(("node",pid=42,fd=20))\nLISTEN 0 5 [::]:22 [::]:*\n', 8080);
    assert.deepEqual(l, { listening: true, pids: [42], procs: ['node'] });
  });

  it('cpu and memory: pass under thresholds; high load warns, high memory blocks', async () => {
    const calm = new TweakedHost({ '/proc/loadavg': '0.01 0.01 0.01 1/100 1\n' });
    const r = await hostRun({ check: { maxMemoryPercent: 100 } }, calm);
    assert.equal(one(r, 'host.cpu').severity, 'passed');
    assert.equal(one(r, 'host.memory').severity, 'passed');
    const busy = new TweakedHost({ '/proc/loadavg': '64.00 30.00 10.00 9/100 1\n' });
    const b = await hostRun({ check: { maxMemoryPercent: 1 } }, busy);
    assert.equal(one(b, 'host.cpu').severity, 'warning', 'load is a warning: a busy CI box is not a reason to refuse');
    assert.match(one(b, 'host.cpu').title, /3200%/);
    assert.equal(one(b, 'host.memory').severity, 'blocker', 'the real host uses more than 1% of its memory');
  });

  it('disk: real df on the state dir passes low thresholds and blocks impossible ones', async () => {
    const r = await hostRun({ check: { minDiskFreeGb: 0, minDiskFreePercent: 0 } });
    assert.equal(one(r, 'host.disk').severity, 'passed');
    const b = await hostRun({ check: { minDiskFreeGb: 1e9 } });
    const f = one(b, 'host.disk');
    assert.equal(f.severity, 'blocker');
    assert.match(f.evidence, /GB/);
  });

  it('port: free passes, held by us passes with ownPids, held by another blocks (ss and bind fallback)', async () => {
    const free = await freePort();
    assert.equal(one(await hostRun({ port: free }), 'host.port').severity, 'passed');
    const own = one(await hostRun({ port: heldPort }, undefined, [process.pid]), 'host.port');
    assert.equal(own.severity, 'passed');
    assert.match(own.title, /this environment/);
    const other = one(await hostRun({ port: heldPort }), 'host.port');
    assert.equal(other.severity, 'blocker');
    assert.match(other.evidence, new RegExp(String(process.pid)));
    const noSs = new TweakedHost({}, {}, true);
    assert.equal(one(await hostRun({ port: heldPort }, noSs), 'host.port').severity, 'blocker');
    assert.equal(one(await hostRun({ port: free }, noSs), 'host.port').severity, 'passed');
  });

  it('node and npm on the non-interactive PATH; process manager built in for local', async () => {
    const r = await hostRun({});
    assert.equal(one(r, 'host.node').severity, 'passed');
    assert.equal(one(r, 'host.npm').severity, 'passed');
    assert.equal(one(r, 'host.process-manager').severity, 'info');
    const noPath = new TweakedHost({}, { PATH: '/nonexistent' });
    assert.equal(one(await hostRun({}, noPath), 'host.npm').severity, 'blocker');
  });
});
