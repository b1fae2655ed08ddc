/**
 * A failed deploy says why, by known cause: the example app deployed through the real CLI
 * with a failure injected (a migration that logs in with a wrong password against the real
 * PostgreSQL; a start command whose build output does not exist), then `slipway diagnose`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeEnv, type TestEnv } from '../helpers/local-env.js';
import { t } from '../../src/engine/i18n.js';
import '../../src/knowledge/diagnose.js';

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
