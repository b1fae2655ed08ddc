/** The verification window's pure parts: durations, percentages, patterns, and the breach decision; and the proxy's counts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { compilePattern, errorRateBreach, judgeWindow, matchLines, parseDuration, parsePercent, type HostSample, type TrafficCounts } from '../../src/engine/window.js';
import { linesSince } from '../../src/targets/machine/window.js';
import { MAX_ROUTES, OTHER_ROUTES, PROBE_HEADER, SwitchingProxy } from '../../src/targets/machine/proxy.js';
import { get } from '../helpers/local-env.js';

test('durations: 30s, 5m, 1h, bare seconds and 0; anything else is undefined', () => {
  assert.deepEqual(['30s', '5m', '1h', '90', '0', 0, 45].map((v) => parseDuration(v)), [30, 300, 3600, 90, 0, 0, 45]);
  for (const bad of ['5 minutes', '1d', '-1', '1.5m', '', 'm', 1.5, -2]) assert.equal(parseDuration(bad), undefined, String(bad));
});

test('percentages: 1% and 0.5% as fractions; no %, over 100% or a bare number is undefined', () => {
  assert.deepEqual(['1%', '0.5%', '100%', '0%', ' 2 % '].map(parsePercent), [0.01, 0.005, 1, 0, 0.02]);
  for (const bad of ['1', '150%', 'abc%', '%', 0.01]) assert.equal(parsePercent(bad), undefined, String(bad));
});

test('log patterns: substrings (case-sensitive) and /regex/flags; a regex that does not compile is refused', () => {
  const lines = ['12:00 INFO ready', '12:01 FATAL out of memory', '12:02 connect ECONNREFUSED 10.0.0.5:5432', '12:03 fatal lowercase'];
  assert.deepEqual(matchLines(lines, ['FATAL']), [lines[1]]);
  assert.deepEqual(matchLines(lines, ['/fatal|econnrefused/i']), [lines[1], lines[2], lines[3]]);
  assert.equal(compilePattern('/(unclosed/'), undefined);
  assert.deepEqual(matchLines(lines, []), []);
});

test('the log lines since the switch: by their leading time, unstamped lines going with the line before', () => {
  const text = ['2026-01-01T10:00:00.000Z before', 'continuation of before', '2026-01-01T10:00:05.000Z after', '  at stack frame', '2026-01-01T10:00:06.000Z later', ''].join('\n');
  assert.deepEqual(linesSince(text, '2026-01-01T10:00:05.000Z'), ['2026-01-01T10:00:05.000Z after', '  at stack frame', '2026-01-01T10:00:06.000Z later']);
});

const traffic = (total: number, errors: number, routes: Record<string, number> = { 'GET /api/x': errors }): TrafficCounts => ({
  since: '2026-01-01T10:00:00.000Z',
  total,
  classes: { '2xx': total - errors, '5xx': errors },
  routes5xx: errors ? routes : {},
});
const policy = { maxErrorRate: 0.01, minRequests: 20, failures: 3 };
const sample = (o: Partial<HostSample> = {}): HostSample => ({ host: 'local', release: 'r2', health: 200, logMatches: [], ...o });

test('the 5xx share breaches only over at least minRequests and above the limit; the evidence names the route', () => {
  assert.equal(errorRateBreach(traffic(37 + 83, 37), policy), '5xx 37/120 (30.8%) on GET /api/x');
  assert.equal(errorRateBreach(traffic(2, 1), policy), undefined, 'one error on 2 requests is no signal');
  assert.equal(errorRateBreach(traffic(19, 19), policy), undefined);
  assert.equal(errorRateBreach(traffic(200, 2), policy), undefined, '1% is within a 1% limit');
  assert.equal(errorRateBreach(traffic(200, 3), policy), '5xx 3/200 (1.5%) on GET /api/x');
  assert.equal(errorRateBreach(traffic(100, 10, { 'GET /a': 7, 'POST /b': 3 }), policy), '5xx 10/100 (10%) on GET /a (7), POST /b (3)');
});

test('the decision: health needs `failures` bad looks in a row; a log match or a failed check breaches at once', () => {
  const bad = sample({ health: 502 });
  assert.equal(judgeWindow([[bad], [bad]], policy).breach, false);
  assert.equal(judgeWindow([[bad], [sample()], [bad], [bad]], policy).breach, false, 'not in a row');
  const v = judgeWindow([[bad], [bad], [bad]], policy);
  assert.equal(v.breach, true);
  assert.deepEqual(v.evidence, ['health: HTTP 502 (3×)']);
  assert.equal(judgeWindow([[bad]], { ...policy, failures: 1 }).breach, true, 'a one-off check fails on one bad probe');
  const log = judgeWindow([[sample({ logMatches: ['x FATAL boom'] })], [sample()]], policy);
  assert.deepEqual(log.evidence, ['log: 1 line(s) match', '  x FATAL boom'], 'a match seen earlier in the window still counts');
  assert.equal(judgeWindow([[sample({ checks: [{ name: 'GET /api', ok: false, problem: 'status 500, expected 200' }] })]], policy).evidence[0], 'verify GET /api: status 500, expected 200');
  const ok = judgeWindow([[sample({ traffic: traffic(100, 0) })]], policy);
  assert.equal(ok.breach, false);
  assert.equal(ok.hosts[0]!.errors, '5xx 0/100');
});

test('a fleet: each host judged and named; errors spread thin over the hosts breach on their sum', () => {
  const v = judgeWindow([[sample({ host: 'vm-a', traffic: traffic(100, 0) }), sample({ host: 'vm-b', traffic: traffic(100, 40) })]], policy);
  assert.deepEqual(
    v.hosts.map((h) => h.ok),
    [true, false],
  );
  assert.deepEqual(v.evidence, ['vm-b: 5xx 40/100 (40%) on GET /api/x']);
  const thin = judgeWindow([[sample({ host: 'a', traffic: traffic(15, 3) }), sample({ host: 'b', traffic: traffic(15, 3) })]], policy);
  assert.deepEqual(thin.evidence, ['fleet: 5xx 6/30 (20%) on GET /api/x']);
});

test("the proxy counts a release's answers by class and its 5xx by route (no query, bounded), not slipway's probes, afresh at each switch", async () => {
  const app = http.createServer((req, res) => {
    res.writeHead(req.url!.startsWith('/bad') ? 500 : 200);
    res.end();
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  const proxy = new SwitchingProxy();
  await proxy.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
  try {
    proxy.switchTo({ id: 'r1', port: (app.address() as AddressInfo).port });
    await get(`${url}/ok`);
    await get(`${url}/bad/1?token=secret`);
    await new Promise<void>((resolve) => http.get(`${url}/health`, { headers: { [PROBE_HEADER]: '1' } }, (r) => r.resume().on('end', resolve)));
    let t = proxy.traffic().r1!;
    assert.equal(t.total, 2);
    assert.deepEqual(t.classes, { '2xx': 1, '5xx': 1 });
    assert.deepEqual(t.routes5xx, { 'GET /bad/1': 1 });
    for (let i = 2; i <= MAX_ROUTES + 2; i++) await get(`${url}/bad/${i}`);
    t = proxy.traffic().r1!;
    assert.equal(Object.keys(t.routes5xx).length, MAX_ROUTES + 1);
    assert.equal(t.routes5xx[OTHER_ROUTES], 2);
    proxy.switchTo(undefined);
    proxy.switchTo({ id: 'r1', port: (app.address() as AddressInfo).port });
    assert.equal(proxy.traffic().r1!.total, 0, 'a switch starts the counts afresh');
  } finally {
    await proxy.close();
    app.close();
  }
});

test('durations with bare minutes (db open --ttl): 30 is 30 minutes, units still win', () => {
  assert.deepEqual(['30', '90s', '2h', 5].map((v) => parseDuration(v, 'm')), [1800, 90, 7200, 300]);
});
