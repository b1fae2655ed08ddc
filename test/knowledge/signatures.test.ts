/**
 * Every signature of the knowledge base against evidence as the tools print it: node-postgres
 * error objects, psql/libpq, PostgreSQL server logs, ECS stopped reasons (the shapes
 * describeTask and decide.ts give), CloudFormation events, Node and npm output.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../../src/knowledge/diagnose.js';
import { SIGNATURES } from '../../src/knowledge/signatures.js';
import { t } from '../../src/engine/i18n.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CJK = /[\u4e00-\u9fff]/;

/** [signature id, evidence lines] — several cases per signature where the sources differ. */
const CASES: [string, string[]][] = [
  ['runbook.yaml-encoding', ["'gbk' codec can't decode byte 0xae in position 12: illegal multibyte sequence"]],
  ['runbook.yaml-encoding', ['Error parsing parameter \'--template-body\': Unable to load paramfile file://vpc.yaml']],
  ['aws.rds-az-coverage', ['CREATE_FAILED AWS::RDS::DBSubnetGroup DbSubnetGroup: The DB subnet group doesn\'t meet Availability Zone (AZ) coverage requirement. Current AZ coverage: us-east-1a. Add subnets to cover at least 2 AZs.']],
  ['aws.rds-version', ['CREATE_FAILED AWS::RDS::DBInstance Database: Cannot find version 15.4 for postgres (Service: Rds, Status Code: 400)']],
  ['aws.rds-password-format', ["CREATE_FAILED AWS::RDS::DBInstance Database: The parameter MasterUserPassword is not a valid password. Only printable ASCII characters besides '/', '@', '\"', ' ' may be used."]],
  ['aws.service-linked-role', ['CREATE_FAILED AWS::ECS::Cluster Cluster: Resource handler returned message: "Unable to assume the service linked role. Please verify that the ECS service linked role exists."']],
  ['aws.task-role', ['task 3f2a9c1d stopped: ECS was unable to assume the role \'arn:aws:iam::123456789012:role/old-exec-role\' that was provided for this task.']],
  ['ecs.circuit-breaker', ['circuit-breaker: (service shop-api-prod) (deployment ecs-svc/123) deployment failed: tasks failed to start.', 'ECS Deployment Circuit Breaker was triggered']],
  ['docker.build-failed', ['ERROR: failed to solve: process "/bin/sh -c npm run build" did not complete successfully: exit code: 2']],
  ['ecs.image-pull', ['task 9e8d7c6b stopped: CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:missing: not found — app: exit - ']],
  ['ecs.secrets', ['task 1a2b3c4d stopped: ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/exec/abc is not authorized to perform: secretsmanager:GetSecretValue']],
  ['ecs.network', ['task 5e6f7a8b stopped: ResourceInitializationError: unable to pull secrets or registry auth: pull command failed: : signal: killed']],
  ['ecs.network', ['task 5e6f7a8b stopped: Timeout waiting for network interface provisioning to complete.']],
  ['ecs.oom', ['task 0f1e2d3c stopped: OutOfMemoryError: Container killed due to memory usage — app: exit 137']],
  ['ecs.oom', ['task 0f1e2d3c stopped: Essential container in task exited — app: exit 137']],
  ['ecs.elb-health', ['task 77aa88bb stopped: Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop/abc)']],
  ['ecs.elb-health', ['target 10.0.1.23:3000 Target.ResponseCodeMismatch Health checks failed with these codes: [404]']],
  ['ecs.container-health', ['task 12ab34cd stopped: Task failed container health checks — app: exit 143']],
  ['pg.no-ssl', ['error: no pg_hba.conf entry for host "10.0.1.23", user "shop", database "shop", no encryption', "  code: '28000',"]],
  ['pg.hba-rejected', ['error: no pg_hba.conf entry for host "10.0.1.23", user "report", database "shop", SSL encryption', "  code: '28000',"]],
  ['pg.ssl', ['Error: self-signed certificate in certificate chain', "  code: 'SELF_SIGNED_CERT_IN_CHAIN'"]],
  ['pg.ssl', ['Error: The server does not support SSL connections']],
  ['pg.role-missing', ['error: role "shop_user" does not exist', "  code: '28000',"]],
  ['pg.auth', ['error: password authentication failed for user "shop"', "  code: '28P01',", "  routine: 'auth_failed'"]],
  ['pg.auth', ['2026-12-02 10:15:07 UTC:10.0.1.23(51234):shop@shop:[412]:FATAL:  28P01: password authentication failed for user "shop"']],
  ['pg.auth', ['FATAL 28000 ClientAuthentication']],
  ['pg.no-database', ['error: database "shop_prod" does not exist', "  code: '3D000',"]],
  ['pg.extension-unavailable', ['ERROR:  extension "pgcrypto" is not available', 'DETAIL:  Could not open extension control file "/usr/share/postgresql/15/extension/pgcrypto.control": No such file or directory.']],
  ['pg.pgcrypto-missing', ['pg_restore: error: could not execute query: ERROR:  function digest(text, unknown) does not exist']],
  ['pg.undefined-table', ['error: relation "orders" does not exist', "  code: '42P01',"]],
  ['pg.null-rows', ['migrate: failed: column "sku_hash" of relation "products" contains null values']],
  ['pg.permission', ['error: permission denied for table orders', "  code: '42501',"]],
  ['pg.permission', ['ERROR:  42501: permission denied for schema public']],
  ['pg.refused', ['Error: connect ECONNREFUSED 127.0.0.1:5432']],
  ['app.config-incomplete', ['Error: Database configuration is incomplete', '    at getDatabaseConfig (/app/dist/src/config/config.util.js:21:15)']],
  ['node.env-missing', ['Error: jwt.secret: must be of type String: value was undefined']],
  ['node.env-missing', ['================================', ' Missing environment variables:', '    DATABASE_URL: undefined', '================================']],
  ['node.env-missing', ['ZodError: [', '  {', '    "code": "invalid_type",', '    "expected": "string",', '    "received": "undefined",', '    "path": [ "DATABASE_URL" ],', '    "message": "Required"', '  }', ']']],
  ['node.env-missing', ['Error: Config validation error: "JWT_SECRET" is required']],
  ['node.port-in-use', ['Error: listen EADDRINUSE: address already in use :::3000', "  code: 'EADDRINUSE',"]],
  ['node.build-missing', ["Error: Cannot find module '/app/dist/src/app.js'", '    at Module._resolveFilename (node:internal/modules/cjs/loader:1140:15)', "  code: 'MODULE_NOT_FOUND',"]],
  ['node.module-not-found', ["Error: Cannot find module 'express'", 'Require stack:', '- /app/server.js']],
  ['node.module-not-found', ["Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'fastify' imported from /app/server.mjs"]],
  ['node.require-esm', ['Error [ERR_REQUIRE_ASYNC_MODULE]: require() cannot be used on an ESM graph with top-level await. Use import() instead.']],
  ['node.require-esm', ['Error [ERR_REQUIRE_ESM]: require() of ES Module /app/node_modules/node-fetch/src/index.js from /app/server.js not supported.']],
  ['npm.eresolve', ['npm error code ERESOLVE', 'npm error ERESOLVE unable to resolve dependency tree', 'npm error Found: react@18.2.0']],
  ['npm.engine', ["npm warn EBADENGINE Unsupported engine {", "npm warn EBADENGINE   package: 'shop-api@1.0.0',", "npm warn EBADENGINE   required: { node: '>=22' },"]],
  ['npm.lock-out-of-sync', ['npm error `npm ci` can only install packages when your package.json and package-lock.json or npm-shrinkwrap.json are in sync. Please update your lock file with `npm install` before continuing.', 'npm error Missing: left-pad@1.3.0 from lock file']],
];

describe('knowledge base: every signature against real evidence lines', () => {
  test('every signature has at least one case, and every case names a signature that exists', () => {
    const ids = new Set(SIGNATURES.map((s) => s.id));
    assert.deepEqual(SIGNATURES.map((s) => s.id).filter((id) => !CASES.some(([c]) => c === id)), []);
    assert.deepEqual(CASES.map(([c]) => c).filter((c) => !ids.has(c)), []);
  });

  test('docs/troubleshooting.md lists every signature in both its English and its Chinese part', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../docs/troubleshooting.md', import.meta.url)), 'utf8');
    const [en, zh] = doc.split('\n# 中文\n');
    const missing = SIGNATURES.flatMap((s) => [...(en!.includes(`| \`${s.id}\``) ? [] : [`en ${s.id}`]), ...(zh?.includes(`| \`${s.id}\``) ? [] : [`zh ${s.id}`])]);
    assert.deepEqual(missing, []);
  });

  for (const [id, lines] of CASES) {
    test(`${id}: ${lines[0]!.slice(0, 70)}`, () => {
      const en = diagnose(lines, 'en');
      assert.deepEqual(en.findings.map((f) => f.signatureId), [id]);
      assert.deepEqual(en.unmatched, []);
      const f = en.findings[0]!;
      assert.equal(f.cause, t(`knowledge.${id}.cause`, {}, 'en'));
      assert.equal(f.fix, t(`knowledge.${id}.fix`, {}, 'en'));
      assert.notEqual(f.cause, `knowledge.${id}.cause`);
      assert.ok(f.evidence.length > 0 && f.evidence.every((l) => lines.some((x) => x.includes(l))));
      const zh = diagnose(lines, 'zh-CN').findings[0]!;
      assert.match(zh.cause, CJK);
      assert.match(zh.fix, CJK);
      assert.equal(zh.cause, t(`knowledge.${id}.cause`, {}, 'zh-CN'));
    });
  }
});

describe('diagnose', () => {
  test('several causes in one evidence list are each a finding, in the order they appear', () => {
    const d = diagnose(['task 0f1e2d3c stopped: Essential container in task exited — app: exit 1', 'log 0f1e2d3c: error: password authentication failed for user "shop"', 'circuit-breaker: tasks failed to start']);
    assert.deepEqual(d.findings.map((f) => f.signatureId), ['pg.auth', 'ecs.circuit-breaker']);
  });

  test('a line with no known cause is unmatched: the error line and the last lines, without stack frames', () => {
    const d = diagnose(['TypeError: Cannot read properties of undefined (reading \'map\')', '    at render (/app/dist/views.js:12:7)', '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)', 'Node.js v20.18.0']);
    assert.deepEqual(d.findings, []);
    assert.deepEqual(d.unmatched, ["TypeError: Cannot read properties of undefined (reading 'map')"]);
  });

  test('a cause shown only by a warning (npm EBADENGINE) comes after the error it preceded', () => {
    const d = diagnose(["npm warn EBADENGINE Unsupported engine { package: 'x@1.0.0', required: { node: '>=22' } }", 'error: password authentication failed for user "shop"']);
    assert.deepEqual(d.findings.map((f) => f.signatureId), ['pg.auth', 'npm.engine']);
  });

  test('pg_hba "no encryption" (SQLSTATE 28000) is the TLS finding only, not also a password finding', () => {
    const d = diagnose(['error: no pg_hba.conf entry for host "10.0.1.23", user "shop", database "shop", no encryption', "code: '28000'"]);
    assert.deepEqual(d.findings.map((f) => f.signatureId), ['pg.no-ssl']);
    assert.equal(d.findings[0]!.pitfall, 11);
  });
});
