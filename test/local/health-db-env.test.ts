/** The probe's pure parts: the env it starts the release with, and what its outcome says. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Redactor } from '../../src/engine/redact.js';
import { PROBE_LOG_FILTER, coversDb, envWithoutDb, probeCommand } from '../../src/targets/machine/probe-health-db.js';

const conn = { host: 'db.internal', port: 5432, user: 'shop', password: 'pw', database: 'shop' };

test('envWithoutDb points DB_*, PG*, DATABASE_URL and the URL secret at the closed port on 127.0.0.1 and sets PORT', () => {
  const env = envWithoutDb({ DB_HOST: 'db.internal', DATABASE_URL: 'postgresql://shop:pw@db.internal:5432/shop', SHOP_DB: 'x', NODE_ENV: 'production' }, conn, 41000, 42000, 'SHOP_DB');
  const url = 'postgresql://shop:pw@127.0.0.1:41000/shop';
  assert.deepEqual(env, { DB_HOST: '127.0.0.1', DB_PORT: '41000', DATABASE_URL: url, PGHOST: '127.0.0.1', PGPORT: '41000', PORT: '42000', SHOP_DB: url, NODE_ENV: 'production' });
});

test('coversDb is false for a 2xx answer, true for a non-2xx answer or an exit, and unknown without an answer', () => {
  assert.equal(coversDb({ kind: 'answered', status: 200 }), false);
  assert.equal(coversDb({ kind: 'answered', status: 204 }), false);
  assert.equal(coversDb({ kind: 'answered', status: 503 }), true);
  assert.equal(coversDb({ kind: 'exited' }), true);
  assert.equal(coversDb({ kind: 'no-answer' }), undefined);
});

test('the probe command runs the app without the filter variable and masks every form of a secret in its output (plain, URL-encoded), across stdout and stderr', () => {
  const r = new Redactor(['s3cr3t-value', 'p@ss/word']);
  const app = `node -e "console.log('a s3cr3t-value b', process.env.SLIPWAY_PROBE_REDACT ?? 'unset'); console.error(encodeURIComponent('p@ss/word')); process.stdout.write('tail p@ss/word')"`;
  const out = spawnSync('/bin/sh', ['-c', probeCommand(app), PROBE_LOG_FILTER], { env: { PATH: process.env.PATH, SLIPWAY_PROBE_REDACT: JSON.stringify(r.forms()) }, encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  assert.equal(out.stdout, 'a ****** b unset\n******\ntail ******');
});
