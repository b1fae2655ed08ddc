import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { DAY, makePki, one, preflight, setup, startDns, type TestPki } from './helpers.js';

interface Srv {
  port: number;
  close: () => Promise<void>;
}

function serve(cert: { key: string; cert: string }, dateOffsetMs = 0): Promise<Srv> {
  return new Promise((resolve) => {
    const s = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
      if (dateOffsetMs) res.setHeader('Date', new Date(Date.now() + dateOffsetMs).toUTCString());
      res.statusCode = req.url === '/health' ? 200 : req.url === '/broken' ? 503 : 404;
      res.end('ok');
    });
    s.listen(0, '127.0.0.1', () => resolve({ port: (s.address() as AddressInfo).port, close: () => new Promise((r) => s.close(() => r())) }));
  });
}

describe('domains and TLS (dnsmasq + https on loopback, certificates from openssl)', () => {
  let pki: TestPki;
  let dns: Awaited<ReturnType<typeof startDns>>;
  const servers: Record<string, Srv> = {};
  const now = Date.now();

  before(async () => {
    pki = makePki();
    dns = await startDns({ 'example.test': '127.0.0.1' });
    const mk = (n: string, fromDays: number, toDays: number) => pki.leaf(n, [`${n}.example.test`], new Date(now + fromDays * DAY), new Date(now + toDays * DAY + 3_600_000));
    servers.ok = await serve(mk('ok', -1, 90));
    servers.expired = await serve(mk('expired', -60, -2));
    servers.soon = await serve(mk('soon', -30, 3));
    servers.warn = await serve(mk('warn', -30, 20));
    servers.wrong = await serve(pki.leaf('wrong', ['other.example.test'], new Date(now - DAY), new Date(now + 90 * DAY)));
    servers.self = await serve(pki.selfSigned('self', 'self.example.test'));
    servers.skewed = await serve(mk('skewed', -1, 90), 10 * 60_000);
  });
  after(async () => {
    await Promise.all(Object.values(servers).map((s) => s.close()));
    await dns.stop();
    pki.cleanup();
  });

  const check = async (domains: Record<string, unknown>[], extra: Record<string, unknown> = {}) => {
    const s = await setup({ environment: { domains, check: { resolver: dns.server, caFile: pki.caFile, httpTimeoutMs: 3000, ...extra } } });
    return preflight(s, { areas: ['domains', 'host'] });
  };
  const d = (name: string, more: Record<string, unknown> = {}) => ({ name: `${name}.example.test`, port: servers[name]!.port, ...more });

  it('passes a valid certificate from the test CA, with DNS, name, expiry and health', async () => {
    const r = await check([d('ok', { healthPath: '/health', role: 'api', expectAddress: '127.0.0.1' })]);
    for (const id of ['dns.resolve', 'tls.chain', 'tls.name', 'tls.expiry', 'https.answer']) assert.equal(one(r, id).severity, 'passed', id);
    assert.match(one(r, 'dns.resolve').evidence, /127\.0\.0\.1/);
    assert.equal(one(r, 'host.clock').severity, 'passed');
  });

  it('blocks an expired certificate', async () => {
    const r = await check([d('expired')]);
    const f = one(r, 'tls.expiry');
    assert.equal(f.severity, 'blocker');
    assert.match(f.title, /expired/);
    assert.equal(one(r, 'tls.chain').severity, 'passed', 'an expired leaf is an expiry problem, not a chain problem');
  });

  it('blocks a certificate expiring in 3 days and warns at 20 days', async () => {
    const r = await check([d('soon'), d('warn')]);
    const soon = one(r, 'tls.expiry', 'soon.example.test');
    assert.equal(soon.severity, 'blocker');
    assert.match(soon.title, /3 days/);
    assert.equal(one(r, 'tls.expiry', 'warn.example.test').severity, 'warning');
  });

  it('blocks a certificate for another name', async () => {
    const r = await check([d('wrong')]);
    const f = one(r, 'tls.name');
    assert.equal(f.severity, 'blocker');
    assert.match(f.evidence, /other\.example\.test/);
  });

  it('blocks a self-signed certificate', async () => {
    const r = await check([d('self')]);
    const f = one(r, 'tls.chain');
    assert.equal(f.severity, 'blocker');
    assert.match(f.evidence, /SELF_SIGNED/);
  });

  it('does not trust the test CA without caFile', async () => {
    const s = await setup({ environment: { domains: [d('ok')], check: { resolver: dns.server } } });
    const r = await preflight(s, { areas: ['domains'] });
    assert.equal(one(r, 'tls.chain').severity, 'blocker');
  });

  it('blocks a name that does not resolve, and one resolving to the wrong address', async () => {
    const r = await check([{ name: 'missing.nowhere.test', port: servers.ok!.port }, d('ok', { expectAddress: '127.0.0.2' })]);
    assert.equal(one(r, 'dns.resolve', 'missing.nowhere.test').severity, 'blocker');
    const wrong = one(r, 'dns.resolve', 'ok.example.test');
    assert.equal(wrong.severity, 'blocker');
    assert.match(wrong.evidence, /127\.0\.0\.2/);
  });

  it('warns when the health path answers 503 and when nothing listens', async () => {
    const r = await check([d('ok', { healthPath: '/broken' })]);
    const f = one(r, 'https.answer');
    assert.equal(f.severity, 'warning');
    assert.match(f.title, /503/);
    const closed = await check([{ name: 'ok.example.test', port: 1 }]);
    assert.equal(one(closed, 'tls.handshake').severity, 'blocker');
    assert.equal(one(closed, 'host.clock').severity, 'warning', 'clock check says it could not run');
  });

  it('blocks a skewed clock against the Date header', async () => {
    const r = await check([d('skewed')]);
    const f = one(r, 'host.clock');
    assert.equal(f.severity, 'blocker');
    assert.match(f.title, /\d+ s off/);
  });

  it('checks the storage CDN domain too (nothing serves 443 on loopback here: handshake blocker)', async () => {
    const s = await setup({
      config: { secrets: ['UP_OP', 'UP_PW'] },
      environment: { check: { resolver: dns.server, httpTimeoutMs: 1000 }, storage: { provider: 'upyun', bucket: 'demo-bucket', operatorSecret: 'UP_OP', passwordSecret: 'UP_PW', cdnDomain: 'cdn.example.test', directUpload: false } },
      secretValues: { UP_OP: 'op', UP_PW: 'pw' },
    });
    const r = await preflight(s, { areas: ['domains'] });
    assert.equal(one(r, 'dns.resolve', 'cdn.example.test').severity, 'passed');
    assert.equal(one(r, 'tls.handshake', 'cdn.example.test').severity, 'blocker');
  });

  it('reports no domains as info', async () => {
    const r = await check([]);
    assert.equal(one(r, 'dns.resolve').severity, 'info');
    assert.equal(one(r, 'host.clock').severity, 'info');
  });
});
