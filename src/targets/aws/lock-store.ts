/**
 * The deploy lock of an aws environment lives in the account (SSM Parameter Store), so
 * two machines deploying the same environment see each other — not only two shells on
 * one laptop. A lock file maps onto one parameter: `createExclusive` is PutParameter
 * without Overwrite (atomic, with its content), a write is PutParameter with Overwrite.
 */
import path from 'node:path';
import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { LockStore } from '../../engine/lock.js';

const errName = (e: unknown) => (e as { name?: string } | undefined)?.name;

export class SsmLockStore implements LockStore {
  /** `root`: the local state dir the lock paths are relative to; `prefix`: the parameter path. */
  constructor(private readonly ssm: SSMClient, private readonly root: string, private readonly prefix: string) {}

  private key(p: string): string {
    const rel = path.relative(this.root, p).split(path.sep).join('/').replace(/[^A-Za-z0-9_.\-/]/g, '_');
    return `${this.prefix}/${rel}`;
  }

  async createExclusive(p: string, data: string): Promise<boolean> {
    try {
      await this.ssm.send(new PutParameterCommand({ Name: this.key(p), Value: data, Type: 'String', Overwrite: false }));
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
    try {
      await this.ssm.send(new DeleteParameterCommand({ Name: this.key(p) }));
    } catch (e) {
      if (errName(e) !== 'ParameterNotFound') throw e;
    }
  }
}
