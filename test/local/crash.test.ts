/**
 * kill -9 at every step boundary of a deploy, then run the next command: it must
 * converge (undo before the switch, resume after it) with the app serving, one release
 * process, no lock and no unfinished journal.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { access, cp, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deployedEnv, get, releaseProcesses, dbQuery, type TestEnv } from '../helpers/local-env.js';
import { probeProcessesUnder } from '../helpers/procs.js';

let env: TestEnv;

before(async () => {
  env = await deployedEnv();
  // Deploy the prebuilt app from now on: the boundaries, not the TypeScript build, are under test.
  const status = JSON.parse((await env.cli(['status', 'local', '--json'])).stdout) as { activeRelease: string };
  await cp(path.join(env.stateDir, 'releases', status.activeRelease, 'app', 'dist'), path.join(env.dir, 'app', 'dist'), { recursive: true });
  await env.editConfig((c) => {
    delete c.app.build;
  });
});
after(async () => {
  await env?.destroy();
});

const BOUNDARIES = [
  'database:before',
  'database:after',
  'supervisor:after',
  'build:after',
  'backup:after',
  'migrate:after',
  'start:after',
  'health:after',
  'switch:after',
  'verify:after',
  'drain:after',
  'finalize:after',
];

for (const fp of BOUNDARIES) {
  test(`kill -9 at ${fp}, then deploy converges`, async () => {
    const killed = await env.cli(['deploy', 'local'], { env: { SLIPWAY_FAILPOINT: fp } });
    assert.equal(killed.signal, 'SIGKILL', `expected the failpoint to kill the CLI: ${killed.stdout}${killed.stderr}`);
    const next = await env.cli(['deploy', 'local']);
    assert.equal(next.code, 0, next.stdout + next.stderr);
    if (fp !== 'finalize:after') {
      const step = fp.split(':')[0]!;
      const resumed = ['switch', 'verify', 'drain'].includes(step) ? 'resumed' : 'undone';
      assert.match(next.stdout, new RegExp(`interrupted deploy was ${resumed}`), next.stdout);
    }
    const health = await get(`${env.url}/health`);
    assert.equal(health.status, 200);
    const version = (JSON.parse(health.body) as { version: string }).version;
    const status = JSON.parse((await env.cli(['status', 'local', '--json'])).stdout) as { activeRelease: string; state: string };
    assert.equal(status.state, 'serving');
    assert.equal(status.activeRelease, version);
    assert.deepEqual([...(await releaseProcesses(env.stateDir)).values()], [version], 'exactly one release process');
    await assert.rejects(access(path.join(env.stateDir, 'lock.json')), 'lock released');
    await assert.rejects(access(path.join(env.stateDir, 'journal', 'current.ndjson')), 'no unfinished run');
  });
}

test('kill -9 in the middle of a migration: the next command stops the orphaned migration and restores the database', async () => {
  const marker = path.join(env.dir, 'slow-migration.pid');
  await writeFile(
    path.join(env.dir, 'app', 'scripts', 'slow-migration.mjs'),
    `import { writeFileSync } from 'node:fs';
import pg from 'pg';
const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
await c.connect();
await c.query('CREATE TABLE IF NOT EXISTS half_migrated (id int)');
await c.end();
writeFileSync(${JSON.stringify(marker)}, String(process.pid));
setTimeout(() => process.exit(0), 120000);
`,
  );
  await env.editConfig((c) => {
    c.database.migrate = 'npm run migrate && node scripts/slow-migration.mjs';
  });
  try {
    const run = env.spawnCli(['deploy', 'local']);
    let pid = 0;
    for (let i = 0; i < 600 && !pid; i++) {
      pid = Number(await readFile(marker, 'utf8').catch(() => '0'));
      if (!pid) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(pid > 0, 'the migration started');
    process.kill(run.pid, 'SIGKILL');
    await run.done;
    assert.ok(isRunning(pid), 'the migration outlived the killed CLI');
    await env.editConfig((c) => {
      c.database.migrate = 'npm run migrate';
    });
    const next = await env.cli(['deploy', 'local']);
    assert.equal(next.code, 0, next.stdout + next.stderr);
    assert.match(next.stdout, /interrupted deploy was undone/);
    assert.equal(isRunning(pid), false, 'the orphaned migration was stopped by the undo');
    const tables = await dbQuery<{ n: string }>(env.stateDir, "SELECT count(*)::text AS n FROM information_schema.tables WHERE table_name = 'half_migrated'");
    assert.equal(tables[0]!.n, '0', 'the half-done migration was rolled back from the backup');
    assert.equal((await get(`${env.url}/health`)).status, 200);
  } finally {
    await env.editConfig((c) => {
      c.database.migrate = 'npm run migrate';
    });
  }
});

test('kill -9 while the health-without-database probe runs: the probe log is redacted, and the next command leaves no probe process and no probe files', async () => {
  const marker = path.join(env.dir, 'probe.pid');
  // The release as the probe starts it (SLIPWAY_PROBE set) prints the secret and never answers, so the probe keeps waiting.
  await writeFile(
    path.join(env.dir, 'app', 'scripts', 'probe-aware.mjs'),
    `import { writeFileSync } from 'node:fs';
if (process.env.SLIPWAY_PROBE) {
  console.log('probe sees JWT_SECRET=' + process.env.JWT_SECRET);
  writeFileSync(${JSON.stringify(marker)}, String(process.pid));
  setInterval(() => undefined, 1000);
} else {
  await import('../dist/server.js');
}
`,
  );
  let start = '';
  await env.editConfig((c) => {
    start = c.app.start as string;
    c.app.start = 'node scripts/probe-aware.mjs';
  });
  try {
    const run = env.spawnCli(['deploy', 'local']);
    let pid = 0;
    for (let i = 0; i < 600 && !pid; i++) {
      pid = Number(await readFile(marker, 'utf8').catch(() => '0'));
      if (!pid) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(pid > 0, 'the probe started');
    // The probe's output reaches its log through the redacting line filter, a moment after the marker.
    let text = '';
    for (let i = 0; i < 300 && !/probe sees/.test(text); i++) {
      const [log] = await probeLogs();
      text = log ? await readFile(log, 'utf8').catch(() => '') : '';
      if (!/probe sees/.test(text)) await new Promise((r) => setTimeout(r, 100));
    }
    process.kill(run.pid, 'SIGKILL');
    await run.done;
    assert.ok(isRunning(pid), 'the probe outlived the killed CLI');
    const logs = await probeLogs();
    assert.equal(logs.length, 1, 'the probe log is there while the probe runs');
    text = await readFile(logs[0]!, 'utf8');
    assert.match(text, /probe sees JWT_SECRET=\*{6}/);
    assert.ok(!text.includes(env.secret), 'the probe log is redacted');
    await env.editConfig((c) => {
      c.app.start = start;
    });
    const next = await env.cli(['deploy', 'local']);
    assert.equal(next.code, 0, next.stdout + next.stderr);
    assert.match(next.stdout, /interrupted deploy was (undone|resumed)/);
    assert.equal(isRunning(pid), false, 'the orphaned probe was stopped');
    assert.deepEqual(await probeProcesses(), []);
    assert.deepEqual(await probeLogs(), []);
    assert.equal((await get(`${env.url}/health`)).status, 200);
  } finally {
    await env.editConfig((c) => {
      c.app.start = start;
    });
  }
});

/** Probe logs left in any release of the environment. */
async function probeLogs(): Promise<string[]> {
  const releases = path.join(env.stateDir, 'releases');
  const out: string[] = [];
  for (const id of await readdir(releases)) {
    const file = path.join(releases, id, 'probe-health-db.log');
    if (await access(file).then(() => true, () => false)) out.push(file);
  }
  return out;
}

/** Pids of probe processes (marked SLIPWAY_PROBE) running from this environment. */
function probeProcesses(): Promise<number[]> {
  return probeProcessesUnder(env.stateDir);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
