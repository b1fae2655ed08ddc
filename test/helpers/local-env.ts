/**
 * A throw-away copy of the example app with its own local environment (free port, temp
 * state dir), and a way to run the real CLI against it. PostgreSQL runs as the postgres
 * user, so the temp dirs are world-traversable (0755).
 */
import { execFileSync } from 'node:child_process';
import { chmod, cp, mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { parse, stringify } from 'yaml';
import assert from 'node:assert/strict';
import { freePort } from '../../src/engine/net.js';
import { ROOT, spawnCli, type CliResult } from './cli.js';
import { releaseProcessesUnder } from './procs.js';

export { ROOT, type CliResult } from './cli.js';

export const EXAMPLE = path.join(ROOT, 'examples', 'shop-api');

let built = false;
/** The CLI runs from dist/: build once per test process when sources are newer. */
export function ensureBuilt(): void {
  if (built) return;
  const main = path.join(ROOT, 'dist', 'cli', 'main.js');
  // scripts/test.mjs builds before running the suite; build here only when run alone.
  if (!existsSync(main)) {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  }
  void statSync(main);
  built = true;
}

export interface TestEnv {
  dir: string;
  config: string;
  stateDir: string;
  port: number;
  url: string;
  secret: string;
  cli(args: string[], opts?: { env?: Record<string, string>; timeoutMs?: number }): Promise<CliResult>;
  /** `onStdout` sees the CLI's output as it comes (e.g. `--json` events, one a line). */
  spawnCli(args: string[], opts?: { env?: Record<string, string>; onStdout?: (chunk: string) => void }): { done: Promise<CliResult>; pid: number };
  editConfig(fn: (c: Record<string, any>) => void): Promise<void>;
  destroy(): Promise<void>;
}

/** The environment's database, read back directly (not through slipway). */
export async function dbQuery<T = Record<string, unknown>>(stateDir: string, sql: string): Promise<T[]> {
  const info = JSON.parse(await readFile(path.join(stateDir, 'pg', 'server.json'), 'utf8')) as { port: number };
  const password = (await readFile(path.join(stateDir, 'secrets', 'db-password'), 'utf8')).trim();
  // The live login: `shop`, or `shop_alt` after an odd number of `db rotate-password`.
  const user = (await readFile(path.join(stateDir, 'secrets', 'db-login'), 'utf8').catch(() => '')).trim() || 'shop';
  const pg = (await import('pg')).default;
  const client = new pg.Client({ host: '127.0.0.1', port: info.port, user, password, database: 'shop' });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

export interface EnvOptions {
  /** The environment's config (default: a local target on a free port). */
  environment?: Record<string, unknown>;
  /** The stable URL when it is not 127.0.0.1:<port> (a VM). */
  url?: string;
  /** Where the environment keeps its releases (the VM's dir for ssh). */
  stateDir?: string;
  /** The secret's value (default a random one). */
  secret?: string;
  /** Change the app's config (e.g. an install command for a VM without a registry). */
  app?: (app: Record<string, unknown>) => void;
  /** Keep the app in a directory only root can enter (mode 0700, like /root). */
  privateDir?: boolean;
  /** The app to copy (default the example, examples/shop-api), with its slipway.yaml. */
  source?: string;
}

export async function makeEnv(name = 'local', opts: EnvOptions = {}): Promise<TestEnv> {
  ensureBuilt();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-test-'));
  await chmod(dir, opts.privateDir ? 0o700 : 0o755);
  const app = path.join(dir, 'app');
  const source = opts.source ?? EXAMPLE;
  await cp(source, app, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(source, src).split(path.sep)[0] ?? '';
      return !['node_modules', 'dist', '.slipway', '.env.local'].includes(rel);
    },
  });
  const port = await freePort();
  const secret = opts.secret ?? `jwt-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}-secretvalue`;
  const config = path.join(app, 'slipway.yaml');
  const stateDir = opts.stateDir ?? path.join(app, '.slipway', name);
  const cfg = parse(await readFile(config, 'utf8')) as Record<string, any>;
  // A short lease, so the command after a kill -9 takes the dead CLI's lock over within seconds (default 30 s).
  cfg.environments = { [name]: opts.environment ?? { target: 'local', port, healthTimeoutMs: 15000, drainTimeoutMs: 5000, lockTtlMs: 3000 } };
  opts.app?.(cfg.app as Record<string, unknown>);
  await writeFile(config, stringify(cfg));
  // Double-quoted with escapes, so any value (with $, quotes, spaces) survives the dotenv parser.
  await writeFile(path.join(app, `.env.${name}`), `JWT_SECRET=${JSON.stringify(secret)}\n`, { mode: 0o600 });
  const run = (args: string[], opts: { env?: Record<string, string>; onStdout?: (chunk: string) => void } = {}) =>
    spawnCli(args, { config, cwd: dir, ...(opts.env ? { env: opts.env } : {}), ...(opts.onStdout ? { onStdout: opts.onStdout } : {}) });
  const env: TestEnv = {
    dir,
    config,
    stateDir,
    port,
    url: opts.url ?? `http://127.0.0.1:${port}`,
    secret,
    cli: (args, opts) => run(args, opts).done,
    spawnCli: run,
    async editConfig(fn) {
      const c = parse(await readFile(config, 'utf8')) as Record<string, any>;
      fn(c);
      await writeFile(config, stringify(c));
    },
    async destroy() {
      const r = await run(['destroy', name, '--yes', '--force-unlock']).done;
      if (r.code !== 0) {
        // Never leave a supervisor, app or database behind, even when destroy itself failed.
        const attempt = (fn: () => void) => {
          try {
            fn();
          } catch {
            /* already gone */
          }
        };
        for (const pid of (await releaseProcesses(stateDir)).keys()) attempt(() => process.kill(-pid, 'SIGKILL'));
        const sup = await readFile(path.join(stateDir, 'run', 'supervisor.json'), 'utf8').catch(() => '');
        if (sup) attempt(() => process.kill((JSON.parse(sup) as { pid: number }).pid, 'SIGKILL'));
        attempt(() => execFileSync('runuser', ['-u', 'postgres', '--', '/usr/lib/postgresql/15/bin/pg_ctl', '-D', path.join(stateDir, 'pg', 'data'), '-m', 'immediate', 'stop'], { stdio: 'ignore' }));
      }
      await rm(dir, { recursive: true, force: true });
      assert.equal(r.code, 0, `destroy failed: ${r.stdout}${r.stderr}`);
    },
  };
  return env;
}

/** A test environment with one successful deploy already serving. */
export async function deployedEnv(): Promise<TestEnv> {
  const env = await makeEnv();
  const r = await env.cli(['deploy', 'local']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return env;
}

/** The release id the stable URL is serving right now (the example reports it on /health). */
export async function servingVersion(env: TestEnv): Promise<string> {
  const r = await get(`${env.url}/health`);
  assert.equal(r.status, 200, r.body);
  return (JSON.parse(r.body) as { version: string }).version;
}

export function get(url: string, agent?: http.Agent, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: agent ?? false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Processes (pid → release) started by slipway for releases living under `stateDir`. */
export function releaseProcesses(stateDir: string): Promise<Map<number, string>> {
  return releaseProcessesUnder(stateDir);
}

/** Steady load at `rps` against `url` until stopped; counts failures. */
export function load(url: string, rps: number): { stop(): Promise<{ sent: number; failed: number; errors: string[] }> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  let sent = 0;
  let failed = 0;
  const errors: string[] = [];
  const inflight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    sent++;
    const p = get(url, agent).then(
      (r) => {
        if (r.status !== 200) {
          failed++;
          errors.push(`HTTP ${r.status} ${r.body.slice(0, 100)}`);
        }
      },
      (e: Error) => {
        failed++;
        errors.push(e.message);
      },
    );
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  }, 1000 / rps);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(inflight);
      agent.destroy();
      return { sent, failed, errors };
    },
  };
}

/** Every file under `dir` whose bytes contain `needle` (skips sockets and the like). */
export async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') await walk(p);
      } else if (e.isFile()) {
        const buf = await readFile(p).catch(() => Buffer.alloc(0));
        if (buf.includes(needle)) hits.push(p);
      }
    }
  };
  await walk(dir);
  return hits;
}
