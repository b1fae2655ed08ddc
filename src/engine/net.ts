/** Small network helpers: a free loopback port, an HTTP request with a timeout. */
import net from 'node:net';
import http from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Node's `http.request` over a stream opened by someone else (a unix socket, an SSH channel
 * to a port on a VM): the asynchronous form of `createConnection`.
 */
export function createConnectionVia(open: () => Promise<Duplex>): NonNullable<http.ClientRequestArgs['createConnection']> {
  return (_opts, oncreate) => {
    open().then(
      (s) => oncreate(null, s as net.Socket),
      (e: Error) => oncreate(e, undefined as unknown as net.Socket),
    );
    return undefined as unknown as net.Socket;
  };
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
}

export interface HttpOptions {
  method?: string;
  timeoutMs?: number;
  /** Open the connection yourself (e.g. a tunnel to a port on a VM) instead of a TCP connect. */
  connect?: () => Promise<Duplex>;
}

export function httpRequest(url: string, opts: HttpOptions = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const via = opts.connect ? { createConnection: createConnectionVia(opts.connect) } : { agent: false as const };
    const req = http.request(url, { method: opts.method ?? 'GET', timeout: opts.timeoutMs ?? 5000, ...via }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < 1_000_000) body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs ?? 5000} ms`)));
    req.on('error', reject);
    req.end();
  });
}
