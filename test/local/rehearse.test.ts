/**
 * `slipway db rehearse` on the local target, through the CLI, against real PostgreSQL: a
 * migration that fails on the real data (SET NOT NULL on a column with NULLs) is caught on
 * a throwaway copy, and a deploy that requires a rehearsal stops before it touches the
 * database.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deployedEnv, dbQuery, type TestEnv } from '../helpers/local-env.js';

let env: TestEnv;
const MIGRATION = '1710000000300_sku_hash_not_null.sql';
const STATEMENT = 'ALTER TABLE products ALTER COLUMN sku_hash SET NOT NULL';

before(async () => {
  env = await deployedEnv();
  // The live data: a row the new migration cannot accept.
  await dbQuery(env.stateDir, "INSERT INTO products (name, price_cents, sku_hash) VALUES ('Unlabelled Bun', 100, NULL)");
  await writeFile(path.join(env.dir, 'app', 'migrations', MIGRATION), `-- Up Migration\n${STATEMENT};\n\n-- Down Migration\nALTER TABLE products ALTER COLUMN sku_hash DROP NOT NULL;\n`);
});
after(async () => {
  await env?.destroy();
});

async function realSchema(): Promise<{ nullable: string; applied: string[]; nulls: string }> {
  const [col] = await dbQuery<{ is_nullable: string }>(env.stateDir, "SELECT is_nullable FROM information_schema.columns WHERE table_name = 'products' AND column_name = 'sku_hash'");
  const applied = await dbQuery<{ name: string }>(env.stateDir, 'SELECT name FROM pgmigrations ORDER BY name');
  const [n] = await dbQuery<{ n: string }>(env.stateDir, 'SELECT count(*)::text AS n FROM products WHERE sku_hash IS NULL');
  return { nullable: col!.is_nullable, applied: applied.map((r) => r.name), nulls: n!.n };
}

test('the rehearsal fails on a copy of the real data and names the failing statement; the real database is untouched', async () => {
  const before = await realSchema();
  const r = await env.cli(['db', 'rehearse', 'local', '--fresh']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const out = r.stdout + r.stderr;
  assert.match(out, new RegExp(`Failing statement: ${STATEMENT}`));
  assert.match(out, /column "sku_hash" of relation "products" contains null values/);
  assert.match(out, /Nothing touched the real database/);
  assert.deepEqual(await realSchema(), before);
  assert.equal(before.nullable, 'YES');
  assert.ok(!before.applied.includes(MIGRATION.replace(/\.sql$/, '')), before.applied.join());
  // The fresh backup is kept beside the deploy's; no throwaway cluster is left running.
  assert.ok((await readdir(path.join(env.stateDir, 'backups'))).some((f) => f.startsWith('rehearse-')));
  const records = await readdir(path.join(env.stateDir, 'rehearsals'));
  assert.equal(records.length, 1);
});

test('the preflight lints the pending migration, and a deploy that requires a rehearsal stops before migrating', async () => {
  const check = await env.cli(['check', 'local', '--json']);
  const report = JSON.parse(check.stdout) as { findings: { id: string; severity: string; subject?: string; title: string; fix?: string }[] };
  const lint = report.findings.find((f) => f.id === 'migrations.unsafe');
  assert.equal(lint?.severity, 'warning', JSON.stringify(report.findings.filter((f) => f.id.startsWith('migrations'))));
  assert.equal(lint.subject, `migrations/${MIGRATION}:2`);
  assert.match(lint.fix ?? '', /NOT VALID/);

  await env.editConfig((c) => (c.database.rehearse = 'required'));
  const before = await realSchema();
  const r = await env.cli(['deploy', 'local']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /database\.rehearsal/);
  assert.match(r.stdout + r.stderr, /last rehearsal of these migrations failed/);
  assert.doesNotMatch(r.stdout + r.stderr, /Backup .*verified readable/);
  assert.deepEqual(await realSchema(), before);
});
