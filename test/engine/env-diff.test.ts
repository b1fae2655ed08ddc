/** The env diff `releases` shows between consecutive releases: plain values by value, secrets by name only. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffEnv, formatChange, mergeOverrides, parseAssignments } from '../../src/engine/env-diff.js';

test('plain values: changed, added, removed; secrets: changed by digest, never a value', () => {
  const before = { plain: { FLAG: 'true', OLD: 'x', SAME: '1' }, secrets: { JWT_SECRET: 'aaaa', KEPT: 'bbbb', GONE: 'cccc' } };
  const after = { plain: { FLAG: 'false', NEW: '1', SAME: '1' }, secrets: { JWT_SECRET: 'dddd', KEPT: 'bbbb', ADDED: 'eeee' } };
  const changes = diffEnv(before, after);
  assert.deepEqual(changes, [
    { name: 'ADDED', secret: true, change: 'added' },
    { name: 'FLAG', secret: false, change: 'changed', from: 'true', to: 'false' },
    { name: 'GONE', secret: true, change: 'removed' },
    { name: 'JWT_SECRET', secret: true, change: 'changed' },
    { name: 'NEW', secret: false, change: 'added', to: '1' },
    { name: 'OLD', secret: false, change: 'removed', from: 'x' },
  ]);
  assert.deepEqual(changes.map((c) => formatChange(c)), ['+ADDED (secret)', 'FLAG: true → false', '-GONE (secret)', 'JWT_SECRET: changed', '+NEW=1', '-OLD']);
  assert.equal(formatChange(changes[3]!, '已更改'), 'JWT_SECRET: 已更改');
});

test('an unknown digest (a release recorded before digests) is not a change; a plain value turned secret is, without its value', () => {
  assert.deepEqual(diffEnv({ plain: {}, secrets: { S: '' } }, { plain: {}, secrets: { S: 'abcd' } }), []);
  const moved = diffEnv({ plain: { TOKEN: 'visible' }, secrets: {} }, { plain: {}, secrets: { TOKEN: 'abcd' } });
  assert.deepEqual(moved, [{ name: 'TOKEN', secret: true, change: 'changed' }]);
  assert.ok(!JSON.stringify(moved).includes('visible'));
});

test('overrides merge: set adds or replaces, unset drops', () => {
  assert.deepEqual(mergeOverrides(undefined, { A: '1' }, []), { set: { A: '1' } });
  assert.deepEqual(mergeOverrides({ set: { A: '1', B: '2' } }, { B: '3', C: '4' }, ['A']), { set: { B: '3', C: '4' } });
});

test('KEY=value arguments: values may hold =, a bad name is reported without its value', () => {
  assert.deepEqual(parseAssignments(['A=1', 'URL=http://x/?a=b', 'EMPTY=']), { set: { A: '1', URL: 'http://x/?a=b', EMPTY: '' }, bad: [] });
  assert.deepEqual(parseAssignments(['1A=hidden', 'novalue']).bad, ['1A', 'novalue']);
});
