/**
 * A fleet under load and with a cut link (three real sshd in three network namespaces, an
 * external PostgreSQL: test/helpers/fleet.ts). A keep-alive-free round-robin over the three
 * stable ports runs through a wave deploy and a rollback and must lose no request. Then the
 * link of the third host goes down as its wave starts: the run fails safely (the hosts already
 * switched are switched back), and once the link is up the next deploy converges all three.
 * The preflight's host checks run on every host.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { get } from '../helpers/local-env.js';
import { startFleet, type Fleet } from '../helpers/fleet.js';
import { vmReleaseProcesses } from '../helpers/ssh-env.js';

let fleet: Fleet;

before(async () => {
  fleet = await startFleet();
});

after(async () => {
  await fleet?.stop();
});

/**
 * Requests round-robin over `urls`, each on a fresh connection, at most `concurrency` at a time,
 * until stopped. Lost: any non-2xx answer or connection error.
 */
function roundRobin(urls: string[], concurrency: number): { stop(): Promise<{ total: number; lost: number; errors: string[] }> } {
  let total = 0;
  let lost = 0;
  let running = true;
  const errors: string[] = [];
  const worker = async (w: number) => {
    for (let i = w; running; i += concurrency) {
      const url = urls[i % urls.length]!;
      total++;
      try {
        // A slow answer on a loaded machine is not a lost one: 30 s before it counts as an error.
        const r = await get(url, undefined, 30_000);
        if (r.status < 200 || r.status > 299) {
          lost++;
          errors.push(`${url}: HTTP ${r.status} ${r.body.slice(0, 120)}`);
        }
      } catch (e) {
        lost++;
        errors.push(`${url}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  };
  const workers = Array.from({ length: concurrency }, (_, w) => worker(w));
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
      return { total, lost, errors };
    },
  };
}

describe('ssh fleet: load over the three stable ports, and a cut link', () => {
  let good = '';

  test('a wave deploy and a rollback under a round-robin load over the three stable ports lose 0 of ≥ 5,000 requests', async (t) => {
    const { env, vms } = fleet;
    const first = await env.cli(['deploy', 'production']);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    good = (await fleet.versions())[0]!;
    // The preflight's host checks ran on each host, each finding naming it; the stable port is each host's own supervisor's.
    const check = await env.cli(['check', 'production', '--json']);
    const findings = (JSON.parse(check.stdout) as { findings: { id: string; severity: string; subject?: string; title: string }[] }).findings;
    for (const v of vms) {
      const port = findings.find((f) => f.id === 'host.port' && f.subject?.includes(v.address));
      assert.equal(port?.severity, 'passed', JSON.stringify(findings.filter((f) => f.id === 'host.port')));
      assert.ok(port.title.includes(v.address), port.title);
      assert.ok(findings.some((f) => f.id === 'host.disk' && f.subject?.includes(v.address)));
    }

    const load = roundRobin(vms.map((v) => `${fleet.urlOf(v)}/health`), 6);
    const deploy = await env.cli(['deploy', 'production']);
    const next = deploy.code === 0 ? await fleet.versions() : [];
    const rollback = deploy.code === 0 ? await env.cli(['rollback', 'production']) : undefined;
    const { total, lost, errors } = await load.stop();
    t.diagnostic(`${total} requests over the deploy and the rollback, ${lost} lost`);
    assert.equal(deploy.code, 0, deploy.stdout + deploy.stderr);
    assert.equal(rollback?.code, 0, (rollback?.stdout ?? '') + (rollback?.stderr ?? ''));
    assert.equal(new Set(next).size, 1, next.join(' '));
    assert.notEqual(next[0], good);
    assert.deepEqual(await fleet.versions(), [good, good, good]);
    assert.equal(lost, 0, `${lost} of ${total} lost:\n${errors.slice(0, 10).join('\n')}`);
    assert.ok(total >= 5000, `only ${total} requests were sent`);
  });

  test('the third host\'s link is cut as its wave starts: exit 1 naming the host, hosts 1–2 switched back; with the link up the next deploy converges all three', async () => {
    const { env, vms } = fleet;
    const third = vms[2]!;
    let cut = false;
    let buf = '';
    const run = env.spawnCli(['deploy', 'production', '--json'], {
      onStdout: (chunk) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (cut || !line.startsWith('{')) continue;
          const e = JSON.parse(line) as { type?: string; step?: string };
          if (e.type === 'step:start' && e.step === 'h3/start') {
            cut = true;
            third.linkDown();
          }
        }
      },
    });
    const r = await run.done;
    try {
      assert.ok(cut, `the third host's wave never started:\n${r.stdout}${r.stderr}`);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const out = r.stdout + r.stderr;
      assert.ok(out.includes(third.address), out);
      assert.match(out, /connection .*lost|no answer|unreachable/i);
      // Hosts 1–2 had switched to the new release in waves 1 and 2: both serve the old one again.
      assert.deepEqual(await Promise.all(vms.slice(0, 2).map(fleet.version)), [good, good]);
      assert.deepEqual(await Promise.all(vms.slice(0, 2).map(fleet.currentOf)), [good, good]);
    } finally {
      third.linkUp();
    }
    // The third host never switched.
    assert.equal(await fleet.version(third), good);
    const again = await env.cli(['deploy', 'production']);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    const served = await fleet.versions();
    assert.equal(new Set(served).size, 1, served.join(' '));
    assert.notEqual(served[0], good);
    assert.deepEqual(await Promise.all(vms.map(fleet.currentOf)), served);
    // Each host runs that one release (nothing the cut-off run started is left behind on the third host).
    for (const v of vms) assert.deepEqual([...new Set((await vmReleaseProcesses(fleet.dirOf(v))).values())], [served[0]], v.address);
    const st = JSON.parse((await env.cli(['status', 'production', '--json'])).stdout) as { state: string; activeRelease: string };
    assert.equal(st.state, 'serving');
    assert.equal(st.activeRelease, served[0]);
  });
});
