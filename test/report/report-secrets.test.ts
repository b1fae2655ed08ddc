/**
 * The secret canary for the report: a secret value that reached every source the report reads
 * (the journal, a release's evidence, a preflight finding, the architecture) appears in the
 * written file neither raw nor in the HTML-escaped form the renderer gives it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ResolvedEnvironment } from '../../src/config/resolve.js';
import { EventBus } from '../../src/engine/events.js';
import { Journal } from '../../src/engine/journal.js';
import { Redactor } from '../../src/engine/redact.js';
import { LocalHost } from '../../src/host/local.js';
import { recordPreflight, writeReport } from '../../src/session/report.js';
import type { Session } from '../../src/session/session.js';
import type { Target, TargetContext } from '../../src/targets/types.js';

const CANARY = 'p<ss&"w>rd-canary-7f3a';
const ESCAPED = 'p&lt;ss&amp;&quot;w&gt;rd-canary-7f3a';

test('report canary: a secret in the journal, a release, a finding and the architecture is in no form in the written file', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-report-canary-'));
  try {
    const redactor = new Redactor([CANARY]);
    const host = new LocalHost();
    const envr = { name: 'staging', app: { name: 'shop-api' } } as unknown as ResolvedEnvironment;
    const ctx = { envr, secrets: { values: new Map([['API_TOKEN', CANARY]]), missing: [], sources: [] }, events: new EventBus(redactor), redactor, stateDir: dir, localHost: host, signal: new AbortController().signal } as TargetContext;
    const target = {
      name: 'local',
      releases: async () => [{ id: 'r1', createdAt: '2026-01-01T00:00:00Z', result: 'failed', configHash: 'c', details: {}, evidence: [`FATAL: password ${CANARY} rejected`] }],
      status: async () => ({ env: 'staging', target: 'local', state: 'stopped', rows: [], url: `http://u:${CANARY}@h` }),
      architecture: async () => ({ target: 'local', groups: [{ id: 'g', kind: 'host', label: `host ${CANARY}`, nodes: [{ id: 'n', kind: 'database', label: 'db', detail: [`url ${CANARY}`] }] }], edges: [] }),
    } as unknown as Target;
    const s = { ctx, target, envr, state: async () => ({ store: host, dir, where: 'local' }) } as unknown as Session;
    // The journal is written through a redactor that does not know the secret (as if it leaked from a step's error).
    const journal = new Journal(host, path.join(dir, 'journal'), new Redactor());
    await journal.append({ t: 'begin', run: 'run1', kind: 'deploy', ts: 1, meta: {}, steps: [{ id: 'migrate', titleKey: 'step.migrate' }] });
    await journal.append({ t: 'step', run: 'run1', step: 'migrate', phase: 'failed', ts: 2, error: `auth failed for ${CANARY}` });
    await recordPreflight(s, { env: 'staging', target: 'local', go: false, durationMs: 1, accepted: [], findings: [{ id: 'x', severity: 'blocker', area: 'env', title: 't', evidence: `value ${CANARY}` }] });
    const file = await writeReport(s, { lang: 'en' });
    assert.equal(file, path.join(dir, 'report.html'));
    const html = await readFile(file, 'utf8');
    assert.match(html, /id="gantt-migrate"/, 'the report was drawn from the journal');
    assert.match(html, /FATAL: password \*+ rejected/);
    for (const needle of [CANARY, ESCAPED, 'rd-canary-7f3a']) assert.ok(!html.includes(needle), `the secret appears as ${needle}`);
    assert.ok(!(await readFile(path.join(dir, 'preflight.json'), 'utf8')).includes('canary'), 'the kept preflight is redacted');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
