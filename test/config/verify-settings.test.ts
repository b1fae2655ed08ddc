/** An environment's `verify`: a list of checks (as before) or `{ checks, window }`; the window is in seconds after resolution. */
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

test('settings slipway does not enforce yet (maxErrorRate) and a bad duration are configuration errors', () => {
  assert.throws(() => resolve({ window: '5m', maxErrorRate: '1%' }), ConfigError);
  assert.throws(() => resolve({ window: '5 minutes' }), ConfigError);
});

test('an unknown key in the object form names the keys it has', () => {
  assert.throws(
    () => resolve({ window: '5m', maxErrorRate: '1%' }),
    (e: unknown) => e instanceof ConfigError && /maxErrorRate/.test(e.text()) && e.params.known === 'checks, window',
  );
});
