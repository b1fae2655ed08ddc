import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insecureTls, isDbPasswordName, rdsPasswordVerdict } from '../../src/checks/config.js';
import { one, preflight, setup } from './helpers.js';

const SECRET = 'S3cr3t-VALUE-never-print';

describe('config and secrets', () => {
  it('secrets.present: passes when all have values, blocks and names the missing ones', async () => {
    const ok = await setup({ config: { secrets: ['JWT_SECRET'] }, secretValues: { JWT_SECRET: SECRET } });
    assert.equal(one(await preflight(ok, { areas: ['config'] }), 'secrets.present').severity, 'passed');
    const bad = await setup({ config: { secrets: ['JWT_SECRET', 'API_TOKEN'] }, secretValues: { JWT_SECRET: SECRET } });
    const f = one(await preflight(bad, { areas: ['config'] }), 'secrets.present');
    assert.equal(f.severity, 'blocker');
    assert.match(f.evidence, /API_TOKEN/);
    assert.doesNotMatch(f.evidence, /JWT_SECRET/);
  });

  it('secrets.db-password: RDS rules, blocker on aws, warning elsewhere, never the value', async () => {
    assert.deepEqual(rdsPasswordVerdict('Xituan2024Secure'), { ok: true, length: 16, forbidden: 0 });
    assert.equal(rdsPasswordVerdict('short').ok, false);
    assert.equal(rdsPasswordVerdict('has@at-sign-long').ok, false);
    assert.equal(rdsPasswordVerdict('has space long').ok, false);
    assert.equal(rdsPasswordVerdict('x'.repeat(129)).ok, false);
    assert.ok(isDbPasswordName('DB_PASSWORD') && isDbPasswordName('SHOP_DB_PASSWORD') && !isDbPasswordName('SMTP_PASSWORD'));
    const good = await setup({ config: { secrets: ['DB_PASSWORD'] }, secretValues: { DB_PASSWORD: 'Xituan2024Secure' } });
    assert.equal(one(await preflight(good, { areas: ['config'] }), 'secrets.db-password').severity, 'passed');
    const bad = await setup({ config: { secrets: ['SHOP_DB_PASSWORD'] }, secretValues: { SHOP_DB_PASSWORD: 'p@ss/w"rd x' } });
    const local = one(await preflight(bad, { areas: ['config'] }), 'secrets.db-password');
    assert.equal(local.severity, 'warning');
    assert.doesNotMatch(JSON.stringify(local), /p@ss/);
    const aws = await setup({ config: { secrets: ['DB_PASSWORD'] }, environment: { target: 'aws', region: 'ap-southeast-2', port: undefined }, secretValues: { DB_PASSWORD: 'abc' } });
    assert.equal(one(await preflight(aws, { areas: ['config'] }), 'secrets.db-password').severity, 'blocker');
    const none = await setup({});
    assert.equal(one(await preflight(none, { areas: ['config'] }), 'secrets.db-password').severity, 'info');
  });

  it('secrets.tls-verify: plain env, secret value (name only) and .env file', async () => {
    assert.equal(insecureTls('DATABASE_URL', 'postgres://u:p@h/db?sslmode=no-verify'), 'sslmode=no-verify');
    assert.equal(insecureTls('PGSSLMODE', 'verify-full'), undefined);
    const clean = await setup({ config: { env: { PGSSLMODE: 'verify-full' } } });
    assert.equal(one(await preflight(clean, { areas: ['config'] }), 'secrets.tls-verify').severity, 'passed');
    const plain = await setup({ config: { env: { NODE_TLS_REJECT_UNAUTHORIZED: '0' } } });
    const p = one(await preflight(plain, { areas: ['config'] }), 'secrets.tls-verify');
    assert.equal(p.severity, 'blocker');
    assert.match(p.evidence, /NODE_TLS_REJECT_UNAUTHORIZED/);
    const url = `postgres://app:${SECRET}@db:5432/app?sslmode=disable`;
    const secret = await setup({ config: { secrets: ['DATABASE_URL'] }, secretValues: { DATABASE_URL: url } });
    const s = one(await preflight(secret, { areas: ['config'] }), 'secrets.tls-verify');
    assert.equal(s.severity, 'blocker');
    assert.match(s.evidence, /DATABASE_URL/);
    assert.ok(!JSON.stringify(s).includes(SECRET) && !JSON.stringify(s).includes('db:5432'));
    const file = await setup({ envName: 'production', files: { 'package.json': '{}', '.env.production': 'NODE_TLS_REJECT_UNAUTHORIZED=0\n' } });
    const fl = one(await preflight(file, { areas: ['config'] }), 'secrets.tls-verify');
    assert.equal(fl.severity, 'blocker');
    assert.match(fl.evidence, /\.env\.production/);
  });

  it('config.plain-secret warns about secret-looking plain env', async () => {
    const s = await setup({ config: { env: { JWT_SECRET: 'x', DATABASE_URL: 'postgres://u:pw@h/db', LOG_LEVEL: 'info' } } });
    const f = one(await preflight(s, { areas: ['config'] }), 'config.plain-secret');
    assert.equal(f.severity, 'warning');
    assert.match(f.evidence, /JWT_SECRET, DATABASE_URL/);
    assert.equal(one(await preflight(await setup({ config: { env: { LOG_LEVEL: 'info' } } }), { areas: ['config'] }), 'config.plain-secret').severity, 'passed');
  });

  it('config.encoding: GBK and UTF-16 templates are blockers with the iconv fix; UTF-8 passes', async () => {
    const gbk = Buffer.from([0x23, 0x20, 0xd6, 0xd0, 0xce, 0xc4, 0x0a, 0x61, 0x3a, 0x20, 0x31, 0x0a]); // "# 中文\na: 1\n" in GBK
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Resources: {}\n', 'utf16le')]);
    const s = await setup({ files: { 'package.json': '{}', 'infra/vpc.yaml': gbk, 'infra/rds.yml': utf16, 'infra/ok.yaml': '# 中文 ok\na: 1\n' } });
    const r = await preflight(s, { areas: ['config'] });
    const bad = r.findings.filter((f) => f.id === 'config.encoding');
    assert.equal(bad.length, 2);
    assert.ok(bad.every((f) => f.severity === 'blocker' && /iconv -f/.test(f.fix ?? '')));
    assert.ok(bad.some((f) => /GBK/.test(f.evidence)) && bad.some((f) => /UTF-16LE/.test(f.evidence)));
    const ok = await setup({ files: { 'package.json': '{}', 'infra/ok.yaml': '# 中文 ok\n' } });
    assert.equal(one(await preflight(ok, { areas: ['config'] }), 'config.encoding').severity, 'passed');
  });
});
