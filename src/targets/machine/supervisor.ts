/**
 * The per-environment supervisor: a small detached process that owns the stable port
 * (SwitchingProxy), keeps the active release alive (restart with backoff), starts
 * candidates, drains and stops old releases, and answers a JSON control API on a unix
 * socket. It holds release env (secrets included) only in memory and redacts app
 * output with those values before writing logs. Its state file lists pids, never env.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { chmod, mkdir, rm, writeFile, rename } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { Redactor } from '../../engine/redact.js';
import { accepts, freePort } from '../../engine/net.js';
import { poll } from '../../engine/poll.js';
import { expandEnvRefs } from '../../engine/env-refs.js';
import { SwitchingProxy } from './proxy.js';
import { isAlive, killGroup } from '../../host/proc.js';
import { asLang, supervisorLine } from './supervisor-text.js';

export interface StartRequest {
  release: string;
  cwd: string;
  command: string;
  env: Record<string, string>;
  /** Which env entries are secret: their values are masked in the app's log. */
  secretNames: string[];
  port: number;
  /** The language of the supervisor's lines in this release's log (the CLI's). */
  lang?: string;
}

export interface ProcInfo {
  release: string;
  pid: number;
  port: number;
  state: 'running' | 'exited' | 'stopping';
  restarts: number;
  exitCode: number | null;
  startedAt: string;
}

export interface SupervisorStatus {
  pid: number;
  startedAt: string;
  port: number;
  active: string | undefined;
  processes: ProcInfo[];
}

interface Managed {
  req: StartRequest;
  child: ChildProcess | undefined;
  info: ProcInfo;
  log: WriteStream;
  stopping: boolean;
  recentExits: number[];
}

export interface SupervisorPaths {
  stateDir: string;
  socket: string;
  stateFile: string;
  logDir: string;
}

export class Supervisor {
  private readonly proxy = new SwitchingProxy();
  private readonly procs = new Map<string, Managed>();
  private readonly redactor = new Redactor();
  private control: http.Server | undefined;
  private readonly startedAt = new Date().toISOString();

  constructor(private readonly paths: SupervisorPaths, private readonly port: number, private readonly host: string) {}

  async start(): Promise<void> {
    await this.killOrphans();
    await mkdir(this.paths.logDir, { recursive: true });
    await mkdir(path.dirname(this.paths.stateFile), { recursive: true });
    await this.proxy.listen(this.port, this.host);
    await rm(this.paths.socket, { force: true });
    this.control = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.control!.once('error', reject);
      this.control!.listen(this.paths.socket, () => resolve());
    });
    await chmod(this.paths.socket, 0o600);
    await this.persist();
    process.on('uncaughtException', (e) => console.error(supervisorLine('supervisor.error', { reason: e.stack ?? e.message })));
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => void this.shutdown().then(() => process.exit(0)));
  }

  /** Processes a previous supervisor (killed) left behind: stop them, they hold ports. */
  private async killOrphans(): Promise<void> {
    let prev: { processes?: { pid: number; release: string }[] } = {};
    try {
      prev = JSON.parse(readFileSync(this.paths.stateFile, 'utf8')) as typeof prev;
    } catch {
      return;
    }
    for (const p of prev.processes ?? []) {
      if (isAlive(p.pid) && belongsTo(p.pid, p.release)) killGroup(p.pid, 'SIGKILL');
    }
  }

  private persisting: Promise<void> = Promise.resolve();

  /** Write pids and ports (never env) for a successor to clean up; writes are serialised. */
  private persist(): Promise<void> {
    this.persisting = this.persisting.then(async () => {
      const status = this.status();
      const tmp = `${this.paths.stateFile}.${process.pid}.tmp`;
      try {
        await writeFile(tmp, JSON.stringify({ ...status, processes: status.processes.map(({ release, pid, port }) => ({ release, pid, port })) }, null, 2), { mode: 0o600 });
        await rename(tmp, this.paths.stateFile);
      } catch (e) {
        console.error(supervisorLine('supervisor.stateNotWritten', { file: this.paths.stateFile, reason: e instanceof Error ? e.message : String(e) }));
      }
    });
    return this.persisting;
  }

  status(): SupervisorStatus {
    return {
      pid: process.pid,
      startedAt: this.startedAt,
      port: this.port,
      active: this.proxy.activeId,
      processes: [...this.procs.values()].map((m) => ({ ...m.info })),
    };
  }

  private spawnRelease(m: Managed): void {
    const { req } = m;
    // Through the shell as written, so Procfile forms work (`NODE_ENV=production npm start`, `a && b`);
    // the release is its own process group, so stopping it stops everything the shell started.
    const child = spawn('/bin/sh', ['-c', execForm(req.command)], {
      cwd: req.cwd,
      env: { ...machineBase(), ...expandEnvRefs({ ...req.env, PORT: String(req.port) }), SLIPWAY_RELEASE: req.release },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    m.child = child;
    m.info.pid = child.pid ?? -1;
    m.info.state = 'running';
    m.info.exitCode = null;
    m.info.startedAt = new Date().toISOString();
    const pipeLines = (stream: NodeJS.ReadableStream) => {
      let buf = '';
      stream.on('data', (chunk: Buffer) => {
        buf += chunk.toString('utf8');
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          m.log.write(`${new Date().toISOString()} ${this.redactor.redact(buf.slice(0, i))}\n`);
          buf = buf.slice(i + 1);
        }
      });
    };
    pipeLines(child.stdout!);
    pipeLines(child.stderr!);
    child.on('exit', (code, signal) => {
      m.info.state = 'exited';
      m.info.exitCode = code ?? (signal ? 128 : 1);
      m.log.write(`${supervisorLine('supervisor.processExited', { code: code ?? '-', signal: signal ?? '-' }, req.lang === undefined ? undefined : asLang(req.lang))}\n`);
      void this.persist();
      if (m.stopping || this.proxy.activeId !== req.release) return;
      // The serving release died: restart it, backing off when it keeps dying.
      const now = Date.now();
      m.recentExits = [...m.recentExits.filter((t) => now - t < 60_000), now];
      const delay = Math.min(30_000, 250 * 2 ** Math.min(7, m.recentExits.length - 1));
      setTimeout(() => {
        if (m.stopping || this.proxy.activeId !== req.release) return;
        m.info.restarts++;
        this.spawnRelease(m);
        void this.persist();
      }, delay).unref();
    });
  }

  async startRelease(req: StartRequest): Promise<ProcInfo> {
    const existing = this.procs.get(req.release);
    if (existing && existing.info.state === 'running') return existing.info;
    for (const name of req.secretNames) {
      const v = req.env[name];
      if (v) this.redactor.add(v);
    }
    const log = existing?.log ?? createWriteStream(path.join(this.paths.logDir, `app-${req.release}.log`), { flags: 'a', mode: 0o600 });
    const m: Managed = {
      req,
      child: undefined,
      info: { release: req.release, pid: -1, port: req.port, state: 'running', restarts: 0, exitCode: null, startedAt: '' },
      log,
      stopping: false,
      recentExits: [],
    };
    this.procs.set(req.release, m);
    this.spawnRelease(m);
    await this.persist();
    return m.info;
  }

  /**
   * After a reboot (started by systemd with `--resume`): serve the release that was serving,
   * from the 0600 file the CLI keeps for this (it holds the release's env, secrets included).
   */
  async resume(file: string): Promise<string | undefined> {
    let req: Omit<StartRequest, 'port'>;
    try {
      req = JSON.parse(readFileSync(file, 'utf8')) as Omit<StartRequest, 'port'>;
    } catch {
      return undefined;
    }
    const port = await freePort();
    await this.startRelease({ ...req, port });
    // The proxy answers 502 until the release listens; switch once it accepts connections (or after a minute anyway).
    await poll(async () => ((await accepts(port)) ? { done: true } : undefined), { initialMs: 50, maxMs: 500, factor: 1.5, timeoutMs: 60_000 });
    await this.switchTo(req.release);
    return req.release;
  }

  async switchTo(release: string | null): Promise<string | undefined> {
    if (release === null) return this.proxy.switchTo(undefined);
    const m = this.procs.get(release);
    if (!m || m.info.state !== 'running') throw new Error(`release ${release} is not running`);
    const prev = this.proxy.switchTo({ id: release, port: m.req.port });
    await this.persist();
    return prev;
  }

  async stopRelease(release: string, drainMs: number): Promise<{ drained: boolean }> {
    const m = this.procs.get(release);
    if (!m) return { drained: true };
    if (this.proxy.activeId === release) throw new Error(`release ${release} is serving; switch away first`);
    m.stopping = true;
    m.info.state = 'stopping';
    const drained = await this.proxy.drain(release, drainMs);
    await stopChild(m.child);
    m.info.state = 'exited';
    this.procs.delete(release);
    this.proxy.forget(release);
    await this.persist();
    return { drained };
  }

  async shutdown(): Promise<void> {
    this.proxy.switchTo(undefined);
    await Promise.all([...this.procs.keys()].map((r) => this.stopRelease(r, 2000).catch(() => undefined)));
    await this.proxy.close();
    this.control?.close();
    await rm(this.paths.socket, { force: true });
    await rm(this.paths.stateFile, { force: true });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      switch (`${req.method} ${req.url}`) {
        case 'GET /status':
          return send(200, this.status());
        case 'GET /traffic':
          return send(200, { traffic: this.proxy.traffic() });
        case 'POST /start':
          return send(200, await this.startRelease(body as unknown as StartRequest));
        case 'POST /switch':
          return send(200, { previous: (await this.switchTo((body.release as string | null) ?? null)) ?? null });
        case 'POST /stop':
          return send(200, await this.stopRelease(String(body.release), Number(body.drainMs ?? 10_000)));
        case 'POST /shutdown':
          send(200, { ok: true });
          await this.shutdown();
          process.exit(0);
          return;
        default:
          return send(404, { error: 'unknown endpoint' });
      }
    } catch (e) {
      send(409, { error: e instanceof Error ? e.message : String(e) });
    }
  }
}

/**
 * A simple command (with leading `VAR=value` assignments, as Procfiles allow) is exec'd so the
 * release is one process; a compound one (`a && b`, pipes, `;`) runs under its shell.
 */
export function execForm(command: string): string {
  if (/[;&|<>()`$\\\n]/.test(command.replace(/\$[A-Za-z_{]/g, ''))) return command;
  const m = /^\s*((?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*)(.+)$/s.exec(command);
  return m ? `${m[1]}exec ${m[2]}` : command;
}

/** What a release inherits from the machine (the supervisor's own environment): never the CLI's. */
const INHERIT = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER', 'LOGNAME', 'SHELL', 'NODE_EXTRA_CA_CERTS'];
function machineBase(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of INHERIT) if (process.env[k] !== undefined) out[k] = process.env[k]!;
  return out;
}

/** A pid really is that release's process (not a reused pid): its environ names it. */
function belongsTo(pid: number, release: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`SLIPWAY_RELEASE=${release}`);
  } catch {
    return false;
  }
}

async function stopChild(child: ChildProcess | undefined, graceMs = 5000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child.pid, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  killGroup(child.pid, 'SIGKILL'); // stragglers in the group (npm → node)
}
