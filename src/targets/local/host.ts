/** The local machine as a Host: child processes without a shell, atomic file writes. */
import { spawn } from 'node:child_process';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { ExecOptions, ExecResult, Host, SpawnDetachedOptions } from '../host.js';

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

export class LocalHost implements Host {
  readonly name = 'local';

  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const ident = opts.user ? userIds(opts.user) : undefined;
      const child = spawn(argv[0]!, argv.slice(1), {
        cwd: opts.cwd,
        env: { ...baseEnv(), ...(ident ? { HOME: ident.home, USER: opts.user! } : {}), ...opts.env },
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
          if (stream === 'stdout') stdout += s;
          else stderr += s;
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
        child.stdin.end(opts.input);
      }
    });
  }

  async spawnDetached(argv: readonly string[], opts: SpawnDetachedOptions): Promise<number> {
    await mkdir(path.dirname(opts.logFile), { recursive: true });
    const fh = await open(opts.logFile, 'a', 0o600);
    try {
      const child = spawn(argv[0]!, argv.slice(1), {
        cwd: opts.cwd,
        env: { ...baseEnv(), ...opts.env },
        detached: true,
        stdio: ['ignore', fh.fd, fh.fd],
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

  async writeFile(p: string, data: string, mode = 0o600): Promise<void> {
    await mkdir(path.dirname(p), { recursive: true });
    const tmp = `${p}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, data, { mode });
    await rename(tmp, p);
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
    try {
      await stat(p);
      return true;
    } catch {
      return false;
    }
  }


  async isAlive(pid: number): Promise<boolean> {
    return isAlive(pid);
  }
}

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function killGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    /* the group is gone */
  }
}

/** Stop a process group a step started (recorded in the journal), if it is still that group. */
export async function stopGroup(pgid: unknown): Promise<void> {
  if (typeof pgid !== 'number' || !isAlive(pgid)) return;
  const { readFile } = await import('node:fs/promises');
  // /proc/<pid>/stat field 5 is the process group: only a group leader with that id is ours.
  const stat = await readFile(`/proc/${pgid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (Number(fields[2]) !== pgid) return;
  killGroup(pgid, 'SIGTERM');
  for (let i = 0; i < 50 && isAlive(pgid); i++) await new Promise((r) => setTimeout(r, 100));
  killGroup(pgid, 'SIGKILL');
}
