/**
 * A failed deploy says why, by known cause: the example app deployed through the real CLI
 * with a failure injected (a migration that logs in with a wrong password against the real
 * PostgreSQL; a start command whose build output does not exist), then `slipway diagnose`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { inspect } from 'node:util';
import { makeEnv, type TestEnv } from '../helpers/local-env.js';
import { t } from '../../src/engine/i18n.js';
import { diagnose } from '../../src/knowledge/diagnose.js';

let env: TestEnv;
before(async () => {
  env = await makeEnv();
});
after(async () => {
  await env?.destroy();
});

interface DiagnosisJson {
  type: string;
  release: string;
  sources: string[];
  findings: { signatureId: string; cause: string; fix: string; evidence: string[] }[];
}

test('a migration with a wrong database password: the failed deploy prints the cause and fix above the raw lines; diagnose --json names pg.auth', async () => {
  await env.editConfig((c) => {
    c.database.migrate = `DATABASE_URL="$(printf '%s' "$DATABASE_URL" | sed 's#:[^:@/]*@#:wrong-password@#')" npm run migrate`;
  });
  const r = await env.cli(['deploy', 'local']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const cause = r.stdout.indexOf(t('knowledge.pg.auth.cause', {}, 'en'));
  assert.ok(cause >= 0, r.stdout);
  assert.ok(r.stdout.includes(`fix: ${t('knowledge.pg.auth.fix', {}, 'en')}`), r.stdout);
  const raw = r.stdout.indexOf(t('knowledge.raw', {}, 'en'));
  assert.ok(raw > cause, 'the raw lines follow the cause');
  assert.match(r.stdout.slice(raw), /password authentication failed for user "shop"/);

  const d = await env.cli(['diagnose', 'local', '--json']);
  assert.equal(d.code, 0, d.stdout + d.stderr);
  const json = JSON.parse(d.stdout) as DiagnosisJson;
  assert.equal(json.type, 'diagnosis');
  assert.deepEqual(json.findings.map((f) => f.signatureId), ['pg.auth']);
  assert.ok(json.sources.some((s) => s.endsWith('migrate.log')), json.sources.join());

  const zh = await env.cli(['diagnose', 'local', '--lang', 'zh-CN']);
  assert.equal(zh.code, 0, zh.stdout + zh.stderr);
  assert.ok(zh.stdout.includes(t('knowledge.pg.auth.cause', {}, 'zh-CN')), zh.stdout);
  assert.ok(zh.stdout.includes(`修复: ${t('knowledge.pg.auth.fix', {}, 'zh-CN')}`), zh.stdout);
});

test('a start command whose build output is missing: the failed deploy names node.build-missing; diagnose --release finds it again', async () => {
  await env.editConfig((c) => {
    c.database.migrate = 'npm run migrate';
    delete c.app.build;
  });
  // The preflight sees it too (app.start); accepted here so the release really starts and fails.
  const r = await env.cli(['deploy', 'local', '--json', '--accept-risk', 'app.start']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const events = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; findings?: DiagnosisJson['findings']; release?: string });
  const diag = events.find((e) => e.type === 'diagnosis');
  assert.deepEqual(diag?.findings?.map((f) => f.signatureId), ['node.build-missing'], r.stdout + r.stderr);
  assert.match(diag!.findings![0]!.evidence[0]!, /Cannot find module '.*\/dist\/server\.js'/);
  const release = events.find((e) => e.type === 'result')?.release;
  assert.ok(release);

  const d = await env.cli(['diagnose', 'local', '--release', release, '--json']);
  assert.equal(d.code, 0, d.stdout + d.stderr);
  assert.deepEqual((JSON.parse(d.stdout) as DiagnosisJson).findings.map((f) => f.signatureId), ['node.build-missing']);
});

test('PostgreSQL errors of the environment\'s real server, as node-postgres prints them, are each their signature (28P01, 3D000, 42P01, 42501, missing extension, pgcrypto function)', async () => {
  const info = JSON.parse(await readFile(path.join(env.stateDir, 'pg', 'server.json'), 'utf8')) as { port: number };
  const password = (await readFile(path.join(env.stateDir, 'secrets', 'db-password'), 'utf8')).trim();
  const pg = (await import('pg')).default;
  const conn = { host: '127.0.0.1', port: info.port, user: 'shop' };
  /** What an app prints when it dies of the error: the error object, stack and fields (console.error). */
  const printed = async (fn: () => Promise<unknown>): Promise<string[]> => {
    try {
      await fn();
    } catch (e) {
      return inspect(e).split('\n');
    }
    throw new Error('expected a PostgreSQL error');
  };
  const ids = (lines: string[]) => diagnose(lines).findings.map((f) => f.signatureId);
  const connect = (o: Record<string, string>) => async () => {
    const c = new pg.Client({ ...conn, ...o });
    await c.connect();
    await c.end();
  };
  assert.deepEqual(ids(await printed(connect({ password: 'not-the-password', database: 'shop' }))), ['pg.auth']);
  assert.deepEqual(ids(await printed(connect({ password, database: 'no_such_db' }))), ['pg.no-database']);
  const c = new pg.Client({ ...conn, password, database: 'shop' });
  await c.connect();
  try {
    assert.deepEqual(ids(await printed(() => c.query('SELECT * FROM no_such_table'))), ['pg.undefined-table']);
    assert.deepEqual(ids(await printed(() => c.query('CREATE EXTENSION slipway_no_such_extension'))), ['pg.extension-unavailable']);
    // Where pgcrypto was not created (a search path without it is the same to the server).
    await c.query('SET search_path = pg_catalog');
    assert.deepEqual(ids(await printed(() => c.query("SELECT digest('x', 'sha256')"))), ['pg.pgcrypto-missing']);
    await c.query('RESET search_path');
    // 42501: a role without privileges reads a table it was not granted (or, for a non-superuser, pg_authid).
    const su = (await c.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = current_user')).rows[0]!.rolsuper;
    if (su) {
      await c.query('CREATE TABLE IF NOT EXISTS diag_private (x int)');
      await c.query('DO $$ BEGIN CREATE ROLE diag_nobody; EXCEPTION WHEN duplicate_object THEN NULL; END $$');
      await c.query('SET ROLE diag_nobody');
    }
    assert.deepEqual(ids(await printed(() => c.query(su ? 'SELECT * FROM diag_private' : 'SELECT * FROM pg_authid'))), ['pg.permission']);
  } finally {
    await c.end();
  }
});
