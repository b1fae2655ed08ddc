/** `slipway db import` on the local target: backup first, one transaction, a bad dump changes nothing. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deployedEnv, get, dbQuery, ROOT, type TestEnv } from '../helpers/local-env.js';

let env: TestEnv;
const TINY = path.join(ROOT, 'test', 'fixtures', 'dumps', 'tiny.dump');

before(async () => {
  env = await deployedEnv();
});
after(async () => {
  await env?.destroy();
});

test('a file that is not a pg_dump archive is refused before anything changes', async () => {
  const bad = path.join(env.dir, 'not-a-dump.sql');
  await writeFile(bad, 'SELECT 1;\n');
  const before = await dbQuery<{ n: string }>(env.stateDir, 'SELECT count(*)::text AS n FROM products');
  const r = await env.cli(['db', 'import', 'local', '--file', bad]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /not readable by pg_restore/);
  assert.deepEqual(await dbQuery(env.stateDir, 'SELECT count(*)::text AS n FROM products'), before);
});

test('import replaces the data after a verified backup, and the app serves it', async () => {
  const r = await env.cli(['db', 'import', 'local', '--file', TINY]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Backup .*before-import-.*verified readable/);
  const rows = await dbQuery<{ name: string }>(env.stateDir, 'SELECT name FROM products ORDER BY name');
  assert.deepEqual(rows.map((x) => x.name), ['Imported Bun', 'Imported Loaf']);
  const body = JSON.parse((await get(`${env.url}/api/products?limit=10`)).body) as { items: { name: string }[] };
  assert.deepEqual(body.items.map((i) => i.name).sort(), ['Imported Bun', 'Imported Loaf']);
  const backups = await readdir(path.join(env.stateDir, 'backups'));
  assert.ok(backups.some((f) => f.startsWith('before-import-')), backups.join());
});
