/**
 * What the preflight's safety checks read of an aws environment, from the account, never
 * from this machine's state directory: the database's backups (RDS snapshots of the current
 * instance, and its point-in-time restore window) and the releases in the SSM ledger that a
 * failed deploy or `rollback` may return to (a destroyed generation's releases do not count),
 * and the serving (active) release with the migration files it shipped, for the migration lint.
 */
import type { DBSnapshot } from '@aws-sdk/client-rds';
import { prefixOf, type MigrationPrefix } from '../../engine/migrations.js';
import type { BackupRecord, ReleaseRecord, TargetHistory } from '../types.js';
import { awsErrorMessage } from './clients.js';
import type { AwsCtx } from './context.js';
import { describeDb } from './database.js';
import { isGood } from './ledger.js';
import { describeStack, outputsOf } from './stacks.js';
import { hasManagedDb } from './synth.js';
import { sdk } from '../../engine/aws-sdk.js';

const reason = (e: unknown) => awsErrorMessage(e) || String(e);

/** Backups of the instance that exists now: snapshots taken since it was created, and its restore window. */
export function backupsOf(db: { InstanceCreateTime?: Date; LatestRestorableTime?: Date }, snapshots: DBSnapshot[]): BackupRecord[] {
  const born = db.InstanceCreateTime?.getTime() ?? 0;
  const items = snapshots
    .filter((s) => s.Status === 'available' && s.SnapshotCreateTime && s.SnapshotCreateTime.getTime() >= born)
    .map((s) => ({ id: s.DBSnapshotIdentifier ?? '?', createdAt: s.SnapshotCreateTime!.toISOString() }));
  if (db.LatestRestorableTime) items.push({ id: 'point-in-time restore', createdAt: db.LatestRestorableTime.toISOString() });
  return items;
}

async function backups(a: AwsCtx): Promise<TargetHistory['backups']> {
  const { DescribeDBSnapshotsCommand } = sdk.rds();
  const stack = a.n.stack('database');
  let where = `rds:${stack}`;
  try {
    if (!hasManagedDb(a.envr)) return { where: 'database.urlSecret', items: [] };
    const id = outputsOf(await describeStack(a.c.cfn, stack)).DbInstanceId;
    if (!id) return { where, items: [] };
    where = `rds:${id}`;
    const db = await describeDb(a.c.rds, id);
    if (!db) return { where, items: [] };
    const snapshots: DBSnapshot[] = [];
    let marker: string | undefined;
    do {
      const r = await a.c.rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: id, ...(marker ? { Marker: marker } : {}) }));
      snapshots.push(...(r.DBSnapshots ?? []));
      marker = r.Marker;
    } while (marker);
    return { where, items: backupsOf(db, snapshots) };
  } catch (e) {
    return { where, error: reason(e) };
  }
}

/** A ledger entry's record of the migration files its image shipped (see `steps-release.ts`), if it has one. */
export function recordedPrefix(rec: ReleaseRecord): MigrationPrefix | undefined {
  return prefixOf(rec.details.migrations);
}

/** The releases a failed deploy or `rollback` may return to, and the serving one with its migration files: one read of the ledger. */
async function ledger(a: AwsCtx): Promise<Pick<TargetHistory, 'releases' | 'serving'>> {
  const where = `ssm:${a.n.ledgerPath}`;
  try {
    const live = (await a.ledger.list()).filter((r) => r.details.retired === undefined);
    const active = live.find((r) => r.active);
    const prefix = active && recordedPrefix(active);
    return {
      releases: { where, count: live.length, good: live.filter(isGood).map((r) => r.id) },
      serving: active ? { id: active.id, ...(prefix ? { migrations: { prefix } } : {}) } : { none: true },
    };
  } catch (e) {
    const error = reason(e);
    return { releases: { where, error }, serving: { where, error } };
  }
}

export async function history(a: AwsCtx): Promise<TargetHistory> {
  const [b, l] = await Promise.all([backups(a), ledger(a)]);
  return { backups: b, ...l };
}
