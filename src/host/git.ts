/** The app's git commit as a host sees it: what a release records and what names a migration set. */
import type { Host } from './types.js';

/** The commit `dir` is at (12 hex digits), marked `-dirty` when tracked files have uncommitted changes; undefined outside git. */
export async function gitCommit(host: Pick<Host, 'exec'>, dir: string): Promise<string | undefined> {
  const git = (args: string[]) => host.exec(['git', ...args], { cwd: dir, timeoutMs: 10_000 }).catch(() => undefined);
  const [head, status] = await Promise.all([git(['rev-parse', '--short=12', 'HEAD']), git(['status', '--porcelain', '--untracked-files=no', '.'])]);
  const commit = head?.code === 0 ? head.stdout.trim() : '';
  if (!commit) return undefined;
  return status?.code === 0 && status.stdout.trim() ? `${commit}-dirty` : commit;
}
