/**
 * A command's standard output as an async iterable of lines, as they come: for commands that
 * run until stopped (`tail -F` of a log), on this machine or a VM. Nothing is polled and no
 * copy of the output is kept. The command runs in a process group of its own and is stopped
 * — the whole group, on a VM too — when `signal` aborts or the consumer stops iterating.
 */
import type { CommandRunner } from './ports.js';

/** The command ended on its own with a non-zero exit: its code and its last lines of stderr. */
export class CommandExited extends Error {
  constructor(readonly code: number, readonly stderr: string) {
    super(`exit code ${code}: ${stderr}`);
  }
}

export async function* commandLines(runner: CommandRunner, argv: readonly string[], signal: AbortSignal): AsyncIterable<string> {
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  let failure: unknown;
  const errors: string[] = []; // the last few stderr lines, to say why it ended
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (signal.aborted) return;
  signal.addEventListener('abort', onAbort, { once: true });
  const run = runner
    .exec(argv, {
      signal: stop.signal,
      discard: true,
      onGroup: () => undefined,
      onLine: (line, stream) => {
        if (stream !== 'stdout') {
          errors.push(line);
          if (errors.length > 5) errors.shift();
          return;
        }
        queue.push(line);
        wake?.();
      },
    })
    .then(
      (r) => {
        if (r.code !== 0 && !stop.signal.aborted) failure = new CommandExited(r.code, errors.join('\n'));
      },
      (e: unknown) => {
        if (!stop.signal.aborted) failure = e;
      },
    )
    .finally(() => {
      done = true;
      wake?.();
    });
  try {
    for (;;) {
      const line = queue.shift();
      if (line !== undefined) {
        yield line;
        continue;
      }
      if (done) break;
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
    if (failure) throw failure;
  } finally {
    signal.removeEventListener('abort', onAbort);
    stop.abort();
    await run;
  }
}
