/**
 * Small network helpers: a free loopback port, and the one HTTP client every verify, watch
 * and health path uses (http and https, custom CA, a connection opened by someone else,
 * timeout, abort signal, method/headers/body).
 */
import net from 'node:net';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';

/**
 * Node's `http.request` over a stream opened by someone else (a unix socket, an SSH channel
 * to a port on a VM): the asynchronous form of `createConnection`. With `tls`, the stream is
 * wrapped in a TLS client first (https through a tunnel).
 */
export function createConnectionVia(open: () => Promise<Duplex>, tlsOpts?: tls.ConnectionOptions): NonNullable<http.ClientRequestArgs['createConnection']> {
  return (_opts, oncreate) => {
    open().then(
      (s) => oncreate(null, (tlsOpts ? tls.connect({ ...tlsOpts, socket: s }) : s) as net.Socket),
      (e: Error) => oncreate(e, undefined as unknown as net.Socket),
    );
    return undefined as unknown as net.Socket;
  };
}

/** Whether something accepts TCP connections on `host:port` now. */
export function accepts(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, host, () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface HttpAnswer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
  /** When the response headers arrived (ms since the epoch). */
  at: number;
}

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Open the connection yourself (e.g. a tunnel to a port on a VM) instead of a TCP connect. */
  connect?: () => Promise<Duplex>;
  /** https: trusted CAs (PEM) instead of Node's default store. */
  ca?: string | string[];
  /** https: the name sent as SNI and checked against the certificate (default: the URL's host). */
  servername?: string;
  /** https: false accepts any certificate (for a caller that judges the chain itself). */
  rejectUnauthorized?: boolean;
  /** Follow up to this many redirects (not through `connect`); default 0. */
  redirects?: number;
}

const MAX_BODY = 1_000_000;
const REDIRECT = new Set([301, 302, 303, 307, 308]);

export async function httpRequest(url: string, opts: HttpOptions = {}): Promise<HttpAnswer> {
  let target = new URL(url);
  let current = opts;
  for (let left = opts.connect ? 0 : (opts.redirects ?? 0); ; left--) {
    const answer = await requestOnce(target, current);
    const location = answer.headers.location;
    if (left <= 0 || !REDIRECT.has(answer.status) || !location) return answer;
    const next = new URL(location, target);
    const keepBody = answer.status === 307 || answer.status === 308;
    // Headers (which may carry secrets) go only to the same host.
    current = {
      ...current,
      method: keepBody ? current.method : current.method === 'HEAD' ? 'HEAD' : 'GET',
      ...(keepBody ? {} : { body: undefined }),
      ...(next.hostname === target.hostname ? {} : { headers: undefined }),
    };
    target = next;
  }
}

function requestOnce(url: URL, opts: HttpOptions): Promise<HttpAnswer> {
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') return Promise.reject(new Error(`unsupported protocol ${url.protocol} (http: or https:)`));
  const timeoutMs = opts.timeoutMs ?? 5000;
  const tlsOpts: tls.ConnectionOptions = {
    ...(opts.ca ? { ca: opts.ca } : {}),
    ...(opts.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
    servername: opts.servername ?? url.hostname.replace(/^\[|\]$/g, ''),
  };
  // An IP address is not a valid SNI name; Node warns when one is sent.
  if (net.isIP(tlsOpts.servername ?? '')) delete tlsOpts.servername;
  const via = opts.connect ? { createConnection: createConnectionVia(opts.connect, secure ? tlsOpts : undefined) } : { agent: false as const, ...(secure ? tlsOpts : {}) };
  const headers: Record<string, string | number> = { ...opts.headers };
  if (opts.body !== undefined) headers['content-length'] = Buffer.byteLength(opts.body);
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(url, { method: opts.method ?? 'GET', headers, timeout: timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}), ...via }, (res) => {
      const at = Date.now();
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < MAX_BODY) body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers, at }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}
