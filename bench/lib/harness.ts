/** What every benchmark run needs: cleanups that run once (also on Ctrl-C), and waiting for a URL to answer. */
import { sleep } from './proc.js';

export const cleanups: { name: string; fn: () => Promise<unknown> }[] = [];
let cleaning: Promise<void> | undefined;
export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const c of cleanups.reverse()) {
      try {
        await c.fn();
      } catch (e) {
        console.error(`cleanup (${c.name}) failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  })();
  return cleaning;
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    console.error(`\n${sig}: cleaning up…`);
    void cleanup().then(() => process.exit(130));
  });
}

export async function get(url: string): Promise<number> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(3000) });
    await r.arrayBuffer();
    return r.status;
  } catch {
    return 0;
  }
}

export async function waitHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await get(url)) === 200) return;
    await sleep(200);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s`);
}

/** `--name <positive number>` from argv, or `def`. */
export function numberOption(argv: readonly string[], name: string, def: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return def;
  const v = Number(argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}
