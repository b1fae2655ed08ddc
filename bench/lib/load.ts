/**
 * An open-loop HTTP load generator: requests leave at a fixed rate whatever the latency
 * (a slow or stuck server does not slow the sender down), over one keep-alive agent,
 * only to a loopback URL (or a host the caller names, e.g. a test VM's address), for a
 * bounded time and number of requests.
 */
import http from 'node:http';
import { nowMs } from './proc.js';
import { ascending, percentile } from './stats.js';

export interface Sample {
  /** Epoch ms when the request was sent and when it finished. */
  start: number;
  end: number;
  ms: number;
  /** HTTP status, or 0 on a transport error. */
  status: number;
  error?: string;
}

export interface LoadOptions {
  url: string;
  /** Requests per second. */
  rate: number;
  /** Hard stop, whatever happens. */
  maxSeconds: number;
  /** Hard stop after this many requests (default: no bound but `maxSeconds`). */
  maxRequests?: number;
  /** A request that has not finished after this counts as failed. */
  timeoutMs?: number;
  /** Hosts other than loopback the load may go to (e.g. a test VM's address). */
  allowHosts?: readonly string[];
}

export class LoadGenerator {
  private readonly samples: Sample[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private started = 0;
  private sent = 0;

  constructor(private readonly opts: LoadOptions) {
    const u = new URL(opts.url);
    const allowed = ['127.0.0.1', 'localhost', ...(opts.allowHosts ?? [])];
    if (!allowed.includes(u.hostname)) throw new Error(`load only goes to ${allowed.join(', ')}, not ${u.hostname}`);
    if (!(opts.rate > 0 && opts.rate <= 2000)) throw new Error(`rate must be in (0, 2000] requests/s, got ${opts.rate}`);
  }

  start(): void {
    this.started = nowMs();
    const tick = () => {
      if (this.stopped) return;
      const now = nowMs();
      if (now - this.started > this.opts.maxSeconds * 1000) {
        this.stopped = true;
        return;
      }
      // Catch up on every slot that is due: the schedule is by the clock, not by answers.
      const due = Math.floor(((now - this.started) / 1000) * this.opts.rate) + 1;
      const cap = this.opts.maxRequests ?? Infinity;
      if (this.sent >= cap) {
        this.stopped = true;
        return;
      }
      while (this.sent < Math.min(due, cap)) {
        this.sent++;
        this.fire();
      }
      const next = this.started + (this.sent / this.opts.rate) * 1000;
      this.timer = setTimeout(tick, Math.max(0, next - nowMs()));
    };
    tick();
  }

  /** Requests sent so far. */
  get count(): number {
    return this.sent;
  }

  /** True once a bound (time or count) stopped the load, or after stop(). */
  get done(): boolean {
    return this.stopped;
  }

  private fire(): void {
    const start = nowMs();
    const p = new Promise<void>((resolve) => {
      let settled = false;
      const done = (status: number, error?: string) => {
        if (settled) return;
        settled = true;
        const end = nowMs();
        this.samples.push({ start, end, ms: end - start, status, ...(error ? { error } : {}) });
        resolve();
      };
      const req = http.get(this.opts.url, { agent: this.agent, timeout: this.opts.timeoutMs ?? 10_000 }, (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
        res.on('error', (e) => done(0, e.message));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => done(0, (e as NodeJS.ErrnoException).code ?? e.message));
    });
    this.inflight.add(p);
    void p.then(() => this.inflight.delete(p));
  }

  /** Stop sending, wait for what is in flight, return every sample. */
  async stop(): Promise<Sample[]> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all([...this.inflight]);
    this.agent.destroy();
    return [...this.samples].sort((a, b) => a.start - b.start);
  }
}

export interface WindowStats {
  sent: number;
  failed: number;
  p50: number;
  p99: number;
  max: number;
  /** Failures grouped by status / error code, e.g. `{ "502": 3, "ECONNRESET": 1 }`. */
  failures: Record<string, number>;
}

export const isOk = (s: Sample) => s.status >= 200 && s.status < 300;

/** Requests *sent* between `from` and `to` (epoch ms). */
export function windowStats(samples: readonly Sample[], from: number, to: number): WindowStats {
  const inWin = samples.filter((s) => s.start >= from && s.start <= to);
  const lat = ascending(inWin.map((s) => s.ms));
  const failures: Record<string, number> = {};
  for (const s of inWin) {
    if (isOk(s)) continue;
    const k = s.status ? String(s.status) : (s.error ?? 'error');
    failures[k] = (failures[k] ?? 0) + 1;
  }
  return {
    sent: inWin.length,
    failed: inWin.filter((s) => !isOk(s)).length,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    max: lat.length ? lat[lat.length - 1]! : Number.NaN,
    failures,
  };
}
