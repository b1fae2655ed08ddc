/**
 * The release ledger on the machine: `releases/<id>/release.json` (metadata, never secrets),
 * `releases/<id>/env.json` (plain env and secret *names*), `releases/<id>/app` (code),
 * and a `current` pointer to the serving release. All through the host's files.
 */
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FileStore } from '../../engine/ports.js';
import type { ReleaseRecord } from '../types.js';

export interface ReleaseEnv {
  plain: Record<string, string>;
  secretNames: string[];
  /** Keyed digests of the secrets' values (never the values), to tell that one changed. */
  secretDigests?: Record<string, string>;
  /** Values set with `slipway env set` on top of the config's env (already in `plain`); they carry into later deploys. */
  overrides?: { set: Record<string, string> };
  /** With overrides: the plain values before them (what `--unset` returns a name to). */
  base?: Record<string, string>;
}

export function newReleaseId(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/** A record's JSON, or undefined when absent or unreadable (a half-written or foreign file is not a release). */
function parseJson<T>(text: string | undefined): T | undefined {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as T);
  } catch {
    return undefined;
  }
}

export class ReleaseStore {
  constructor(private readonly files: FileStore, readonly dir: string, private readonly currentFile: string) {}

  releaseDir(id: string): string {
    return path.posix.join(this.dir, id);
  }
  appDir(id: string): string {
    return path.posix.join(this.dir, id, 'app');
  }

  private async writeJson(file: string, value: unknown): Promise<void> {
    await this.files.writeFile(file, JSON.stringify(value, null, 2) + '\n', 0o644);
  }

  private async readJson<T>(file: string): Promise<T | undefined> {
    return parseJson<T>(await this.files.readFile(file).catch(() => undefined));
  }

  async write(rec: ReleaseRecord): Promise<void> {
    const { active: _active, ...stored } = rec;
    await this.writeJson(path.posix.join(this.releaseDir(rec.id), 'release.json'), stored);
  }
  async update(id: string, patch: Partial<ReleaseRecord>): Promise<void> {
    const rec = await this.get(id);
    if (rec) await this.write({ ...rec, ...patch });
  }
  get(id: string): Promise<ReleaseRecord | undefined> {
    return this.readJson<ReleaseRecord>(path.posix.join(this.releaseDir(id), 'release.json'));
  }
  async writeEnv(id: string, env: ReleaseEnv): Promise<void> {
    await this.writeJson(path.posix.join(this.releaseDir(id), 'env.json'), env);
  }
  readEnv(id: string): Promise<ReleaseEnv | undefined> {
    return this.readJson<ReleaseEnv>(path.posix.join(this.releaseDir(id), 'env.json'));
  }

  async current(): Promise<string | undefined> {
    return (await this.files.readFile(this.currentFile))?.trim() || undefined;
  }
  async setCurrent(id: string): Promise<void> {
    await this.files.writeFile(this.currentFile, id + '\n', 0o644);
  }

  /** All releases, newest first, with `active` set on the current one. */
  async list(): Promise<ReleaseRecord[]> {
    const [ids, current] = await Promise.all([this.files.list(this.dir), this.current()]);
    const texts = await this.files.readFiles(ids.map((id) => path.posix.join(this.releaseDir(id), 'release.json')));
    const recs = texts.map(parseJson<ReleaseRecord>).filter((r): r is ReleaseRecord => !!r);
    return recs.sort((a, b) => (a.id < b.id ? 1 : -1)).map((r) => ({ ...r, active: r.id === current }));
  }

  /** The newest succeeded release other than `exclude`. */
  async lastGood(exclude?: string): Promise<ReleaseRecord | undefined> {
    return (await this.list()).find((r) => r.result === 'succeeded' && r.id !== exclude);
  }

  /** Keep the newest `keep` releases, the current one and the last good one; return deleted ids. */
  async prune(keep: number): Promise<string[]> {
    const all = await this.list();
    const current = await this.current();
    const good = all.find((r) => r.result === 'succeeded' && r.id !== current);
    const keepIds = new Set([...all.slice(0, keep).map((r) => r.id), current, good?.id].filter(Boolean));
    const gone = all.filter((r) => !keepIds.has(r.id)).map((r) => r.id);
    await Promise.all(gone.map((id) => this.files.rm(this.releaseDir(id))));
    return gone;
  }
}
