import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { consumedByRuntime, editDistance, nearest, targetProvidedEnv } from '../../src/checks/envcontract/contract.js';
import { scanSource } from '../../src/checks/envcontract/scan.js';
import { byId, one, preflight, setup, tempDir } from './helpers.js';

const FIX = path.resolve(import.meta.dirname, '..', 'fixtures', 'envcontract');

async function contract(app: string, environment: Record<string, unknown>, config: Record<string, unknown> = {}, secretValues: Record<string, string> = {}) {
  const s = await setup({ config: { app: { name: 'demo', dir: app, start: 'node src/server.js' }, ...config }, environment, secretValues });
  return preflight(s, { areas: ['env'] });
}

describe('env contract: scanner', () => {
  const reads = (code: string, file = 'a.ts') => scanSource(code, file).reads.map((r) => `${r.name}${r.fallback ? '?' : ''}`).sort();

  it('collects member, bracket, destructuring, alias and import.meta reads with fallbacks', () => {
    const code = `
      const a = process.env.A; const b = process.env['B'] ?? 'x'; const c = process.env.C || 'y';
      const { D, E = '1' } = process.env; const env = process.env; const f = env.F;
      const g = import.meta.env.G; const h = Number(process.env.H) || 3; const i = process.env.I?.trim();
      if (process.env.J) enable();
      if (!process.env.K) throw new Error('K missing');`;
    assert.deepEqual(reads(code), ['A', 'B?', 'C?', 'D', 'E?', 'F', 'G', 'H?', 'I?', 'J?', 'K']);
  });

  it('judges a variable by how it is tested: if-throw is required, if-use is a fallback', () => {
    const code = `
      const user = process.env.DB_USER; if (!user) { throw new Error('incomplete'); }
      const ca = process.env.CA; if (isSet(ca)) { load(ca); }`;
    assert.deepEqual(reads(code), ['CA?', 'DB_USER']);
  });

  it('collects helper calls, envalid specs and zod schemas, and flags dynamic reads', () => {
    const code = `
      const a = requireEnv('A'); const b = getEnv('B', 'x'); const c = env('C'); const d = getEnv('D') || '';
      const e = config.get('E'); const f = this.configService.get<string>('F', 'd'); const g = optionalEnv('G');
      const x = cleanEnv(process.env, { H: str(), I: num({ default: 3 }), J: str({ devDefault: 'dev' }) });
      const s = z.object({ K: z.string(), L: z.string().default('l') }); s.parse(process.env);
      const dyn = process.env[name]; console.log('NOT_A_READ'); lodash.get(obj, 'NOR_THIS');`;
    const r = scanSource(code, 'x.ts');
    assert.deepEqual(r.reads.map((x) => `${x.name}${x.fallback ? '?' : ''}`).sort(), ['A', 'B?', 'C', 'D?', 'E', 'F?', 'G?', 'H', 'I?', 'J', 'K', 'L?']);
    assert.equal(r.dynamic.length, 1);
  });

  it('records writes and parses JSX and decorators', () => {
    const r = scanSource(`process.env.TZ = 'UTC'; const el = <div>{process.env.REACT_X}</div>;`, 'a.jsx');
    assert.deepEqual(r.writes, ['TZ']);
    assert.deepEqual(r.reads.map((x) => x.name), ['REACT_X']);
    const d = scanSource(`@Injectable() class S { constructor() { this.x = process.env.NEST_X; } }`, 's.ts');
    assert.deepEqual(d.reads.map((x) => x.name), ['NEST_X']);
  });

  it('edit distance and nearest name', () => {
    assert.equal(editDistance('DB_USERNAME', 'DB_USER'), 4);
    assert.equal(nearest('DB_USERNAME', ['DB_HOST', 'DB_USER', 'PORT']), 'DB_USER');
    assert.equal(nearest('REDIS_URL', ['DB_USER', 'PORT']), undefined);
  });

  it('target-provided names depend on the database', () => {
    assert.deepEqual(targetProvidedEnv({ database: undefined, target: { target: 'local' } as never }), ['PORT', 'NODE_ENV', 'APP_VERSION', 'SLIPWAY_RELEASE']);
    assert.ok(targetProvidedEnv({ database: { name: 'x', user: 'x', version: 15 }, target: { target: 'aws' } as never }).includes('DATABASE_URL'));
  });

  it('aws with a database provides the PG* names, PGSSLROOTCERT and NODE_EXTRA_CA_CERTS its task definition sets', () => {
    const aws = targetProvidedEnv({ database: { name: 'x', user: 'x', version: 15 }, target: { target: 'aws' } as never });
    for (const n of ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGSSLMODE', 'PGSSLROOTCERT', 'NODE_EXTRA_CA_CERTS']) assert.ok(aws.includes(n), n);
    const local = targetProvidedEnv({ database: { name: 'x', user: 'x', version: 15 }, target: { target: 'local' } as never });
    assert.ok(!local.includes('PGSSLROOTCERT') && !local.includes('NODE_EXTRA_CA_CERTS'));
  });

  it('only the PG* names node-postgres reads count as read by the runtime; PGSSLROOTCERT, PGSSLCERT, PGPASSFILE do not', () => {
    for (const n of ['PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'PGDATABASE', 'PGSSLMODE', 'PGAPPNAME', 'PGCONNECT_TIMEOUT']) assert.equal(consumedByRuntime(n), true, n);
    for (const n of ['PGSSLROOTCERT', 'PGSSLCERT', 'PGSSLKEY', 'PGPASSFILE', 'PGSERVICE', 'PGFOO']) assert.equal(consumedByRuntime(n), false, n);
  });
});

describe('env contract: fixture apps', () => {
  it('a configured PGSSLROOTCERT the app never reads is reported unused; a configured PGSSLMODE is not', async () => {
    const dir = tempDir();
    cpSync(path.join(FIX, 'clean'), dir, { recursive: true });
    const r = await contract(dir, { env: { CORS_ORIGIN: '*', PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/etc/ssl/certs/ca.pem' }, secrets: ['JWT_SECRET'] }, { database: { name: 'app', user: 'app' } });
    assert.equal(one(r, 'env.contract.unused', 'PGSSLROOTCERT').severity, 'warning');
    assert.deepEqual(byId(r, 'env.contract.unused', 'PGSSLMODE'), []);
  });

  it('clean app: everything read is provided; tests, node_modules and dist are ignored', async () => {
    const dir = tempDir();
    cpSync(path.join(FIX, 'clean'), dir, { recursive: true });
    mkdirSync(path.join(dir, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(path.join(dir, 'node_modules', 'dep', 'index.js'), 'module.exports = process.env.ONLY_IN_NODE_MODULES;');
    mkdirSync(path.join(dir, 'dist'));
    writeFileSync(path.join(dir, 'dist', 'server.js'), 'console.log(process.env.ONLY_IN_DIST);');
    const r = await contract(dir, { env: { CORS_ORIGIN: '*' }, secrets: ['JWT_SECRET'] }, { database: { name: 'app', user: 'app' } });
    assert.deepEqual(r.findings.map((f) => [f.id, f.severity]), [['env.contract', 'passed']], JSON.stringify(r.findings));
  });

  it('clean app without a database: DB_* unset is a blocker each', async () => {
    const r = await contract(path.join(FIX, 'clean'), { env: { CORS_ORIGIN: '*' }, secrets: ['JWT_SECRET'] });
    const unset = byId(r, 'env.contract.unset').map((f) => f.subject).sort();
    assert.deepEqual(unset, ['DB_HOST', 'DB_NAME', 'DB_PASSWORD', 'DB_PORT', 'DB_USER']);
    assert.ok(byId(r, 'env.contract.unset').every((f) => f.severity === 'blocker'));
  });

  it('mismatch app: DB_USERNAME provided, DB_USER read (pitfall 7)', async () => {
    const r = await contract(path.join(FIX, 'mismatch'), {
      env: { DB_HOST: 'db.internal', DB_USERNAME: 'app', DB_NAME: 'app' },
      secrets: ['DB_PASSWORD', 'UPYUN_BUCKET', 'UPYUN_OPERATOR', 'UPYUN_PASSWORD'],
    });
    const unset = one(r, 'env.contract.unset', 'DB_USER');
    assert.equal(unset.severity, 'blocker');
    assert.match(unset.evidence, /src\/config\.util\.ts:12/);
    assert.match(unset.evidence, /DB_USERNAME/);
    const unused = one(r, 'env.contract.unused', 'DB_USERNAME');
    assert.equal(unused.severity, 'warning');
    assert.match(unused.title, /did you mean DB_USER\?/);
    assert.equal(one(r, 'env.contract.default', 'DB_PORT').severity, 'warning');
    assert.equal(one(r, 'env.contract.default', 'LOG_LEVEL').severity, 'warning');
    assert.equal(byId(r, 'env.contract.unset').length, 1);
  });

  it('helpers app: envalid, zod, helpers, destructuring, ConfigService, import.meta', async () => {
    const r = await contract(path.join(FIX, 'helpers'), { env: { OSS_REGION: 'oss-cn-shanghai', UNUSED_FLAG: '1' }, secrets: ['DATABASE_URL', 'SMTP_HOST'] });
    const unset = byId(r, 'env.contract.unset').map((f) => f.subject).sort();
    assert.deepEqual(unset, ['API_KEY', 'MAIL_FROM', 'QUEUE_URL', 'S3_BUCKET', 'SESSION_SECRET', 'VITE_MODE']);
    const defaults = byId(r, 'env.contract.default').map((f) => f.subject).sort();
    assert.deepEqual(defaults, ['APP_TZ', 'FEATURE_FLAGS', 'MAX_UPLOAD_MB', 'REDIS_URL', 'SENTRY_DSN', 'SMTP_PORT', 'WORKERS']);
    assert.equal(one(r, 'env.contract.unused', 'UNUSED_FLAG').severity, 'warning');
    assert.equal(one(r, 'env.contract.dynamic').severity, 'info');
  });

  it('an app dir without sources warns that the contract was not checked', async () => {
    const r = await contract(tempDir(), {});
    assert.equal(one(r, 'env.contract.scan').severity, 'warning');
  });
});
