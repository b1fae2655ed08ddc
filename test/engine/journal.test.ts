import { LocalHost } from '../../src/host/local.js';
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Journal, replay, type JournalEntry } from '../../src/engine/journal.js';
import { Redactor } from '../../src/engine/redact.js';

let tmp: string;
let n = 0;
before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'slipway-journal-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});
const dir = () => path.join(tmp, `j${++n}`);

const begin = (run: string, ts = 1): JournalEntry => ({ t: 'begin', run, kind: 'deploy', ts, meta: { release: `rel-${run}` } });
const step = (run: string, s: string, phase: 'start' | 'data' | 'done' | 'failed' | 'undo-start' | 'undo-done', data?: Record<string, string | number>, error?: string): JournalEntry => ({
  t: 'step',
  run,
  step: s,
  phase,
  ts: 2,
  ...(data ? { data } : {}),
  ...(error ? { error } : {}),
});

describe('Journal', () => {
  test('current() is undefined when nothing was journaled', async () => {
    const j = new Journal(new LocalHost(), dir(), new Redactor());
    assert.equal(await j.current(), undefined);
    await j.close(); // no-op
    assert.equal(await j.current(), undefined);
  });

  test('replays a run: phases, merged data, done flags, errors, outcome', async () => {
    const j = new Journal(new LocalHost(), dir(), new Redactor());
    await j.append(begin('r1', 100));
    await j.append(step('r1', 'a', 'start'));
    await j.append(step('r1', 'a', 'data', { port: 8081 }));
    await j.append(step('r1', 'a', 'data', { pid: 42 }));
    await j.append(step('r1', 'a', 'done', { out: 'x' }));
    await j.append(step('r1', 'b', 'start'));
    await j.append(step('r1', 'b', 'data', { tmp: '/t' }));
    await j.append(step('r1', 'b', 'failed', undefined, 'boom'));
    await j.append(step('r1', 'a', 'undo-start'));
    await j.append(step('r1', 'a', 'undo-done'));
    let s = await j.current();
    assert.ok(s);
    assert.equal(s.run, 'r1');
    assert.equal(s.kind, 'deploy');
    assert.equal(s.startedAt, 100);
    assert.deepEqual(s.meta, { release: 'rel-r1' });
    assert.equal(s.outcome, undefined);
    assert.deepEqual([...s.steps.keys()], ['a', 'b'], 'steps in first-seen order');
    assert.deepEqual(s.steps.get('a'), { phase: 'undo-done', data: { port: 8081, pid: 42, out: 'x' }, done: true });
    assert.deepEqual(s.steps.get('b'), { phase: 'failed', data: { tmp: '/t' }, done: false, error: 'boom' });

    await j.append({ t: 'end', run: 'r1', ts: 3, outcome: 'undone' });
    s = await j.current();
    assert.equal(s?.outcome, 'undone');
  });

  test('a data entry keeps the phase it follows', () => {
    const text = [begin('r1'), step('r1', 'a', 'data', { x: 1 }), step('r1', 'b', 'start'), step('r1', 'b', 'done'), step('r1', 'b', 'data', { y: 2 })]
      .map((e) => JSON.stringify(e))
      .join('\n');
    const s = replay(text)!;
    assert.equal(s.steps.get('a')!.phase, 'start');
    assert.equal(s.steps.get('b')!.phase, 'done');
    assert.deepEqual(s.steps.get('b')!.data, { y: 2 });
  });

  test('a torn last line (crash mid-write) is ignored', async () => {
    const j = new Journal(new LocalHost(), dir(), new Redactor());
    await j.append(begin('r1'));
    await j.append(step('r1', 'a', 'start'));
    await j.append(step('r1', 'a', 'done'));
    const full = JSON.stringify(step('r1', 'b', 'done'));
    await appendFile(j.file, full.slice(0, Math.floor(full.length / 2))); // no newline, cut mid-object
    const s = await j.current();
    assert.ok(s);
    assert.deepEqual([...s.steps.keys()], ['a']);
    assert.equal(s.steps.get('a')!.done, true);
    // appending after a torn line: the torn fragment only spoils its own line
    await appendFile(j.file, '\n');
    await j.append(step('r1', 'c', 'start'));
    const s2 = await j.current();
    assert.deepEqual([...s2!.steps.keys()], ['a', 'c']);
  });

  test('replay ignores entries before a begin and of other runs; a new begin starts over', () => {
    const text = [
      step('r0', 'stray', 'start'),
      begin('r1'),
      step('r1', 'a', 'start'),
      step('rX', 'other', 'done'),
      { t: 'end', run: 'rX', ts: 9, outcome: 'failed' },
      '',
      '   ',
    ]
      .map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))
      .join('\n');
    const s = replay(text)!;
    assert.equal(s.run, 'r1');
    assert.deepEqual([...s.steps.keys()], ['a']);
    assert.equal(s.outcome, undefined);
    const again = replay(text + '\n' + JSON.stringify(begin('r2')))!;
    assert.equal(again.run, 'r2');
    assert.equal(again.steps.size, 0);
    assert.equal(replay(''), undefined);
    assert.equal(replay('{not json'), undefined);
  });

  test('close() archives the run under runs/ and keeps the newest N', async () => {
    const d = dir();
    const j = new Journal(new LocalHost(), d, new Redactor());
    for (const id of ['20240101000001-aa', '20240101000002-bb', '20240101000003-cc', '20240101000004-dd', '20240101000005-ee']) {
      await j.append(begin(id));
      await j.append({ t: 'end', run: id, ts: 2, outcome: 'succeeded' });
      await j.close(3);
      assert.equal(await j.current(), undefined, 'current.ndjson is moved away');
    }
    const kept = (await readdir(path.join(d, 'runs'))).sort();
    assert.deepEqual(kept, ['20240101000003-cc.ndjson', '20240101000004-dd.ndjson', '20240101000005-ee.ndjson']);
    const archived = replay(await readFile(path.join(d, 'runs', '20240101000005-ee.ndjson'), 'utf8'));
    assert.equal(archived?.run, '20240101000005-ee');
    assert.equal(archived?.outcome, 'succeeded');
  });

  test('close() with the default keeps 20', async () => {
    const d = dir();
    const j = new Journal(new LocalHost(), d, new Redactor());
    for (let i = 1; i <= 22; i++) {
      const id = `run-${String(i).padStart(3, '0')}`;
      await j.append(begin(id));
      await j.close();
    }
    const kept = (await readdir(path.join(d, 'runs'))).sort();
    assert.equal(kept.length, 20);
    assert.equal(kept[0], 'run-003.ndjson');
    assert.equal(kept.at(-1), 'run-022.ndjson');
  });

  test('entries are redacted before they reach the file, which is private', async () => {
    const secret = 'hunter2-Sup3r/Secret+pw';
    const j = new Journal(new LocalHost(), dir(), new Redactor([secret]));
    await j.append(begin('r1'));
    await j.append(step('r1', 'db', 'data', { password: secret, url: `postgres://app:${encodeURIComponent(secret)}@db:5432/app` }));
    await j.append(step('r1', 'db', 'failed', undefined, `auth failed for ${Buffer.from(secret).toString('base64')} / ${secret}`));
    const text = await readFile(j.file, 'utf8');
    assert.ok(!text.includes(secret), 'plain form');
    assert.ok(!text.includes(encodeURIComponent(secret)), 'URL-encoded form');
    assert.ok(!text.includes(Buffer.from(secret).toString('base64').replace(/=+$/, '')), 'base64 form');
    assert.ok(!text.includes('Sup3r'), 'no fragment of the secret');
    assert.match(text, /\*\*\*\*\*\*/);
    const s = await j.current();
    assert.equal(s!.steps.get('db')!.data.password, '******');
    assert.equal(s!.steps.get('db')!.data.url, 'postgres://app:******@db:5432/app');
    assert.equal((await stat(j.file)).mode & 0o777, 0o600);
  });
});
