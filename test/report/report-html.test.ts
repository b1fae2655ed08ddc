/** The HTML report renderer and the timeline it draws, from data (no files, no network). */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { JournalEntry } from '../../src/engine/journal.js';
import { timelineOf, type ReportData } from '../../src/report/html/model.js';
import { renderReportHtml } from '../../src/report/html/render.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const planned = [
  { id: 'build', titleKey: 'step.build', titleParams: { release: 'r2' } },
  { id: 'migrate', titleKey: 'step.migrate', needs: ['build'] },
  { id: 'switch', titleKey: 'step.switch', titleParams: { port: 8080 }, needs: ['migrate'], commit: true },
  { id: 'verify', titleKey: 'step.verify', needs: ['switch'] },
];

/** A deploy whose migration failed and was undone: build done, migrate failed, switch and verify never ran. */
const failedRun: JournalEntry[] = [
  { t: 'begin', run: 'run1', kind: 'deploy', ts: T0, meta: { release: 'r2' }, steps: planned },
  { t: 'step', run: 'run1', step: 'build', phase: 'start', ts: T0 + 100 },
  { t: 'step', run: 'run1', step: 'build', phase: 'done', ts: T0 + 4100, data: { release: 'r2' } },
  { t: 'step', run: 'run1', step: 'migrate', phase: 'start', ts: T0 + 4200 },
  { t: 'step', run: 'run1', step: 'migrate', phase: 'failed', ts: T0 + 6200, error: 'relation <script>alert(1)</script> & "x" does not exist' },
  { t: 'step', run: 'run1', step: 'build', phase: 'undo-start', ts: T0 + 6300 },
  { t: 'step', run: 'run1', step: 'build', phase: 'undo-done', ts: T0 + 6800 },
  { t: 'end', run: 'run1', ts: T0 + 7000, outcome: 'undone' },
];

function data(over: Partial<ReportData> = {}): ReportData {
  return {
    env: 'staging',
    target: 'local',
    app: 'shop-api',
    generatedAt: new Date(T0 + 60_000).toISOString(),
    run: timelineOf(failedRun)!,
    architecture: {
      target: 'local',
      groups: [
        { id: 'machine', kind: 'host', label: 'local: local', nodes: [{ id: 'stable-port', kind: 'proxy', label: '127.0.0.1:8080', emphasis: true }] },
        { id: 'releases', kind: 'releases', label: 'releases (1)', nodes: [{ id: 'release-r1', kind: 'release', label: 'r1', detail: ['succeeded, serving'] }] },
      ],
      edges: [{ from: 'stable-port', to: 'release-r1', label: 'traffic' }],
    },
    preflight: {
      at: new Date(T0).toISOString(),
      go: true,
      accepted: ['storage.disk'],
      findings: [
        { id: 'storage.disk', severity: 'blocker', accepted: true, area: 'storage', title: 'Disk nearly full', evidence: '<b>97%</b> used on /', fix: 'free space' },
        { id: 'app.lock', severity: 'warning', area: 'app', title: 'No lockfile', evidence: 'package-lock.json missing' },
        { id: 'host.port', severity: 'passed', area: 'host', title: 'Port free', evidence: '' },
      ],
    },
    releases: [
      { id: 'r2', createdAt: new Date(T0).toISOString(), result: 'failed', configHash: 'abc123', details: {}, evidence: ['migrate exited 1: <stderr>'], acceptedRisks: ['storage.disk'] },
      { id: 'r1', createdAt: new Date(T0 - 86_400_000).toISOString(), result: 'succeeded', configHash: 'abc122', details: { verify: [{ name: 'GET /health', ok: true, status: 200 }, { name: 'GET /api', ok: true, status: 200 }] }, active: true },
    ],
    ...over,
  };
}

describe('timelineOf', () => {
  test('keeps the planned order, times, undo, the commit step and never-run steps from the journal entries', () => {
    const run = timelineOf(failedRun)!;
    assert.equal(run.outcome, 'undone');
    assert.equal(run.release, 'r2');
    assert.deepEqual(
      run.steps.map((s) => [s.id, s.status, s.start === undefined ? null : s.start - T0, s.end === undefined ? null : s.end - T0, s.commit]),
      [
        ['build', 'done', 100, 4100, false],
        ['migrate', 'failed', 4200, 6200, false],
        ['switch', 'not-run', null, null, true],
        ['verify', 'not-run', null, null, false],
      ],
    );
    assert.deepEqual(run.steps[0]!.undo, { start: T0 + 6300, end: T0 + 6800, ok: true });
  });

  test('a run without an end is interrupted and its started step shows as interrupted', () => {
    const run = timelineOf(failedRun.slice(0, 4))!;
    assert.equal(run.outcome, 'interrupted');
    assert.equal(run.steps[1]!.status, 'interrupted');
  });
});

describe('renderReportHtml', () => {
  test('has every section id, one Gantt row per planned step, the commit point only when the commit step ran', () => {
    const html = renderReportHtml(data(), 'en');
    for (const id of ['summary', 'timeline', 'architecture', 'findings', 'releases', 'cost']) assert.match(html, new RegExp(`<(section|header) id="${id}"`), id);
    for (const s of ['build', 'migrate', 'switch', 'verify']) assert.match(html, new RegExp(`<g class="row" id="gantt-${s}" data-step="${s}"`), s);
    assert.match(html, /data-step="switch" data-status="not-run"/);
    assert.match(html, /<rect class="undo"/);
    assert.doesNotMatch(html, /id="gantt-commit"/);
    assert.match(html, /Build release r2/);
    assert.match(html, /data-outcome="undone"/);
    assert.match(html, /id="arch-release-r1"/);
    assert.match(html, /<line class="edge"/);
    const ok = timelineOf([
      { t: 'begin', run: 'run2', kind: 'deploy', ts: T0, meta: {}, steps: planned },
      ...planned.flatMap((p, i): JournalEntry[] => [
        { t: 'step', run: 'run2', step: p.id, phase: 'start', ts: T0 + i * 1000 },
        { t: 'step', run: 'run2', step: p.id, phase: 'done', ts: T0 + i * 1000 + 900 },
      ]),
      { t: 'end', run: 'run2', ts: T0 + 4000, outcome: 'succeeded' },
    ])!;
    assert.match(renderReportHtml(data({ run: ok }), 'en'), /<g id="gantt-commit"><line class="commit"/);
  });

  test('escapes HTML in evidence, errors and labels; loads nothing from elsewhere', () => {
    const html = renderReportHtml(data(), 'en');
    assert.ok(!html.includes('<script'), 'no script element, not even from an error text');
    assert.match(html, /relation &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;x&quot; does not exist/);
    assert.match(html, /&lt;b&gt;97%&lt;\/b&gt; used on \//);
    assert.match(html, /migrate exited 1: &lt;stderr&gt;/);
    assert.doesNotMatch(html, /\b(src|href)="(https?:)?\/\//);
    assert.doesNotMatch(html, /@import|url\((?!#)/, 'only url(#fragment) references inside the document');
  });

  test('findings show severities, accepted risks and a count of passed checks; releases show verification', () => {
    const html = renderReportHtml(data(), 'en');
    assert.match(html, /<tr class="finding sev-accepted" data-id="storage.disk">/);
    assert.match(html, /<tr class="finding sev-warning" data-id="app.lock">/);
    assert.doesNotMatch(html, /data-id="host.port"/);
    assert.match(html, /Accepted risks: storage.disk/);
    assert.match(html, /1 check\(s\) passed/);
    assert.match(html, /data-release="r1"[^]*2\/2 checks passed/);
    assert.match(html, /The local target runs|A monthly estimate is made for aws environments/);
  });

  test('zh-CN: labels, step titles and outcomes are Chinese, html lang is zh-CN', () => {
    const html = renderReportHtml(data(), 'zh-CN');
    assert.match(html, /<html lang="zh-CN">/);
    for (const s of ['部署报告：shop-api / staging', '最近一次运行的时间线', '架构', '预检结果', '发布历史', '每月费用估算', '构建发布 r2', '失败并已撤销', '未运行', '已接受的风险：storage.disk', '阻断，已接受']) assert.ok(html.includes(s), s);
    assert.doesNotMatch(html, /Timeline of the last run/);
  });

  test('cost: lines, total and savings from the estimate; empty sections say why', () => {
    const html = renderReportHtml(
      data({
        run: undefined,
        preflight: undefined,
        releases: [],
        architecture: undefined,
        architectureError: 'stack <x> missing',
        cost: { region: 'ap-southeast-2', priceDate: '2025-01', lines: [{ key: 'aws.cost.ecr', params: { gb: 1 }, monthlyUsd: 0.1 }], totalUsd: 0.1, savings: [{ key: 'aws.cost.savedNat', params: { gb: 10 }, monthlyUsd: 43.2 }] },
      }),
      'en',
    );
    assert.match(html, /<section id="cost">[^]*\$0\.10[^]*\$43\.20/);
    assert.match(html, /No run recorded in the journal of staging yet/);
    assert.match(html, /Could not read the architecture: stack &lt;x&gt; missing/);
    assert.match(html, /No release of staging yet/);
    assert.match(html, /No preflight is recorded for staging yet/);
  });
});
