/** The one HTTP client (src/engine/net.ts) against real servers on loopback: https with a CA made here by openssl. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { DAY, makePki, type TestPki } from '../checks/helpers.js';
import { httpRequest } from '../../src/engine/net.js';
import { runVerify } from '../../src/engine/verify.js';
import { verifyCheckSchema } from '../../src/config/schema.js';
import { runChecks } from '../../src/targets/aws/verify.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Srv {
  port: number;
  seen: Seen[];
  close(): Promise<void>;
}

function record(seen: Seen[]): http.RequestListener {
  return (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url === '/moved') {
        res.writeHead(302, { location: '/health' }).end();
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, method: req.method }));
    });
  };
}

function listen(server: http.Server | https.Server, seen: Seen[]): Promise<Srv> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({ port: (server.address() as AddressInfo).port, seen, close: () => new Promise((r) => server.close(() => r())) }),
    );
  });
}

describe('the HTTP client (http and https on loopback, a CA made by openssl)', () => {
  let pki: TestPki;
  let ca: string;
  let trusted: Srv;
  let untrusted: Srv;
  let plain: Srv;

  before(async () => {
    pki = makePki();
    ca = readFileSync(pki.caFile, 'utf8');
    const leaf = pki.leaf('app', ['app.test', 'localhost'], new Date(Date.now() - DAY), new Date(Date.now() + 10 * DAY));
    const self = pki.selfSigned('self', 'app.test');
    const seen: Seen[] = [];
    trusted = await listen(https.createServer({ key: leaf.key, cert: leaf.cert }, record(seen)), seen);
    const seen2: Seen[] = [];
    untrusted = await listen(https.createServer({ key: self.key, cert: self.cert }, record(seen2)), seen2);
    const seen3: Seen[] = [];
    plain = await listen(http.createServer(record(seen3)), seen3);
  });
  after(async () => {
    await Promise.all([trusted?.close(), untrusted?.close(), plain?.close()]);
    pki?.cleanup();
  });

  it('GETs over https when the certificate chains to the given CA and names the servername', async () => {
    const r = await httpRequest(`https://127.0.0.1:${trusted.port}/health`, { ca, servername: 'app.test' });
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body), { ok: true, method: 'GET' });
  });

  it('rejects a self-signed certificate, and a CA-signed one for another name', async () => {
    await assert.rejects(httpRequest(`https://127.0.0.1:${untrusted.port}/health`, { ca, servername: 'app.test' }), /self[- ]signed/i);
    await assert.rejects(httpRequest(`https://127.0.0.1:${trusted.port}/health`, { ca, servername: 'other.test' }), /other\.test/);
  });

  it('rejects the test CA’s certificate when the CA is not given (Node’s default store)', async () => {
    await assert.rejects(httpRequest(`https://127.0.0.1:${trusted.port}/health`, { servername: 'app.test' }), /local issuer|self[- ]signed|unable to verify/i);
  });

  it('sends the method, headers and body it is given, with a content-length', async () => {
    const before = trusted.seen.length;
    const r = await httpRequest(`https://127.0.0.1:${trusted.port}/orders`, { ca, servername: 'app.test', method: 'PATCH', headers: { 'x-token': 'abc', 'content-type': 'text/plain' }, body: 'héllo' });
    assert.equal(r.status, 200);
    const s = trusted.seen[before]!;
    assert.equal(s.method, 'PATCH');
    assert.equal(s.url, '/orders');
    assert.equal(s.headers['x-token'], 'abc');
    assert.equal(s.headers['content-length'], String(Buffer.byteLength('héllo')));
    assert.equal(s.body, 'héllo');
  });

  it('talks https through a connection opened by a stream factory (`connect`), as through an SSH tunnel', async () => {
    let opened = 0;
    const connect = () =>
      new Promise<net.Socket>((resolve, reject) => {
        opened++;
        const s = net.connect(trusted.port, '127.0.0.1', () => resolve(s));
        s.once('error', reject);
      });
    const r = await httpRequest('https://app.test/health', { ca, connect });
    assert.equal(r.status, 200);
    assert.equal(opened, 1);
  });

  it('speaks plain http too, and follows a redirect only when asked to', async () => {
    assert.equal((await httpRequest(`http://127.0.0.1:${plain.port}/moved`)).status, 302);
    assert.equal((await httpRequest(`http://127.0.0.1:${plain.port}/moved`, { redirects: 3 })).status, 200);
  });

  it('stops when its abort signal fires', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(httpRequest(`http://127.0.0.1:${plain.port}/health`, { signal: ac.signal }), /abort/i);
  });

  it('refuses a protocol other than http: and https:', async () => {
    await assert.rejects(httpRequest('ftp://127.0.0.1/x'), /unsupported protocol ftp:/);
  });

  it('verify: a POST check sends its headers and JSON body with ${secret:NAME} replaced, and registers the value', async () => {
    const check = verifyCheckSchema.parse({
      method: 'POST',
      path: '/login',
      headers: { Authorization: 'Bearer ${secret:API_TOKEN}' },
      body: { user: 'probe', token: '${secret:API_TOKEN}', n: 1 },
      json: [{ path: 'method', equals: 'POST' }],
    });
    const registered: string[] = [];
    const before = plain.seen.length;
    const [r] = await runVerify(`http://127.0.0.1:${plain.port}`, [check], { secrets: new Map([['API_TOKEN', 's3cr3t-canary']]), register: (v) => registered.push(v) });
    assert.equal(r!.ok, true, r!.problem);
    const s = plain.seen[before]!;
    assert.equal(s.headers.authorization, 'Bearer s3cr3t-canary');
    assert.equal(s.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(s.body), { user: 'probe', token: 's3cr3t-canary', n: 1 });
    assert.deepEqual([...new Set(registered)], ['s3cr3t-canary']);
  });

  it('aws verify: runs the engine checks against an https endpoint with the given CA, following a redirect, and reports a status mismatch', async () => {
    const checks = [verifyCheckSchema.parse({ path: '/moved' }), verifyCheckSchema.parse({ name: 'wants 201', path: '/health', status: 201 })];
    const r = await runChecks(`https://localhost:${trusted.port}`, checks, { ca });
    assert.deepEqual(r, [
      { name: 'GET /moved', ok: true, detail: 'HTTP 200' },
      { name: 'wants 201', ok: false, detail: 'status 200, expected 201' },
    ]);
  });

  it('watch: the deploy --watch loop reads an https health URL, trusting a CA given by NODE_EXTRA_CA_CERTS', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const script = `import { watchRelease } from ${JSON.stringify(path.join(root, 'src/engine/watch.ts'))};
const v = await watchRelease({ state: async () => 'serving', healthUrl: 'https://localhost:${trusted.port}/health' }, { seconds: 0.5, intervalMs: 100, signal: new AbortController().signal, onObservation: (o) => console.log(JSON.stringify(o)) });
console.log(JSON.stringify(v));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, env: { ...process.env, NODE_EXTRA_CA_CERTS: pki.caFile } });
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind?: string; health?: number; error?: string });
    assert.deepEqual(lines.at(-1), { kind: 'healthy' });
    assert.ok(lines.slice(0, -1).every((o) => o.health === 200 && !o.error), stdout);
  });
});
