/**
 * `slipway db open|close` on local and ssh: a port-forward from a loopback port on this
 * machine to the environment's PostgreSQL (which listens on the machine's loopback only),
 * through `Host.connect` — a TCP connect for local, a direct-tcpip channel of the SSH
 * connection for a VM. The command holds it in the foreground until the TTL, Ctrl-C, or
 * `slipway db close` (which removes the lease file the forward watches); then the listener
 * and every forwarded connection close. The lease lives where the environment keeps its
 * state on the machine, so `db close` from another shell (or machine, for ssh) ends it.
 */
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { SlipwayError } from '../../engine/errors.js';
import { poll } from '../../engine/poll.js';
import type { DbWindowCapability, DbWindowOpened, TargetContext } from '../types.js';
import type { DbWindowLease, DbWindowOptions } from '../db-lease.js';
import type { MachineRuntime } from './runtime.js';

const leaseFile = (rt: MachineRuntime) => path.posix.join(rt.layout.root, 'db-window.json');

async function readLease(rt: MachineRuntime): Promise<DbWindowLease | undefined> {
  const text = await rt.host.readFile(leaseFile(rt)).catch(() => undefined);
  if (!text) return undefined;
  try {
    return JSON.parse(text) as DbWindowLease;
  } catch {
    return undefined;
  }
}

/** Listen on 127.0.0.1:`port` (0: any free port) and pipe each connection to `open()`. */
function forward(port: number, open: () => Promise<Duplex>): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket | Duplex>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    sock.pause();
    open().then(
      (up) => {
        sockets.add(up);
        up.on('close', () => sockets.delete(up));
        up.on('error', () => sock.destroy());
        sock.on('close', () => up.destroy());
        up.on('close', () => sock.destroy());
        sock.pipe(up);
        up.pipe(sock);
        sock.resume();
      },
      () => sock.destroy(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address() as net.AddressInfo;
      resolve({
        port: addr.port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

export function machineDbWindow(target: { readonly name: string; runtime(ctx: TargetContext): Promise<MachineRuntime> }): DbWindowCapability {
  return {
    async open(ctx: TargetContext, opts: DbWindowOptions): Promise<DbWindowOpened> {
      const rt = await target.runtime(ctx);
      const db = ctx.envr.database;
      if (!db) throw new SlipwayError({ key: 'db.noDatabase', params: { env: ctx.envr.name }, place: 'database', fix: 'db.noDatabase.fix', exitCode: 2 });
      if (!rt.pg) throw new SlipwayError({ key: 'dbwindow.external', params: { env: ctx.envr.name, name: db.urlSecret ?? '-' }, place: 'database.urlSecret', fix: 'dbwindow.external.fix', exitCode: 2 });
      const info = await rt.pg.info();
      if (!info || !(await rt.pg.isRunning())) throw new SlipwayError({ key: 'dbwindow.notRunning', params: { env: ctx.envr.name }, fix: 'dbwindow.notRunning.fix', fixParams: { env: ctx.envr.name } });
      const fwd = await forward(opts.port ?? 0, () => rt.host.connect({ port: info.port })).catch((e: Error) => {
        throw new SlipwayError({ key: 'dbwindow.portBusy', params: { port: opts.port ?? 0, reason: e.message }, fix: 'dbwindow.portBusy.fix', exitCode: 2 });
      });
      const now = Date.now();
      const until = new Date(now + opts.ttlMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const lease: DbWindowLease = { until, openedAt: new Date(now).toISOString(), user: os.userInfo().username, machine: os.hostname(), pid: process.pid, state: 'open', port: fwd.port };
      const file = leaseFile(rt);
      try {
        await rt.host.writeFile(file, JSON.stringify(lease) + '\n', 0o600);
      } catch (e) {
        await fwd.close();
        throw e;
      }
      const secretFile = path.posix.join(rt.layout.secrets, 'db-password');
      // The live login: after a `db rotate-password` the password in that file is `<user>_alt`'s.
      const user = await rt.pg.login(db.user).catch(() => db.user);
      return {
        lease,
        connection: { host: '127.0.0.1', port: fwd.port, user, database: db.name },
        password: target.name === 'ssh' ? { key: 'dbwindow.password.ssh', params: { where: rt.setup.where, file: secretFile } } : { key: 'dbwindow.password.local', params: { file: secretFile } },
        opened: { key: 'dbwindow.opened.forward', params: { port: fwd.port, where: rt.setup.where, remote: info.port, until, env: ctx.envr.name } },
        async hold(signal: AbortSignal) {
          try {
            const left = Date.parse(until) - Date.now();
            // Checks whether `db close` removed the lease: every second or two (over SSH, one `cat`).
            const r = await poll(async () => {
              const cur = await readLease(rt).catch(() => lease);
              return !cur || cur.pid !== lease.pid || cur.machine !== lease.machine ? { done: true } : undefined;
            }, { initialMs: 1000, maxMs: 2000, factor: 1.5, timeoutMs: Math.max(0, left), signal });
            return r.kind === 'done' ? 'closed' : r.kind === 'timeout' ? 'ttl' : 'interrupted';
          } finally {
            await fwd.close();
            const cur = await readLease(rt).catch(() => undefined);
            if (cur && cur.pid === lease.pid && cur.machine === lease.machine) await rt.host.rm(file).catch(() => undefined);
          }
        },
      };
    },
    async close(ctx) {
      const rt = await target.runtime(ctx);
      const lease = await readLease(rt);
      if (lease) await rt.host.rm(leaseFile(rt));
      return lease;
    },
    async current(ctx) {
      return readLease(await target.runtime(ctx));
    },
  };
}
