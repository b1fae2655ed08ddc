/** `slipway logs [-f]` for AWS: the service's CloudWatch log group, like `aws logs tail [--follow]`. */
import type { AwsClients } from './clients.js';
import { pollMs, sleep } from './clients.js';
import { sdk } from '../../engine/aws-sdk.js';

export async function* tailLogs(c: AwsClients, logGroup: string, opts: { follow: boolean; lines: number; signal: AbortSignal; sinceMs?: number }): AsyncIterable<string> {
  const { FilterLogEventsCommand } = sdk.logs();
  let start = Date.now() - (opts.sinceMs ?? 3600_000);
  const seen = new Set<string>();
  let first = true;
  while (!opts.signal.aborted) {
    const batch: { ts: number; id: string; text: string }[] = [];
    let token: string | undefined;
    do {
      const r = await c.logs.send(new FilterLogEventsCommand({ logGroupName: logGroup, startTime: start, ...(token ? { nextToken: token } : {}) }));
      for (const e of r.events ?? []) batch.push({ ts: e.timestamp ?? 0, id: e.eventId ?? `${e.timestamp}${e.message}`, text: `${e.logStreamName?.split('/').pop()?.slice(0, 8) ?? ''} ${e.message ?? ''}` });
      token = r.nextToken;
    } while (token && !opts.signal.aborted);
    const fresh = batch.filter((e) => !seen.has(e.id)).sort((a, b) => a.ts - b.ts);
    for (const e of first ? fresh.slice(-opts.lines) : fresh) {
      seen.add(e.id);
      yield e.text;
    }
    for (const e of fresh) seen.add(e.id);
    if (fresh.length) start = Math.max(start, fresh[fresh.length - 1]!.ts);
    first = false;
    if (!opts.follow) return;
    await sleep(pollMs(2000), opts.signal);
  }
}
