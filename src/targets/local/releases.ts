/**
 * The local release ledger: `releases/<id>/release.json` (metadata, never secrets),
 * `releases/<id>/env.json` (plain env and secret *names*), `releases/<id>/app` (code),
 * and a `current` pointer to the serving release.
 */
import { readdir, readFile, rm, writeFile, rename, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ReleaseRecord } from '../types.js';

export interface ReleaseEnv {
  plain: Record<string, string>;
  secretNames: string[];
}

export function newReleaseId(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  await writeFile(tmp, JSON.stringify(value, null, 2) + '\n', { mode: 0o644 });
  await rename(tmp, file);
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export class ReleaseStore {
  constructor(readonly dir: string, private readonly currentFile: string) {}

  releaseDir(id: string): string {
    return path.join(this.dir, id);
  }
  appDir(id: string): string {
    return path.join(this.dir, id, 'app');
  }

  async write(rec: ReleaseRecord): Promise<void> {
    const { active: _active, ...stored } = rec;
    await writeJson(path.join(this.releaseDir(rec.id), 'release.json'), stored);
  }
  async update(id: string, patch: Partial<ReleaseRecord>): Promise<void> {
    const rec = await this.get(id);
    if (rec) await this.write({ ...rec, ...patch });
  }
  get(id: string): Promise<ReleaseRecord | undefined> {
    return readJson<ReleaseRecord>(path.join(this.releaseDir(id), 'release.json'));
  }
  async writeEnv(id: string, env: ReleaseEnv): Promise<void> {
    await writeJson(path.join(this.releaseDir(id), 'env.json'), env);
  }
  readEnv(id: string): Promise<ReleaseEnv | undefined> {
    return readJson<ReleaseEnv>(path.join(this.releaseDir(id), 'env.json'));
  }

  async current(): Promise<string | undefined> {
    try {
      return (await readFile(this.currentFile, 'utf8')).trim() || undefined;
    } catch {
      return undefined;
    }
  }
  async setCurrent(id: string): Promise<void> {
    const tmp = `${this.currentFile}.tmp`;
    await writeFile(tmp, id + '\n');
    await rename(tmp, this.currentFile);
  }

  /** All releases, newest first, with `active` set on the current one. */
  async list(): Promise<ReleaseRecord[]> {
    let ids: string[] = [];
    try {
      ids = await readdir(this.dir);
    } catch {
      return [];
    }
    const current = await this.current();
    const recs = (await Promise.all(ids.map((id) => this.get(id)))).filter((r): r is ReleaseRecord => !!r);
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
    await Promise.all(gone.map((id) => rm(this.releaseDir(id), { recursive: true, force: true })));
    return gone;
  }
}
