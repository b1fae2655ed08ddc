/**
 * Failures never reach users: a release that crashes on start or fails its health check
 * is never switched to; a migration that fails half-way leaves the database as it was;
 * two concurrent deploys → exactly one proceeds.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deployedEnv, servingVersion, dbQuery, releaseProcesses, type TestEnv } from '../helpers/local-env.js';
import { reportBrowser, seenSections } from '../helpers/browser.js';

let env: TestEnv;
let good: string;

const snapshot = async () => {
  const [row] = await dbQuery<{ n: string; sum: string; tables: string; migrations: string }>(
    env.stateDir,
    `SELECT (SELECT count(*) FROM products)::text AS n,
            (SELECT md5(string_agg(id::text || name || price_cents::text || coalesce(sku_hash, ''), ',' ORDER BY id)) FROM products) AS sum,
            (SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'public') AS tables,
            (SELECT string_agg(name, ',' ORDER BY name) FROM pgmigrations) AS migrations`,
  );
  return row!;
};

before(async () => {
  env = await deployedEnv();
  good = await servingVersion(env);
});
after(async () => {
  await env?.destroy();
});

test('a release that crashes on start is never switched to', async () => {
  const server = path.join(env.dir, 'app', 'src', 'server.ts');
  const original = await readFile(server, 'utf8');
  await writeFile(server, `if (process.env.NODE_ENV === 'production') { console.error('boom: cannot start'); process.exit(3); }\n${original}`);
  try {
    const r = await env.cli(['deploy', 'local']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /exited during start-up \(exit code 3\)/);
    assert.match(r.stderr, /boom: cannot start/);
    assert.match(r.stderr, /fix: Traffic was not switched/);
    assert.match(r.stdout, new RegExp(`local still serves release ${good}`));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(await servingVersion(env), good);
    assert.deepEqual([...(await releaseProcesses(env.stateDir)).values()], [good]);
  } finally {
    await writeFile(server, original);
  }
});

test('a release whose health check fails is never switched to', async () => {
  await env.editConfig((c) => {
    c.app.healthPath = '/health-does-not-exist';
    c.environments.local.healthTimeoutMs = 2000;
  });
  try {
    const r = await env.cli(['deploy', 'local']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /did not answer 2xx within 2s \(last: HTTP 404/);
    assert.equal(await servingVersion(env), good);
    assert.deepEqual([...(await releaseProcesses(env.stateDir)).values()], [good]);
    const list = JSON.parse((await env.cli(['releases', 'local', '--json'])).stdout) as { id: string; result: string; evidence?: string[] }[];
    const failed = list.find((x) => x.result === 'failed');
    assert.ok(failed?.evidence?.[0]?.includes('/health-does-not-exist'));
  } finally {
    await env.editConfig((c) => {
      c.app.healthPath = '/health';
      c.environments.local.healthTimeoutMs = 15000;
    });
  }
});

test('a migration that fails half-way leaves the database as it was; deploy --report draws the failed, undone run, seen in headless Chromium', async () => {
  const before = await snapshot();
  // Commits a schema change and a data change, then fails: only the backup can undo it.
  await writeFile(
    path.join(env.dir, 'app', 'scripts', 'bad-migration.mjs'),
    `import pg from 'pg';
const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
await c.connect();
await c.query('CREATE TABLE half_done (id int)');
await c.query("DELETE FROM products WHERE name < 'M'");
await c.query("UPDATE products SET price_cents = price_cents + 1");
await c.end();
console.error('migration 2 of 2 failed: relation "nope" does not exist');
process.exit(1);
`,
  );
  await env.editConfig((c) => {
    c.database.migrate = 'npm run migrate && node scripts/bad-migration.mjs';
  });
  try {
    const report = path.join(env.dir, 'failed-report.html');
    const r = await env.cli(['deploy', 'local', '--report', report]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /migrate command .* failed with exit code 1/);
    assert.match(r.stdout + r.stderr, /Database restored from/);
    const after = await snapshot();
    assert.deepEqual(after, before);
    assert.equal(await servingVersion(env), good);
    // The report of the failed run: the migration failed with its error, the steps after it never ran, the backup was undone.
    assert.match(r.stdout, /Report written to .*failed-report\.html/);
    const html = await readFile(report, 'utf8');
    assert.match(html, /data-outcome="undone"/);
    assert.match(html, /id="gantt-migrate" data-step="migrate" data-status="failed"/);
    for (const step of ['switch', 'verify', 'drain', 'finalize']) assert.match(html, new RegExp(`id="gantt-${step}" data-step="${step}" data-status="not-run"`), step);
    assert.match(html, /<tr data-step="migrate">[^]*?failed with exit code 1/);
    assert.match(html, /<tr data-step="backup">[^]*?undo/);
    assert.doesNotMatch(html, /id="gantt-commit"/, 'the commit point was never reached');
    assert.ok(!html.includes(env.secret), 'secret in the report');
    // As seen in headless Chromium: the failed step, the drawing of the environment, the preflight.
    const browser = await reportBrowser();
    try {
      const v = await browser.view(report, path.join(env.dir, 'failed-report.png'));
      assert.deepEqual(seenSections(v), []);
      assert.match(v.sections.timeline.text, /failed with exit code 1/);
      assert.match(v.sections.architecture.text, new RegExp(`stable port ${env.port}`));
      assert.match(v.sections.findings.text, /Preflight of .*: go/);
    } finally {
      await browser.close();
    }
  } finally {
    await env.editConfig((c) => {
      c.database.migrate = 'npm run migrate';
    });
  }
});

test('two concurrent deploys: exactly one proceeds, the other names the lock holder', async () => {
  const a = env.spawnCli(['deploy', 'local']);
  const b = env.spawnCli(['deploy', 'local']);
  const [ra, rb] = await Promise.all([a.done, b.done]);
  const codes = [ra.code, rb.code].sort();
  assert.deepEqual(codes, [0, 1], ra.stderr + rb.stderr);
  const loser = ra.code === 1 ? ra : rb;
  assert.match(loser.stderr, /holds the deploy lock: .*@.* \(pid \d+\)/);
  assert.match(loser.stderr, /--force-unlock/);
  const now = await servingVersion(env);
  assert.notEqual(now, good);
  assert.deepEqual([...(await releaseProcesses(env.stateDir)).values()], [now]);
});
