/** This machine as a Host: child processes without a shell, atomic and durable file writes. */
import { hashTap } from './hash-tap.js';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Duplex, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ExecOptions, ExecResult, FileInfo, Host, HostEndpoint, SpawnDetachedOptions, UploadResult } from './types.js';
import { isAlive, killGroup, stopGroup } from './proc.js';
import { copyMismatch } from './errors.js';

/** Variables a child may inherit; everything else (secrets of the CLI's own env) is dropped. */
const INHERIT = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER', 'LOGNAME', 'SHELL', 'npm_config_cache', 'NODE_EXTRA_CA_CERTS'];

export function baseEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of INHERIT) {
    const v = process.env[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

const ids = new Map<string, { uid: number; gid: number; home: string }>();
/** uid/gid of a system user (cached). */
export function userIds(user: string): { uid: number; gid: number; home: string } {
  let v = ids.get(user);
  if (!v) {
    const line = execFileSync('getent', ['passwd', user], { encoding: 'utf8' }).trim();
    const f = line.split(':');
    v = { uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '/' };
    ids.set(user, v);
  }
  return v;
}

/** Run as `user` only when that is not who we are already. */
function identity(user: string | undefined): { uid: number; gid: number; home: string } | undefined {
  if (!user || user === os.userInfo().username) return undefined;
  return userIds(user);
}

let tmpSeq = 0;
const tmpName = (p: string) => `${p}.${process.pid}.${Date.now()}.${tmpSeq++}.tmp`;

export class LocalHost implements Host {
  readonly name = 'local';
  readonly local = true;

  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const ident = identity(opts.user);
      const child = spawn(argv[0]!, argv.slice(1), {
        // Another user may not be able to enter our working directory (e.g. under /root).
        cwd: opts.cwd ?? (ident ? '/' : undefined),
        env: { ...baseEnv(), ...(ident ? { HOME: ident.home, USER: opts.user!, LOGNAME: opts.user! } : {}), ...opts.env },
        stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        ...(ident ? { uid: ident.uid, gid: ident.gid } : {}),
        ...(opts.signal && !opts.onGroup ? { signal: opts.signal } : {}),
        ...(opts.onGroup ? { detached: true } : {}),
      });
      if (opts.onGroup && child.pid) {
        opts.onGroup(child.pid);
        // An abort stops the whole group, not only the shell at its head.
        const stop = () => killGroup(child.pid!, 'SIGTERM');
        if (opts.signal?.aborted) stop();
        opts.signal?.addEventListener('abort', stop, { once: true });
        child.once('close', () => opts.signal?.removeEventListener('abort', stop));
      }
      let stdout = '';
      let stderr = '';
      const lines = (stream: 'stdout' | 'stderr') => {
        let buf = '';
        return (chunk: Buffer) => {
          const s = chunk.toString('utf8');
          if (!opts.discard && stream === 'stdout') stdout += s;
          if (!opts.discard && stream === 'stderr') stderr += s;
          if (!opts.onLine) return;
          buf += s;
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) {
            opts.onLine(buf.slice(0, i), stream);
            buf = buf.slice(i + 1);
          }
        };
      };
      child.stdout!.on('data', lines('stdout'));
      child.stderr!.on('data', lines('stderr'));
      const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
      child.on('error', (e) => {
        if (timer) clearTimeout(timer);
        reject(e);
      });
      child.on('close', (code, sig) => {
        if (timer) clearTimeout(timer);
        resolve({ code: code ?? (sig ? 128 + (os.constants.signals[sig] ?? 0) : 1), stdout, stderr });
      });
      if (child.stdin) {
        child.stdin.on('error', () => undefined); // the child may exit before reading its input
        if (typeof opts.input === 'string') child.stdin.end(opts.input);
        else if (opts.input) opts.input.pipe(child.stdin);
        else child.stdin.end();
      }
    });
  }

  async spawnDetached(argv: readonly string[], opts: SpawnDetachedOptions): Promise<number> {
    await mkdir(path.dirname(opts.logFile), { recursive: true });
    const ident = identity(opts.user);
    const fh = await open(opts.logFile, 'a', 0o600);
    if (ident) await fh.chown(ident.uid, ident.gid);
    try {
      const child = spawn(argv[0]!, argv.slice(1), {
        cwd: opts.cwd ?? (ident ? '/' : undefined),
        env: { ...baseEnv(), ...opts.env },
        detached: true,
        stdio: ['ignore', fh.fd, fh.fd],
        ...(ident ? { uid: ident.uid, gid: ident.gid } : {}),
      });
      const pid = await new Promise<number>((resolve, reject) => {
        child.once('error', reject);
        child.once('spawn', () => resolve(child.pid!));
      });
      child.unref();
      return pid;
    } finally {
      await fh.close();
    }
  }

  async readFile(p: string): Promise<string | undefined> {
    try {
      return await readFile(p, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  readFiles(paths: readonly string[]): Promise<(string | undefined)[]> {
    return Promise.all(paths.map((p) => this.readFile(p)));
  }

  async writeFile(p: string, data: string, mode = 0o600): Promise<void> {
    await mkdir(path.dirname(p), { recursive: true });
    const tmp = tmpName(p);
    await writeFile(tmp, data, { mode });
    await rename(tmp, p);
  }

  async createExclusive(p: string, data: string, mode = 0o600): Promise<boolean> {
    await mkdir(path.dirname(p), { recursive: true });
    const tmp = tmpName(p);
    await writeFile(tmp, data, { mode });
    try {
      // link(2) fails if the name exists: the content is in place the instant the name is.
      await link(tmp, p);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  async appendDurable(p: string, data: string, mode = 0o600): Promise<void> {
    await mkdir(path.dirname(p), { recursive: true });
    const fh = await open(p, 'a', mode);
    try {
      await fh.write(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  async mkdir(p: string, opts: { exclusive?: boolean; mode?: number } = {}): Promise<boolean> {
    if (!opts.exclusive) {
      await mkdir(p, { recursive: true, ...(opts.mode ? { mode: opts.mode } : {}) });
      return true;
    }
    await mkdir(path.dirname(p), { recursive: true });
    try {
      await mkdir(p, opts.mode ? { mode: opts.mode } : {});
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  }

  async rm(p: string): Promise<void> {
    await rm(p, { recursive: true, force: true });
  }

  async exists(p: string): Promise<boolean> {
    return (await this.stat(p)) !== undefined;
  }

  async stat(p: string): Promise<FileInfo | undefined> {
    try {
      const s = await stat(p);
      return { size: s.size, mtimeMs: s.mtimeMs, isDirectory: s.isDirectory() };
    } catch {
      return undefined;
    }
  }

  statFiles(paths: readonly string[]): Promise<(FileInfo | undefined)[]> {
    return Promise.all(paths.map((p) => this.stat(p)));
  }

  async list(dir: string): Promise<string[]> {
    return readdir(dir).catch(() => []);
  }

  async rename(from: string, to: string): Promise<void> {
    await mkdir(path.dirname(to), { recursive: true });
    await rename(from, to);
  }

  async isAlive(pid: number): Promise<boolean> {
    return isAlive(pid);
  }

  stopGroup(pgid: number, graceMs?: number): Promise<void> {
    return stopGroup(pgid, graceMs);
  }

  async upload(src: Readable, dest: string, opts: { sha256?: string; mode?: number } = {}): Promise<UploadResult> {
    await mkdir(path.dirname(dest), { recursive: true });
    const hash = createHash('sha256');
    let bytes = 0;
    src.on('data', (c: Buffer) => {
      hash.update(c);
      bytes += c.length;
    });
    const tmp = tmpName(dest);
    await pipeline(src, createWriteStream(tmp, { mode: opts.mode ?? 0o600 }));
    const sha256 = hash.digest('hex');
    if (opts.sha256 && opts.sha256 !== sha256) {
      await rm(tmp, { force: true });
      throw copyMismatch(this.name, dest, sha256, opts.sha256);
    }
    await rename(tmp, dest);
    return { sha256, bytes };
  }

  async download(src: string, dest: Writable, opts: { sha256?: string } = {}): Promise<UploadResult> {
    const h = hashTap();
    await pipeline(createReadStream(src), h.tap, dest);
    const { sha256, bytes } = h.result();
    if (opts.sha256 && opts.sha256 !== sha256) throw copyMismatch(this.name, src, sha256, opts.sha256);
    return { sha256, bytes };
  }

  async readStream(p: string): Promise<Readable> {
    return createReadStream(p);
  }

  async readFrom(p: string, offset: number): Promise<{ text: string; size: number }> {
    const s = await this.stat(p);
    if (!s || s.size <= offset) return { text: '', size: s?.size ?? 0 };
    const fh = await open(p, 'r');
    try {
      const buf = Buffer.alloc(s.size - offset);
      await fh.read(buf, 0, buf.length, offset);
      return { text: buf.toString('utf8'), size: s.size };
    } finally {
      await fh.close();
    }
  }

  connect(to: HostEndpoint): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      const s = 'socket' in to ? net.connect(to.socket) : net.connect(to.port, to.address ?? '127.0.0.1');
      s.once('connect', () => {
        s.off('error', reject);
        resolve(s);
      });
      s.once('error', reject);
    });
  }

  freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
  }

  async close(): Promise<void> {}
}
