import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Redactor } from '../../src/engine/redact.js';
import { EventBus, type SlipwayEvent } from '../../src/engine/events.js';

const MASK = '******';

describe('Redactor', () => {
  test('masks the plain value everywhere it occurs', () => {
    const r = new Redactor(['s3cret-token']);
    assert.equal(r.redact('token=s3cret-token; again s3cret-token.'), `token=${MASK}; again ${MASK}.`);
  });

  test('masks the URL-encoded form', () => {
    const secret = 'p@ss w/rd:&?';
    const r = new Redactor([secret]);
    const url = `postgres://app:${encodeURIComponent(secret)}@localhost:5432/db`;
    assert.notEqual(encodeURIComponent(secret), secret);
    assert.equal(r.redact(url), `postgres://app:${MASK}@localhost:5432/db`);
  });

  test('masks the JSON-escaped form', () => {
    const secret = 'quote"back\\slash\tpw';
    const r = new Redactor([secret]);
    const json = JSON.stringify({ password: secret });
    assert.ok(!json.includes(secret), 'JSON escapes change the text');
    const out = r.redact(json);
    assert.equal(out, `{"password":"${MASK}"}`);
    assert.deepEqual(JSON.parse(out), { password: MASK });
  });

  test('masks the base64 form (with or without padding)', () => {
    for (const secret of ['abcde', 'abcdef', 'abcdefg']) {
      const r = new Redactor([secret]);
      const b64 = Buffer.from(secret).toString('base64');
      const out = r.redact(`Authorization: Basic ${b64}`);
      assert.ok(!out.includes(b64.replace(/=+$/, '')), `${secret} → ${out}`);
      assert.ok(out.includes(MASK));
    }
  });

  test('masks the longest form first, so no fragment survives', () => {
    const r = new Redactor(['abcd', 'abcd-efgh-ijkl']);
    assert.equal(r.redact('x abcd-efgh-ijkl y abcd z'), `x ${MASK} y ${MASK} z`);
  });

  test('treats regex metacharacters in secrets literally', () => {
    const r = new Redactor(['a.b*c+d?(e)[f]{g}|h^$\\']);
    assert.equal(r.redact('aXbbbc+d?(e)[f]{g}|h^$\\'), 'aXbbbc+d?(e)[f]{g}|h^$\\');
    assert.equal(r.redact('->a.b*c+d?(e)[f]{g}|h^$\\<-'), `->${MASK}<-`);
  });

  test('ignores empty and short values (they would mask ordinary text)', () => {
    const r = new Redactor(['', 'ab', 'abc']);
    assert.equal(r.size, 0);
    assert.equal(r.redact('ab abc abcd'), 'ab abc abcd');
    r.add('abcd');
    assert.ok(r.size > 0);
    assert.equal(r.redact('ab abc abcd'), `ab abc ${MASK}`);
  });

  test('a redactor without secrets returns text unchanged', () => {
    const r = new Redactor();
    const v = { a: 1 };
    assert.equal(r.redact('anything'), 'anything');
    assert.equal(r.redactDeep(v), v);
  });

  test('values added later are masked too', () => {
    const r = new Redactor(['first-secret']);
    assert.equal(r.redact('second-secret'), 'second-secret');
    r.add('second-secret');
    assert.equal(r.redact('first-secret second-secret'), `${MASK} ${MASK}`);
  });

  test('redactDeep masks every string inside nested values and keeps the shape', () => {
    const secret = 'deep-secret-9';
    const r = new Redactor([secret]);
    const input = {
      n: 1,
      ok: true,
      nil: null,
      list: ['x', `pre ${secret} post`, { url: `https://u:${encodeURIComponent(secret)}@h/` }],
      nested: { [`key`]: secret, b64: Buffer.from(secret).toString('base64') },
    };
    const out = r.redactDeep(input);
    assert.deepEqual(out, {
      n: 1,
      ok: true,
      nil: null,
      list: ['x', `pre ${MASK} post`, { url: `https://u:${MASK}@h/` }],
      nested: { key: MASK, b64: out.nested.b64 },
    });
    assert.ok(out.nested.b64.startsWith(MASK));
    assert.ok(!JSON.stringify(out).includes(secret));
    assert.equal(input.nested.key, secret, 'the input is not mutated');
  });

  test('the event bus redacts before listeners see an event', () => {
    const bus = new EventBus(new Redactor(['bus-secret-1']));
    const seen: SlipwayEvent[] = [];
    bus.on((e) => seen.push(e));
    bus.text('info', 'connecting with bus-secret-1');
    bus.log('warn', 'some.key', { password: 'bus-secret-1' });
    const json = JSON.stringify(seen);
    assert.equal(seen.length, 2);
    assert.ok(!json.includes('bus-secret-1'));
    assert.equal(seen[0]!.type === 'log' && seen[0]!.text, `connecting with ${MASK}`);
  });
});
