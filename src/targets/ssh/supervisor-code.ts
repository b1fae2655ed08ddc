/**
 * The supervisor's code for a VM: the few compiled modules it is made of, uploaded once per
 * version into `<dir>/bin/<sha>/` (content-addressed, so a redeploy with the same slipway
 * uploads nothing). The VM needs only Node.js, which the app needs anyway.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Host } from '../../host/types.js';
import { distDir } from '../../engine/install.js';

/** The supervisor's modules, relative to the compiled tree's root (their only imports are each other and node:). */
const FILES = ['targets/machine/supervisor-main.js', 'targets/machine/supervisor.js', 'targets/machine/proxy.js', 'host/proc.js', 'engine/redact.js', 'engine/env-refs.js', 'engine/poll.js', 'engine/net.js', 'targets/machine/supervisor-text.js', 'engine/messages/supervisor.js'];

export async function uploadSupervisor(host: Host, binDir: string): Promise<string[]> {
  const root = distDir; // the compiled tree, also from the TypeScript sources or the bundled CLI
  const files = await Promise.all(FILES.map(async (f) => ({ f, text: await readFile(path.join(root, f), 'utf8') })));
  const sha = createHash('sha256');
  for (const { f, text } of files) sha.update(`${f}\0${text}\0`);
  const dir = path.posix.join(binDir, sha.digest('hex').slice(0, 16));
  const main = path.posix.join(dir, FILES[0]!);
  if (!(await host.exists(main))) {
    const tmp = `${dir}.tmp`;
    await host.rm(tmp);
    await host.writeFile(path.posix.join(tmp, 'package.json'), '{ "type": "module" }\n', 0o644);
    for (const { f, text } of files) await host.upload(Readable.from([Buffer.from(text)]), path.posix.join(tmp, f), { mode: 0o644 });
    await host.exec(['chmod', '-R', 'a+rX', tmp]);
    await host.rename(tmp, dir);
  }
  return ['node', main];
}
