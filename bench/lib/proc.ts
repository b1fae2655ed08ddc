/** Child processes for the benchmarks: asynchronous (the load generator shares the event loop). */
import { spawn } from 'node:child_process';
import net from 'node:net';
export { freePort } from '../../src/engine/net.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time in ms. */
  ms: number;
  /** Epoch ms (sub-ms precision) when the command was started and when it exited. */
  startedAt: number;
  endedAt: number;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Epoch milliseconds with sub-millisecond precision (comparable with Date.now()). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const startedAt = nowMs();
    const child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const endedAt = nowMs();
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, ms: endedAt - startedAt, startedAt, endedAt });
    });
  });
}

/** A loopback port that was free a moment ago. */

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
