import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explain } from '../../src/knowledge/explain.js';

// Outputs as the tools print them: the cause is one line above stack frames and object fields.
const PG_AUTH = `error: password authentication failed for user "shop"
    at /app/node_modules/pg-pool/index.js:45:11
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)
    at async migrate (/app/scripts/migrate.mjs:12:3) {
  length: 102,
  severity: 'FATAL',
  code: '28P01',
  file: 'auth.c',
  line: '334',
  routine: 'auth_failed'
}`;

const CONVICT = `/app/node_modules/convict/src/main.js:628
          throw new Error(output)
          ^

Error: jwt.secret: must be of type String: value was undefined
    at Object.validate (/app/node_modules/convict/src/main.js:628:17)
    at file:///app/src/config.js:40:8
    at ModuleJob.run (node:internal/modules/esm/module_job:234:25)

Node.js v20.18.0`;

const TSC = `src/server.ts(3,10): error TS2305: Module '"./db.js"' has no exported member 'pool'.
npm error Lifecycle script \`build\` failed with error:
npm error code 2`;

test('explain: a PostgreSQL auth failure is the one line shown, kind auth, signature pg.auth', () => {
  assert.deepEqual(explain(PG_AUTH), { text: 'error: password authentication failed for user "shop"', kind: 'auth', signatureId: 'pg.auth' });
});

test('explain: a config library validation message is the line shown, kind config, signature node.env-missing', () => {
  assert.deepEqual(explain(CONVICT), { text: 'Error: jwt.secret: must be of type String: value was undefined', kind: 'config', signatureId: 'node.env-missing' });
});

test('explain: a generic failure shows its first error line and the last lines, without stack frames', () => {
  const r = explain(TSC);
  assert.equal(r.kind, 'generic');
  assert.match(r.text, /^src\/server\.ts\(3,10\): error TS2305/);
  assert.doesNotMatch(r.text, /\bat /);
});

test('explain: an npm warning before the error does not hide it', () => {
  const out = "npm warn EBADENGINE Unsupported engine {\nnpm warn EBADENGINE   required: { node: '>=22' },\nerror: password authentication failed for user \"shop\"\n    at /app/node_modules/pg-pool/index.js:45:11";
  assert.deepEqual(explain(out), { text: 'error: password authentication failed for user "shop"', kind: 'auth', signatureId: 'pg.auth' });
});
