/**
 * The release ledger in SSM Parameter Store, readable from any machine with the account:
 * one String parameter per release under `/slipway/<app>-<env>/releases/<id>` (JSON,
 * never a secret value: everything written passes the run's redactor) and an `active`
 * pointer beside it.
 */
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Redactor } from '../../engine/redact.js';
import type { ReleaseRecord } from '../types.js';
import { awsErrorName } from './clients.js';
import { sdk } from '../../engine/aws-sdk.js';

/** Standard parameters hold 4 KB. */
const MAX = 4000;

export function releaseId(now = new Date()): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Fit a record into a standard parameter: shorten, then drop, evidence lines. */
export function fitRecord(rec: ReleaseRecord): string {
  const r: ReleaseRecord = { ...rec, ...(rec.evidence ? { evidence: rec.evidence.map((l) => (l.length > 400 ? `${l.slice(0, 397)}...` : l)) } : {}) };
  let text = JSON.stringify(r);
  while (text.length > MAX && r.evidence && r.evidence.length) {
    r.evidence = r.evidence.slice(0, -1);
    text = JSON.stringify(r);
  }
  return text;
}

/**
 * A release that may be returned to: it succeeded (verified or not), has a task definition,
 * and does not belong to a generation that `destroy` retired.
 */
export function isGood(r: ReleaseRecord): boolean {
  return (r.result === 'succeeded' || r.result === 'unverified') && typeof r.details.taskDefinitionArn === 'string' && r.details.retired === undefined;
}

/** The newest good release in `all` (newest first) other than `exceptId`. */
export function lastGoodOf(all: ReleaseRecord[], exceptId?: string): ReleaseRecord | undefined {
  return all.find((r) => r.id !== exceptId && isGood(r));
}

export class Ledger {
  constructor(
    private readonly ssm: SSMClient,
    private readonly path: string,
    private readonly redactor: Redactor,
  ) {}

  private get activeName(): string {
    return this.path.replace(/\/releases$/, '/active');
  }

  async put(rec: ReleaseRecord): Promise<void> {
    const { PutParameterCommand } = sdk.ssm();
    const { active: _active, ...stored } = rec;
    const value = this.redactor.redact(fitRecord(stored));
    await this.ssm.send(new PutParameterCommand({ Name: `${this.path}/${rec.id}`, Value: value, Type: 'String', Overwrite: true }));
  }

  async get(id: string): Promise<ReleaseRecord | undefined> {
    const { GetParameterCommand } = sdk.ssm();
    try {
      const r = await this.ssm.send(new GetParameterCommand({ Name: `${this.path}/${id}` }));
      return r.Parameter?.Value ? (JSON.parse(r.Parameter.Value) as ReleaseRecord) : undefined;
    } catch (e) {
      if (awsErrorName(e) === 'ParameterNotFound') return undefined;
      throw e;
    }
  }

  async update(id: string, patch: Partial<ReleaseRecord>): Promise<ReleaseRecord | undefined> {
    const cur = await this.get(id);
    if (!cur) return undefined;
    const next = { ...cur, ...patch };
    await this.put(next);
    return next;
  }

  async activeId(): Promise<string | undefined> {
    const { GetParameterCommand } = sdk.ssm();
    try {
      const r = await this.ssm.send(new GetParameterCommand({ Name: this.activeName }));
      return r.Parameter?.Value || undefined;
    } catch (e) {
      if (awsErrorName(e) === 'ParameterNotFound') return undefined;
      throw e;
    }
  }

  async setActive(id: string): Promise<void> {
    const { PutParameterCommand } = sdk.ssm();
    await this.ssm.send(new PutParameterCommand({ Name: this.activeName, Value: id, Type: 'String', Overwrite: true }));
  }

  async clearActive(): Promise<void> {
    const { DeleteParameterCommand } = sdk.ssm();
    await this.ssm.send(new DeleteParameterCommand({ Name: this.activeName })).catch(() => undefined);
  }

  /** All releases, newest first, with `active` set on the active one. */
  async list(): Promise<ReleaseRecord[]> {
    const { GetParametersByPathCommand } = sdk.ssm();
    const out: ReleaseRecord[] = [];
    let token: string | undefined;
    do {
      const r = await this.ssm.send(new GetParametersByPathCommand({ Path: this.path, Recursive: false, MaxResults: 10, ...(token ? { NextToken: token } : {}) }));
      for (const p of r.Parameters ?? []) {
        try {
          out.push(JSON.parse(p.Value ?? '') as ReleaseRecord);
        } catch {
          /* not ours */
        }
      }
      token = r.NextToken;
    } while (token);
    const active = await this.activeId();
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((r) => ({ ...r, active: r.id === active }));
  }

  /** The newest good release other than `exceptId` — the only thing a failed release or rollback returns to. */
  async lastGood(exceptId?: string): Promise<ReleaseRecord | undefined> {
    return lastGoodOf(await this.list(), exceptId);
  }
}
