/**
 * The deploy lock of an aws environment lives in the account (SSM Parameter Store), so
 * two machines deploying the same environment see each other — not only two shells on
 * one laptop.
 *
 * SSM has no conditional overwrite, but creating a parameter without Overwrite is atomic
 * (ParameterAlreadyExists). So a lock file is a sequence of parameters `<key>/<n>`, each
 * written once: the one with the highest n is the lock's content (a `-` marks it released).
 * A compare-and-set reads the head n, compares its content and creates n+1; two writers
 * that read the same head race for the same name and exactly one wins. Older entries are
 * then deleted; a writer whose n+1 was such a deleted name (it read long ago) finds a higher
 * entry on re-reading and withdraws. The head is never deleted, so numbers only grow.
 */
import path from 'node:path';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { LockStore } from '../../engine/lock.js';
import { sdk } from '../../engine/aws-sdk.js';

const errName = (e: unknown) => (e as { name?: string } | undefined)?.name;
/** Content of a released lock (SSM values cannot be empty). */
const RELEASED = '-';
const seqName = (key: string, n: number) => `${key}/${String(n).padStart(12, '0')}`;

interface Entry {
  n: number;
  name: string;
  value: string;
}

export class SsmLockStore implements LockStore {
  /** `root`: the local state dir the lock paths are relative to; `prefix`: the parameter path. */
  constructor(private readonly ssm: SSMClient, private readonly root: string, private readonly prefix: string) {}

  private key(p: string): string {
    const rel = path.relative(this.root, p).split(path.sep).join('/').replace(/[^A-Za-z0-9_.\-/]/g, '_');
    return `${this.prefix}/${rel}`;
  }

  /** Every entry of the sequence, lowest first. */
  private async entries(key: string): Promise<Entry[]> {
    const { GetParametersByPathCommand } = sdk.ssm();
    const out: Entry[] = [];
    let token: string | undefined;
    do {
      const r = await this.ssm.send(new GetParametersByPathCommand({ Path: key, Recursive: false, MaxResults: 10, ...(token ? { NextToken: token } : {}) }));
      for (const prm of r.Parameters ?? []) {
        const n = Number(prm.Name?.slice(key.length + 1));
        if (Number.isInteger(n) && n > 0 && prm.Name && prm.Value !== undefined) out.push({ n, name: prm.Name, value: prm.Value });
      }
      token = r.NextToken;
    } while (token);
    return out.sort((a, b) => a.n - b.n);
  }

  private async head(key: string): Promise<Entry | undefined> {
    return (await this.entries(key)).at(-1);
  }

  /** Create `<key>/<n>` once; false when it exists. */
  private async create(key: string, n: number, value: string): Promise<boolean> {
    const { PutParameterCommand } = sdk.ssm();
    try {
      await this.ssm.send(new PutParameterCommand({ Name: seqName(key, n), Value: value, Type: 'String', Overwrite: false }));
      return true;
    } catch (e) {
      if (errName(e) === 'ParameterAlreadyExists') return false;
      throw e;
    }
  }

  private async remove(name: string): Promise<void> {
    const { DeleteParameterCommand } = sdk.ssm();
    await this.ssm.send(new DeleteParameterCommand({ Name: name })).catch(() => undefined);
  }

  async swap(p: string, expected: string | undefined, next: string | undefined): Promise<boolean> {
    const key = this.key(p);
    const head = await this.head(key);
    const current = head && head.value !== RELEASED ? head.value : undefined;
    if (current !== expected) return false;
    const n = (head?.n ?? 0) + 1;
    if (!(await this.create(key, n, next ?? RELEASED))) return false;
    const all = await this.entries(key);
    if (all.some((e) => e.n > n)) {
      // Our name had been used and deleted: the head moved on while we compared. Withdraw.
      await this.remove(seqName(key, n));
      return false;
    }
    await Promise.all(all.filter((e) => e.n < n).map((e) => this.remove(e.name)));
    return true;
  }

  async createExclusive(p: string, data: string): Promise<boolean> {
    return this.swap(p, undefined, data);
  }

  async readFile(p: string): Promise<string | undefined> {
    const head = await this.head(this.key(p));
    return head && head.value !== RELEASED ? head.value : undefined;
  }

  /** Unconditional: whatever the content is, it becomes `data` (the lock itself uses `swap`). */
  async writeFile(p: string, data: string): Promise<void> {
    for (;;) if (await this.swap(p, await this.readFile(p), data)) return;
  }

  async rm(p: string): Promise<void> {
    for (;;) {
      const cur = await this.readFile(p);
      if (cur === undefined || (await this.swap(p, cur, undefined))) return;
    }
  }
}
