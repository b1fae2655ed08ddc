/**
 * The real CLI (`bin/slipway.js`, built to dist/) as users run it: one spawner for every test.
 * Output is collected; the environment is the test process's plus English messages and CI mode.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin', 'slipway.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Appended as `--config <file>`. */
  config?: string;
  cwd?: string;
  /** Added to the environment (after SLIPWAY_LANG=en and CI=true). */
  env?: Record<string, string>;
}

export interface SpawnedCli {
  child: ChildProcess;
  pid: number;
  done: Promise<CliResult>;
}

export function spawnCli(args: string[], o: CliOptions = {}): SpawnedCli {
  const child = spawn(process.execPath, [BIN, ...args, ...(o.config ? ['--config', o.config] : [])], {
    ...(o.cwd ? { cwd: o.cwd } : {}),
    env: { ...process.env, SLIPWAY_LANG: 'en', CI: 'true', ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, pid: child.pid!, done };
}

export function runCli(args: string[], o: CliOptions = {}): Promise<CliResult> {
  return spawnCli(args, o).done;
}
