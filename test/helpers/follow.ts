/**
 * The check that `slipway logs --follow` streams what the app writes and stops its `tail` when interrupted.
 */
import assert from 'node:assert/strict';
import { appendFile } from 'node:fs/promises';
import { commandLinesContaining } from './procs.js';
import path from 'node:path';
import { poll } from '../../src/engine/poll.js';
import type { CliResult } from './cli.js';


type Spawn = (args: string[], opts: { onStdout: (chunk: string) => void }) => { done: Promise<CliResult>; pid: number };

/**
 * `logs <env> --follow` shows two lines appended to `file` (the serving release's log) after
 * it started following, ends with exit 0 on SIGINT, and leaves no `tail -F` of the file running.
 */
export async function assertFollowsLog(spawnCli: Spawn, envName: string, file: string): Promise<void> {
  const marker = `follow-marker-${Date.now()}`;
  let out = '';
  let shown: () => void = () => undefined;
  const seen = new Promise<void>((r) => (shown = r));
  const p = spawnCli(['logs', envName, '--follow', '-n', '1'], {
    onStdout: (c) => {
      out += c;
      if (out.includes(`${marker} two`)) shown();
    },
  });
  // `tail` processes following the release's log (the path as the target names it may differ: relative, a symlink).
  const tails = async () => (await commandLinesContaining(path.basename(file))).filter((l) => /^\d+: tail .*-F /.test(l)).length;
  const until = (ok: (n: number) => boolean) => poll(async () => ((n) => (ok(n) ? { done: n } : undefined))(await tails()), { initialMs: 50, maxMs: 200, factor: 1.5, timeoutMs: 10_000 });
  await until((n) => n > 0);
  assert.equal(await tails(), 1, 'one tail -F follows the log');
  // Written after the CLI started following: lines it can only show by following.
  await appendFile(file, `${marker} one\n${marker} two\n`);
  await seen;
  process.kill(p.pid, 'SIGINT');
  const r = await p.done;
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes(`${marker} one\n${marker} two\n`), r.stdout);
  await until((n) => n === 0);
  assert.equal(await tails(), 0, 'the tail stopped with the CLI');
}
