/**
 * A command's standard output as an async iterable of lines, as they come: for commands that
 * run until stopped (`tail -F` of a log), on this machine or a VM. Nothing is polled and no
 * copy of the output is kept. The command runs in a process group of its own and is stopped
 * — the whole group, on a VM too — when `signal` aborts or the consumer stops iterating.
 */
import type { CommandRunner } from './ports.js';

export async function* commandLines(runner: CommandRunner, argv: readonly string[], signal: AbortSignal): AsyncIterable<string> {
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  let failure: unknown;
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
        if (stream !== 'stdout') return;
        queue.push(line);
        wake?.();
      },
    })
    .then(
      (r) => {
        if (r.code !== 0 && !stop.signal.aborted) failure = new Error(`${argv[0]} exited with ${r.code}`);
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
