/**
 * The deploy lock of an aws environment lives in the account (SSM Parameter Store), so
 * two machines deploying the same environment see each other — not only two shells on
 * one laptop. The lock's directory operations map onto parameters:
 * `mkdir` exclusive = PutParameter without Overwrite (atomic), files = parameters under it.
 */
import path from 'node:path';
import { DeleteParametersCommand, GetParameterCommand, GetParametersByPathCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { LockStore } from '../../engine/lock.js';
import { isAlive } from '../local/host.js';

const errName = (e: unknown) => (e as { name?: string } | undefined)?.name;

export class SsmLockStore implements LockStore {
  /** `root`: the local state dir the lock paths are relative to; `prefix`: the parameter path. */
  constructor(private readonly ssm: SSMClient, private readonly root: string, private readonly prefix: string) {}

  private key(p: string): string {
    const rel = path.relative(this.root, p).split(path.sep).join('/').replace(/[^A-Za-z0-9_.\-/]/g, '_');
    return `${this.prefix}/${rel}`;
  }

  async mkdir(p: string, opts: { exclusive?: boolean } = {}): Promise<boolean> {
    if (!opts.exclusive) return true; // hierarchies are implicit
    try {
      await this.ssm.send(new PutParameterCommand({ Name: this.key(p), Value: 'lock', Type: 'String', Overwrite: false }));
      return true;
    } catch (e) {
      if (errName(e) === 'ParameterAlreadyExists') return false;
      throw e;
    }
  }

  async readFile(p: string): Promise<string | undefined> {
    try {
      return (await this.ssm.send(new GetParameterCommand({ Name: this.key(p) }))).Parameter?.Value;
    } catch (e) {
      if (errName(e) === 'ParameterNotFound') return undefined;
      throw e;
    }
  }

  async writeFile(p: string, data: string): Promise<void> {
    await this.ssm.send(new PutParameterCommand({ Name: this.key(p), Value: data, Type: 'String', Overwrite: true }));
  }

  async rm(p: string): Promise<void> {
    const names = [this.key(p)];
    let token: string | undefined;
    do {
      const r = await this.ssm.send(new GetParametersByPathCommand({ Path: this.key(p), Recursive: true, ...(token ? { NextToken: token } : {}) }));
      for (const x of r.Parameters ?? []) if (x.Name) names.push(x.Name);
      token = r.NextToken;
    } while (token);
    for (let i = 0; i < names.length; i += 10) await this.ssm.send(new DeleteParametersCommand({ Names: names.slice(i, i + 10) }));
  }

  async isAlive(pid: number): Promise<boolean> {
    return isAlive(pid);
  }
}
