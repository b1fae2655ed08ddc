/**
 * `slipway releases local | head -1`: when the reader goes away, stop quietly instead
 * of dying with an EPIPE stack trace.
 */
const watched = new WeakSet<NodeJS.WriteStream>();

export function exitQuietlyOnClosedPipe(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const s of streams) {
    if (watched.has(s)) continue;
    watched.add(s);
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
}
