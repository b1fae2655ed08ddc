/**
 * Client of the supervisor's control API: JSON over HTTP on a unix socket (0600) on the
 * machine, reached through the host (a local socket, or an SSH stream-local channel).
 * Release env — secrets included — travels only over this channel, never on a command line.
 */
import http from 'node:http';
import { createConnectionVia } from '../../engine/net.js';
import type { Host } from '../../host/types.js';
import type { Traffic } from './proxy.js';
import type { ProcInfo, StartRequest, SupervisorStatus } from './supervisor.js';

export class SupervisorClient {
  constructor(private readonly host: Pick<Host, 'connect'>, readonly socketPath: string) {}

  private request<T>(method: string, urlPath: string, body?: unknown, timeoutMs = 60_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? '' : JSON.stringify(body);
      const req = http.request(
        {
          createConnection: createConnectionVia(() => this.host.connect({ socket: this.socketPath })),
          method,
          path: urlPath,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
          timeout: timeoutMs,
        },
        (res) => {
          let raw = '';
          res.on('data', (c: Buffer) => (raw += c.toString('utf8')));
          res.on('end', () => {
            const data = raw ? (JSON.parse(raw) as T & { error?: string }) : ({} as T & { error?: string });
            if ((res.statusCode ?? 500) >= 300) reject(new Error(data.error ?? `supervisor answered ${res.statusCode}`));
            else resolve(data);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('supervisor did not answer in time')));
      req.on('error', reject);
      req.end(payload);
    });
  }

  status(): Promise<SupervisorStatus> {
    return this.request('GET', '/status', undefined, 5000);
  }
  /** The proxy's counts per release since its switch (a supervisor older than this answers 404: rejected). */
  async traffic(): Promise<Record<string, Traffic>> {
    return (await this.request<{ traffic: Record<string, Traffic> }>('GET', '/traffic', undefined, 5000)).traffic;
  }
  start(req: StartRequest): Promise<ProcInfo> {
    return this.request('POST', '/start', req);
  }
  switchTo(release: string | null): Promise<{ previous: string | null }> {
    return this.request('POST', '/switch', { release });
  }
  stop(release: string, drainMs: number): Promise<{ drained: boolean }> {
    return this.request('POST', '/stop', { release, drainMs }, drainMs + 30_000);
  }
  shutdown(): Promise<{ ok: boolean }> {
    return this.request('POST', '/shutdown', {}, 30_000);
  }
  async alive(): Promise<boolean> {
    try {
      await this.status();
      return true;
    } catch {
      return false;
    }
  }
}
