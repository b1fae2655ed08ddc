/**
 * The stable-port proxy. Every request goes to the active upstream chosen at the moment
 * it arrives; switching changes where *new* requests go while in-flight ones finish on
 * the old upstream — which is what makes the cutover lose no request.
 */
import http from 'node:http';
import net from 'node:net';

export interface Upstream {
  id: string;
  port: number;
  inflight: number;
  agent: http.Agent;
}

/** What the proxy counted for a release since it was switched to (the shape of `engine/window.ts`'s TrafficCounts). */
export interface Traffic {
  since: string;
  total: number;
  classes: Record<string, number>;
  routes5xx: Record<string, number>;
}

/** Routes a release's 5xx are counted by; the rest go under OTHER_ROUTES (paths with ids must not grow the map). */
export const MAX_ROUTES = 50;
export const OTHER_ROUTES = '(other routes)';
/** slipway's own probes (the window's health checks) carry this header and are not counted. */
export const PROBE_HEADER = 'x-slipway-probe';

const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

export class SwitchingProxy {
  private active: Upstream | undefined;
  private readonly upstreams = new Map<string, Upstream>();
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly counts = new Map<string, Traffic>();
  readonly server: http.Server;

  constructor(private readonly upstreamHost = '127.0.0.1') {
    this.server = http.createServer((req, res) => this.forward(req, res));
    this.server.keepAliveTimeout = 65_000;
    this.server.on('upgrade', (req, socket, head) => this.tunnel(req, socket as net.Socket, head));
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
  }

  get activeId(): string | undefined {
    return this.active?.id;
  }

  /** Answers counted per release since it was last switched to. */
  traffic(): Record<string, Traffic> {
    return Object.fromEntries([...this.counts].map(([id, t]) => [id, { ...t, classes: { ...t.classes }, routes5xx: { ...t.routes5xx } }]));
  }

  private count(id: string, req: http.IncomingMessage, status: number): void {
    if (req.headers[PROBE_HEADER] !== undefined) return;
    const t = this.counts.get(id);
    if (!t) return;
    t.total++;
    const cls = `${Math.floor(status / 100)}xx`;
    t.classes[cls] = (t.classes[cls] ?? 0) + 1;
    if (status < 500) return;
    // The path only: a query string may carry tokens.
    let route = `${req.method ?? '?'} ${(req.url ?? '/').split('?')[0]!.slice(0, 200)}`;
    if (t.routes5xx[route] === undefined && Object.keys(t.routes5xx).length >= MAX_ROUTES) route = OTHER_ROUTES;
    t.routes5xx[route] = (t.routes5xx[route] ?? 0) + 1;
  }

  inflight(id: string): number {
    return this.upstreams.get(id)?.inflight ?? 0;
  }

  /** Send new requests to `id` on `port` (undefined: serve 503). */
  switchTo(target: { id: string; port: number } | undefined): string | undefined {
    const previous = this.active?.id;
    if (!target) {
      this.active = undefined;
      return previous;
    }
    let up = this.upstreams.get(target.id);
    if (!up || up.port !== target.port) {
      up = { id: target.id, port: target.port, inflight: 0, agent: new http.Agent({ keepAlive: true, maxSockets: 256 }) };
      this.upstreams.set(target.id, up);
    }
    // A switch starts the release's counts afresh: the window judges what it answered since.
    if (previous !== target.id) this.counts.set(target.id, { since: new Date().toISOString(), total: 0, classes: {}, routes5xx: {} });
    this.active = up;
    return previous;
  }

  /** Resolve when `id` has no request in flight (or after `timeoutMs`). */
  async drain(id: string, timeoutMs: number): Promise<boolean> {
    const up = this.upstreams.get(id);
    if (!up || up.inflight === 0) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      const list = this.waiters.get(id) ?? [];
      list.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
      this.waiters.set(id, list);
    });
  }

  forget(id: string): void {
    const up = this.upstreams.get(id);
    if (up && this.active !== up) {
      up.agent.destroy();
      this.upstreams.delete(id);
      this.counts.delete(id);
    }
  }

  private done(up: Upstream): void {
    up.inflight--;
    if (up.inflight === 0) {
      const list = this.waiters.get(up.id);
      this.waiters.delete(up.id);
      for (const w of list ?? []) w();
    }
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const up = this.active;
    if (!up) {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end('{"error":"no release is serving"}');
      return;
    }
    up.inflight++;
    let finished = false;
    const finish = () => {
      if (!finished) {
        finished = true;
        this.done(up);
      }
    };
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k) && v !== undefined) headers[k] = v;
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
    headers['x-forwarded-proto'] = 'http';
    if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
    // A bodiless request that failed on a pooled connection the app had just closed is
    // safe to send once more on a fresh one.
    const retryable = req.method === 'GET' || req.method === 'HEAD';
    const send = (attempt: number): void => {
      const preq = http.request(
        { host: this.upstreamHost, port: up.port, method: req.method, path: req.url, headers, agent: up.agent },
        (pres) => {
          this.count(up.id, req, pres.statusCode ?? 502);
          const out: http.OutgoingHttpHeaders = {};
          for (const [k, v] of Object.entries(pres.headers)) if (!HOP.has(k) && v !== undefined) out[k] = v;
          res.writeHead(pres.statusCode ?? 502, out);
          pres.pipe(res);
          pres.on('end', finish);
          pres.on('error', finish);
        },
      );
      preq.on('error', (err: NodeJS.ErrnoException) => {
        if (attempt === 0 && retryable && preq.reusedSocket && err.code === 'ECONNRESET' && !res.headersSent) return send(1);
        finish();
        if (!res.headersSent) {
          this.count(up.id, req, 502);
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end('{"error":"upstream failed"}');
        } else res.destroy();
      });
      if (retryable) preq.end();
      else req.pipe(preq);
    };
    res.on('close', finish);
    send(0);
  }

  /** WebSocket and other upgrades: a raw TCP tunnel to the active upstream. */
  private tunnel(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    const up = this.active;
    if (!up) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\n\r\n');
      return;
    }
    const conn = net.connect(up.port, this.upstreamHost, () => {
      let raw = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`;
      for (let i = 0; i < req.rawHeaders.length; i += 2) raw += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
      conn.write(raw + '\r\n');
      if (head.length) conn.write(head);
      conn.pipe(socket).pipe(conn);
    });
    conn.on('error', () => socket.destroy());
    socket.on('error', () => conn.destroy());
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
      for (const up of this.upstreams.values()) up.agent.destroy();
    });
  }
}
