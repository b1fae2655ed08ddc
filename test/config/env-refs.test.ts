/** `${NAME}` references in env: checked when the config is resolved, filled in by the target. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { resolveEnvironment } from '../../src/config/resolve.js';
import { isSlipwayError } from '../../src/engine/errors.js';
import { expandEnvRefs } from '../../src/engine/env-refs.js';
import { t } from '../../src/engine/i18n.js';
import { containerEnv, containerSecrets, type TaskDefInput } from '../../src/targets/aws/taskdef.js';

async function resolveWith(env: Record<string, string>, target: Record<string, unknown> = { target: 'local', port: 8091 }) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-envrefs-'));
  const file = path.join(dir, 'slipway.yaml');
  const config = { app: { name: 'shop', start: 'node server.js' }, database: { name: 'shop', user: 'shop' }, secrets: ['JWT_SECRET'], env, environments: { e: target } };
  await writeFile(file, stringify(config));
  return resolveEnvironment(await loadConfig({ file }), 'e');
}

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (isSlipwayError(e)) return { message: t(e.key, e.params), fix: e.fix ? t(e.fix, e.fixParams) : '', code: e.exitCode };
    throw e;
  }
  throw new Error('expected a config error');
};

test('references to provided names, other env keys and secrets resolve; a misspelled one is exit 2 with a did-you-mean', async () => {
  const ok = await resolveWith({ DATABASE_HOST: '${DB_HOST}', WHO: '${APP_VERSION}-${JWT_SECRET}', ALIAS: '${DATABASE_HOST}' });
  assert.equal(ok.env.DATABASE_HOST, '${DB_HOST}', 'the config keeps the reference');
  const bad = await failure(resolveWith({ DATABASE_HOST: '${DB_HSOT}' }));
  assert.equal(bad.code, 2);
  assert.match(bad.message, /env\.DATABASE_HOST refers to \$\{DB_HSOT\}, which is not a variable this release gets/);
  assert.match(bad.fix, /Did you mean `\$\{DB_HOST\}`\?/);
  const self = await failure(resolveWith({ LOOP: '${LOOP}' }));
  assert.match(self.message, /refers to itself/);
});

test('on aws a secret referenced inside a longer value is refused; referenced whole it is allowed', async () => {
  const aws = { target: 'aws', region: 'ap-southeast-2' };
  const bad = await failure(resolveWith({ DSN: 'postgres://u:${DB_PASSWORD}@h/db' }, aws));
  assert.equal(bad.code, 2);
  assert.match(bad.message, /puts the secret DB_PASSWORD inside a longer value/);
  const login = await failure(resolveWith({ DSN: 'postgres://${DB_USER}@h/db' }, aws));
  assert.match(login.message, /puts the secret DB_USER inside a longer value/, 'the login comes from the master secret on aws');
  const ok = await resolveWith({ PGPASS_ALIAS: '${DB_PASSWORD}' }, aws);
  assert.equal(ok.env.PGPASS_ALIAS, '${DB_PASSWORD}');
});

test('expandEnvRefs fills references from the same env, leaves unknown ones for later', () => {
  assert.deepEqual(expandEnvRefs({ A: 'x', B: '${A}-${C}', D: '${PORT}' }), { A: 'x', B: 'x-${C}', D: '${PORT}' });
});

test('aws task definition: a plain reference is filled in, a whole secret reference becomes a secret entry with the same source', () => {
  const input: TaskDefInput = {
    family: 'f', container: 'app', image: 'i', cpu: 256, memory: 512, port: 3000, executionRoleArn: 'e', taskRoleArn: 't', logGroup: 'g', region: 'ap-southeast-2',
    env: { DATABASE_HOST: '${DB_HOST}', PW: '${DB_PASSWORD}', TOKEN: '${JWT_SECRET}', LISTEN: '${PORT}' },
    db: { host: 'db.example', port: '5432', name: 'shop', user: 'shop', secretArn: 'arn:db', caBundlePath: '/ca.pem' },
    appSecrets: { arn: 'arn:app', versionId: 'v1', names: ['JWT_SECRET'] },
  };
  const env = new Map(containerEnv(input).map((e) => [e.name, e.value]));
  assert.equal(env.get('DATABASE_HOST'), 'db.example');
  assert.equal(env.get('LISTEN'), '3000');
  assert.equal(env.has('PW'), false);
  assert.equal(env.has('TOKEN'), false);
  const secrets = new Map(containerSecrets(input).map((e) => [e.name, e.valueFrom]));
  assert.equal(secrets.get('PW'), 'arn:db:password::');
  assert.equal(secrets.get('DB_USER'), 'arn:db:username::', 'the login comes from the secret (rotate-password alternates it)');
  assert.equal(env.has('DB_USER'), false);
  assert.equal(secrets.get('TOKEN'), 'arn:app:JWT_SECRET::v1');
});
