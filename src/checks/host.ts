/**
 * Host checks through the `Host` interface (so the SSH target runs the same commands
 * remotely): CPU load, memory, disk, the release's port, Node/npm on a non-interactive
 * PATH, the process manager, and the clock (against a domain's HTTP Date header).
 */
import net from 'node:net';
import path from 'node:path';
import { areaFinder, reason } from './finding.js';
import { parseVersion, targetNodeVersion } from './app.js';
import { probeDomain } from './domains.js';
import type { CheckContext, CheckDef, Finding } from './types.js';
import type { Host } from '../host/types.js';
import { nginxProxies, pm2Apps, postgresBinaries } from './vm.js';

const f = areaFinder('host');

/** Load as a percentage of the cores (1-minute average), from /proc/loadavg and the core count. */
export function loadPercent(loadavg: string, cores: number): number {
  const one = Number.parseFloat(loadavg.trim().split(/\s+/)[0] ?? 'NaN');
  return Math.round((one / Math.max(1, cores)) * 100);
}

/** Used memory in percent from /proc/meminfo (MemTotal − MemAvailable). */
export function memoryPercent(meminfo: string): { percent: number; totalMb: number; availableMb: number } | undefined {
  const get = (k: string) => {
    const m = new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(meminfo);
    return m ? Number(m[1]) : undefined;
  };
  const total = get('MemTotal');
  const avail = get('MemAvailable') ?? (get('MemFree') ?? 0) + (get('Cached') ?? 0) + (get('Buffers') ?? 0);
  if (!total) return undefined;
  return { percent: Math.round(((total - avail) / total) * 100), totalMb: Math.round(total / 1024), availableMb: Math.round(avail / 1024) };
}

/** `df -Pk` output → free KiB and free percent of the filesystem. */
export function parseDf(out: string): { freeKb: number; sizeKb: number; freePercent: number; mount: string } | undefined {
  const line = out.trim().split('\n').slice(1).join(' ').trim();
  const cols = line.split(/\s+/);
  if (cols.length < 6) return undefined;
  const size = Number(cols[1]);
  const avail = Number(cols[3]);
  if (!Number.isFinite(size) || !Number.isFinite(avail) || size <= 0) return undefined;
  return { freeKb: avail, sizeKb: size, freePercent: Math.round((avail / size) * 1000) / 10, mount: cols[5]! };
}

/** Pids listening on `port` according to `ss -ltnpH` output (empty list: listening, holder unknown). */
export function listenersOf(ssOut: string, port: number): { listening: boolean; pids: number[]; procs: string[] } {
  let listening = false;
  const pids = new Set<number>();
  const procs = new Set<string>();
  for (const line of ssOut.split('\n')) {
    const cols = line.trim().split(/\s+/);
    const local = cols.find((c, i) => i >= 3 && /:\d+$/.test(c));
    if (!local || !local.endsWith(`:${port}`)) continue;
    listening = true;
    for (const m of line.matchAll(/\("([^"]*)",pid=(\d+)/g)) {
      pids.add(Number(m[2]));
      procs.add(m[1]!);
    }
  }
  return { listening, pids: [...pids], procs: [...procs] };
}

function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

async function run(host: Host, argv: string[]): Promise<string | undefined> {
  try {
    const r = await host.exec(argv, { timeoutMs: 10000 });
    return r.code === 0 ? r.stdout : undefined;
  } catch {
    return undefined;
  }
}

async function nearestExisting(host: Host, p: string): Promise<string> {
  let cur = p;
  while (!(await host.exists(cur)) && path.dirname(cur) !== cur) cur = path.dirname(cur);
  return cur;
}

async function cpuMemory(ctx: CheckContext, host: Host): Promise<Finding[]> {
  const s = ctx.envr.check;
  const out: Finding[] = [];
  const [loadavg, nproc, meminfo] = await Promise.all([host.readFile('/proc/loadavg').catch(() => undefined), run(host, ['nproc']), host.readFile('/proc/meminfo').catch(() => undefined)]);
  const cores = Number.parseInt(nproc ?? '', 10);
  if (!loadavg || !cores) out.push(f('host.cpu', 'warning', 'checks.host.cpuUnknown', { host: host.name }));
  else {
    const pct = loadPercent(loadavg, cores);
    const params = { percent: pct, max: s.maxCpuLoadPercent, cores, load: loadavg.split(' ')[0] };
    out.push(f('host.cpu', pct > s.maxCpuLoadPercent ? 'warning' : 'passed', pct > s.maxCpuLoadPercent ? 'checks.host.cpuHigh' : 'checks.host.cpuOk', params));
  }
  const mem = meminfo ? memoryPercent(meminfo) : undefined;
  if (!mem) out.push(f('host.memory', 'warning', 'checks.host.memUnknown', { host: host.name }));
  else {
    const params = { ...mem, max: s.maxMemoryPercent };
    out.push(f('host.memory', mem.percent > s.maxMemoryPercent ? 'blocker' : 'passed', mem.percent > s.maxMemoryPercent ? 'checks.host.memHigh' : 'checks.host.memOk', params));
  }
  return out;
}

async function disk(ctx: CheckContext, host: Host): Promise<Finding> {
  const s = ctx.envr.check;
  const dir = await nearestExisting(host, ctx.envr.target.target === 'local' ? ctx.stateDir : ctx.envr.target.target === 'ssh' ? (ctx.envr.target.dir ?? '/srv/slipway') : ctx.stateDir);
  const df = await run(host, ['df', '-Pk', dir]);
  const d = df ? parseDf(df) : undefined;
  if (!d) return f('host.disk', 'warning', 'checks.host.diskUnknown', { dir });
  const freeGb = Math.round((d.freeKb / 1024 / 1024) * 10) / 10;
  const params = { dir, mount: d.mount, freeGb, freePercent: d.freePercent, minGb: s.minDiskFreeGb, minPercent: s.minDiskFreePercent };
  const low = d.freePercent < s.minDiskFreePercent || freeGb < s.minDiskFreeGb;
  return f('host.disk', low ? 'blocker' : 'passed', low ? 'checks.host.diskLow' : 'checks.host.diskOk', params);
}

async function port(ctx: CheckContext, host: Host): Promise<Finding[]> {
  const t = ctx.envr.target;
  if (t.target === 'aws') return [];
  const p = t.port;
  const bindHost = t.target === 'local' ? t.host : '0.0.0.0';
  const ss = await run(host, ['ss', '-ltnpH']);
  if (ss !== undefined) {
    let l = listenersOf(ss, p);
    if (!l.listening) return [f('host.port', 'passed', 'checks.host.portFree', { port: p })];
    if (l.pids.some((x) => !ctx.ownPids.includes(x))) {
      // A child the owner has just forked holds its sockets until it execs: look once more and keep
      // only the holders seen both times.
      await new Promise((r) => setTimeout(r, 200));
      const again = listenersOf((await run(host, ['ss', '-ltnpH'])) ?? ss, p);
      const pids = l.pids.filter((x) => ctx.ownPids.includes(x) || again.pids.includes(x));
      l = { listening: again.listening, pids, procs: pids.length === l.pids.length ? l.procs : again.procs };
      if (!l.listening) return [f('host.port', 'passed', 'checks.host.portFree', { port: p })];
    }
    const own = l.pids.filter((x) => ctx.ownPids.includes(x));
    if (l.pids.length && own.length === l.pids.length) return [f('host.port', 'passed', 'checks.host.portOwn', { port: p, pids: own.join(', ') })];
    if (l.pids.length) {
      const pm2 = await pm2Apps(host, l.pids);
      if (pm2.length) return [f('host.port', 'blocker', 'checks.host.portTakenPm2', { port: p, apps: pm2.join(', '), pids: l.pids.join(', ') })];
      return [f('host.port', 'blocker', 'checks.host.portTaken', { port: p, pids: l.pids.join(', '), procs: l.procs.join(', ') })];
    }
    if (ctx.ownPids.length) return [f('host.port', 'warning', 'checks.host.portUnknownHolder', { port: p })];
    return [f('host.port', 'blocker', 'checks.host.portTakenUnknown', { port: p })];
  }
  if (host.name === 'local') {
    if (await canBind(p, bindHost)) return [f('host.port', 'passed', 'checks.host.portFree', { port: p })];
    return [f('host.port', ctx.ownPids.length ? 'warning' : 'blocker', ctx.ownPids.length ? 'checks.host.portUnknownHolder' : 'checks.host.portTakenUnknown', { port: p })];
  }
  return [f('host.port', 'warning', 'checks.host.portUnchecked', { port: p })];
}

async function toolchain(ctx: CheckContext, host: Host): Promise<Finding[]> {
  const out: Finding[] = [];
  const [node, npm] = await Promise.all([targetNodeVersion(ctx), run(host, ['npm', '--version'])]);
  const v = node.version ? parseVersion(node.version) : undefined;
  if (!v) out.push(f('host.node', 'blocker', 'checks.host.nodeMissing', { host: host.name }));
  else out.push(f('host.node', v[0] >= 18 ? 'passed' : 'blocker', v[0] >= 18 ? 'checks.host.nodeOk' : 'checks.host.nodeOld', { version: node.version }));
  out.push(npm ? f('host.npm', 'passed', 'checks.host.npmOk', { version: npm.trim() }) : f('host.npm', 'blocker', 'checks.host.npmMissing', { host: host.name }));
  // local and ssh: slipway's own supervisor runs the releases (no PM2 or systemd needed).
  out.push(f('host.process-manager', 'info', 'checks.host.pmBuiltin'));
  return out;
}

async function clock(ctx: CheckContext, host: Host): Promise<Finding> {
  const domain = ctx.envr.target.domains?.[0];
  if (!domain) return f('host.clock', 'info', 'checks.host.clockUnchecked');
  const probe = await probeDomain(ctx, domain);
  if (!probe.date) return f('host.clock', 'warning', 'checks.host.clockNoDate', { domain: domain.name, reason: probe.httpError ?? probe.dnsError ?? '-' });
  let local = Date.now();
  if (host.name !== 'local') {
    const s = await run(host, ['date', '+%s']);
    if (!s) return f('host.clock', 'warning', 'checks.host.clockNoDate', { domain: domain.name, reason: 'date +%s failed' });
    local = Number(s.trim()) * 1000 + (Date.now() - probe.dateAt!);
  } else local = probe.dateAt!;
  const skew = Math.round(Math.abs(local - probe.date.getTime()) / 1000);
  const max = ctx.envr.check.maxClockSkewSeconds;
  return f('host.clock', skew > max ? 'blocker' : 'passed', skew > max ? 'checks.host.clockSkewed' : 'checks.host.clockOk', { skew, max, domain: domain.name });
}

function hostCheck(id: string, part: (ctx: CheckContext, host: Host) => Promise<Finding | Finding[]>): CheckDef {
  return {
    id,
    area: 'host',
    async run(ctx) {
      if (ctx.envr.target.target === 'aws') return [];
      if (!ctx.host) return [f(id, 'warning', 'checks.host.noHost')];
      return [await part(ctx, ctx.host)].flat();
    },
  };
}

export const hostChecks: CheckDef[] = [
  hostCheck('host.cpu', cpuMemory),
  hostCheck('host.disk', disk),
  hostCheck('host.port', port),
  hostCheck('host.node', toolchain),
  hostCheck('host.clock', clock),
  hostCheck('host.postgres', postgresBinaries),
  hostCheck('host.nginx', nginxProxies),
];
