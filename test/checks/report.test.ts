import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { acceptMatches } from '../../src/checks/index.js';
import { checks } from '../../src/engine/messages/checks.js';
import { checksHistory } from '../../src/engine/messages/checks-history.js';
import { rehearse } from '../../src/engine/messages/rehearse.js';
import { dbWindow } from '../../src/engine/messages/db-window.js';
import { setLang } from '../../src/engine/i18n.js';
import { renderPreflight } from '../../src/report/preflight.js';
import { one, preflight, setup } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
/** The preflight's catalogs: the checks' own, the history checks' and the migration checks'. */
const catalog = { ...checks, ...checksHistory, ...rehearse, ...dbWindow };
type Schema = { type?: string; required?: string[]; properties?: Record<string, Schema>; items?: Schema; enum?: unknown[]; additionalProperties?: boolean; pattern?: string; minimum?: number };

/** The subset of JSON Schema the report schema uses. */
function validate(v: unknown, s: Schema, at = '$'): string[] {
  const errs: string[] = [];
  const type = Array.isArray(v) ? 'array' : v === null ? 'null' : Number.isInteger(v) ? 'integer' : typeof v;
  if (s.type && !(s.type === type || (s.type === 'number' && type === 'integer'))) return [`${at}: ${type} is not ${s.type}`];
  if (s.enum && !s.enum.includes(v)) errs.push(`${at}: ${String(v)} not in enum`);
  if (s.pattern && typeof v === 'string' && !new RegExp(s.pattern).test(v)) errs.push(`${at}: ${v} does not match ${s.pattern}`);
  if (s.minimum !== undefined && typeof v === 'number' && v < s.minimum) errs.push(`${at}: below minimum`);
  if (type === 'object') {
    const o = v as Record<string, unknown>;
    for (const r of s.required ?? []) if (!(r in o)) errs.push(`${at}: missing ${r}`);
    for (const [k, val] of Object.entries(o)) {
      if (s.properties?.[k]) errs.push(...validate(val, s.properties[k]!, `${at}.${k}`));
      else if (s.additionalProperties === false && val !== undefined) errs.push(`${at}: unexpected ${k}`);
    }
  }
  if (type === 'array' && s.items) (v as unknown[]).forEach((x, i) => errs.push(...validate(x, s.items!, `${at}[${i}]`)));
  return errs;
}

describe('report, accept-risk, schema, catalog', () => {
  const SECRET = 'zz-TOP-secret-value-42';

  it('go is false iff an unaccepted blocker exists; accept by id, id:subject and area.*', async () => {
    const s = await setup({ config: { secrets: ['A_TOKEN', 'B_TOKEN'] }, secretValues: {} });
    const r = await preflight(s, { areas: ['config'] });
    assert.equal(one(r, 'secrets.present').severity, 'blocker');
    assert.equal(r.go, false);
    const a = await preflight(s, { areas: ['config'], acceptRisks: ['secrets.*', 'tls.expiry'] });
    assert.equal(a.go, true);
    assert.equal(one(a, 'secrets.present').accepted, true);
    assert.deepEqual(a.accepted, ['secrets.*']);
    assert.equal(one(a, 'preflight.accept-risk').severity, 'warning', 'an accept entry that matched nothing is reported');
    assert.ok(acceptMatches('tls.expiry:api.x', { id: 'tls.expiry', subject: 'api.x' }) && !acceptMatches('tls.expiry:api.y', { id: 'tls.expiry', subject: 'api.x' }));
  });

  it('a full local run never contains a secret value, matches the JSON schema and renders in both languages', async () => {
    const s = await setup({
      envName: 'production',
      config: { secrets: ['DB_PASSWORD', 'DATABASE_URL'], env: { NODE_ENV: 'production' } },
      environment: { check: { skip: ['host.*'] } },
      secretValues: { DB_PASSWORD: `${SECRET}@/`, DATABASE_URL: `postgres://u:${SECRET}@h/db?sslmode=disable` },
    });
    const r = await preflight(s, { acceptRisks: ['secrets.tls-verify'] });
    assert.ok(r.findings.length > 15);
    assert.ok(!JSON.stringify(r).includes(SECRET), 'no secret value in the report');
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schema', 'preflight-report.schema.json'), 'utf8')) as Schema;
    assert.deepEqual(validate(JSON.parse(JSON.stringify(r)), schema), []);
    assert.equal(one(r, 'host.cpu').severity, 'info', 'skipped by check.skip');
    const en = renderPreflight(r, { color: false });
    assert.match(en, /Configuration and secrets/);
    assert.match(en, /✖|✔/);
    assert.ok(!en.includes('\u001b['), 'no colour codes when color is false');
    assert.match(renderPreflight(r, { color: true }), /\u001b\[/);
    setLang('zh-CN');
    try {
      const zhReport = await preflight(s, { areas: ['config'] });
      const zh = renderPreflight(zhReport, { color: false });
      assert.match(zh, /配置与密钥/);
      assert.match(zh, /不可部署|可以部署/);
    } finally {
      setLang('en');
    }
  });

  it('every message has en and zh-CN with the same placeholders; every key used exists', () => {
    const ph = (t: string) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
    for (const [k, m] of Object.entries(catalog)) {
      assert.ok(m.en && m['zh-CN'], k);
      assert.equal(ph(m.en), ph(m['zh-CN']), `placeholders of ${k}`);
    }
    const used = new Set<string>();
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else for (const m of readFileSync(p, 'utf8').matchAll(/'(checks\.[A-Za-z.]+)'/g)) used.add(m[1]!);
      }
    };
    walk(path.join(ROOT, 'src', 'checks'));
    for (const k of used) assert.ok(catalog[k], `missing message ${k}`);
    for (const kind of ['failed', 'rollbackComplete', 'updateRollbackFailed', 'deleteFailed', 'stuck', 'busy']) assert.ok(catalog[`checks.aws.stack.${kind}`]);
  });
});
