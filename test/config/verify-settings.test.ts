/** An environment's `verify`: a list of checks (as before) or `{ checks, window, maxErrorRate, logPatterns }`; the window is in seconds after resolution. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../src/config/load.js';
import { resolveEnvironment } from '../../src/config/resolve.js';
import { ConfigError } from '../../src/engine/errors.js';
import { setLang } from '../../src/engine/i18n.js';

setLang('en');
const file = '/srv/app/slipway.yaml';
const base = (verify: unknown) => ({
  app: { name: 'shop', start: 'node server.js' },
  verify: [{ path: '/top' }],
  environments: { staging: { target: 'local', ...(verify === undefined ? {} : { verify }) } },
});
const resolve = (verify: unknown) => resolveEnvironment({ config: validateConfig(base(verify), file), file, dir: '/srv/app' }, 'staging');

test('a list replaces the top-level checks and sets no window; without verify the top-level checks apply', () => {
  const r = resolve([{ path: '/own' }]);
  assert.deepEqual(r.verify.map((c) => c.path), ['/own']);
  assert.equal(r.verifyWindowSeconds, undefined);
  assert.deepEqual(resolve(undefined).verify.map((c) => c.path), ['/top']);
});

test('the object form: its checks replace the top-level ones, or the top-level ones apply; window 5m is 300 s, 0 is off, 45 is seconds', () => {
  const r = resolve({ checks: [{ path: '/own' }], window: '5m' });
  assert.deepEqual(r.verify.map((c) => c.path), ['/own']);
  assert.equal(r.verifyWindowSeconds, 300);
  const w = resolve({ window: '1h' });
  assert.deepEqual(w.verify.map((c) => c.path), ['/top']);
  assert.equal(w.verifyWindowSeconds, 3600);
  assert.equal(resolve({ window: 0 }).verifyWindowSeconds, 0);
  assert.equal(resolve({ window: 45 }).verifyWindowSeconds, 45);
});

test('maxErrorRate and logPatterns: a percentage as a fraction, patterns kept; none given is no patterns and the default rate', () => {
  const r = resolve({ window: '5m', maxErrorRate: '0.5%', logPatterns: ['FATAL', '/econn(refused|reset)/i'] });
  assert.equal(r.verifyMaxErrorRate, 0.005);
  assert.deepEqual(r.verifyLogPatterns, ['FATAL', '/econn(refused|reset)/i']);
  const plain = resolve({ window: '5m' });
  assert.equal(plain.verifyMaxErrorRate, undefined);
  assert.deepEqual(plain.verifyLogPatterns, []);
});

test('a bad duration, percentage or pattern is a configuration error that says what is expected', () => {
  const says = (verify: unknown, re: RegExp) => assert.throws(() => resolve(verify), (e: unknown) => e instanceof ConfigError && re.test(e.text()));
  says({ window: '5 minutes' }, /a duration: 30s, 5m, 1h/);
  says({ maxErrorRate: '1' }, /verify\.maxErrorRate[\s\S]*written with %/);
  says({ maxErrorRate: 0.01 }, /verify\.maxErrorRate[\s\S]*could mean 0\.01% or 1%/);
  says({ maxErrorRate: '150%' }, /0% to 100%/);
  says({ logPatterns: ['/(unclosed/'] }, /verify\.logPatterns\[0\][\s\S]*regex\/ that compiles/);
});

test('an unknown key in the object form names the keys it has', () => {
  assert.throws(
    () => resolve({ window: '5m', maxErrorRates: '1%' }),
    (e: unknown) => e instanceof ConfigError && /maxErrorRates/.test(e.text()) && e.params.known === 'checks, window, maxErrorRate, logPatterns',
  );
});

test('an aws environment refuses maxErrorRate and logPatterns (no slipway proxy there)', () => {
  const cfg = { app: { name: 'shop', start: 'node server.js' }, environments: { prod: { target: 'aws', region: 'ap-southeast-2', verify: { window: '5m', logPatterns: ['FATAL'] } } } };
  assert.throws(() => validateConfig(cfg, file), (e: unknown) => e instanceof ConfigError && /local and ssh environments only/.test(e.text()));
});
