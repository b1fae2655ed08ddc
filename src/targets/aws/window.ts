/**
 * The runbook's temporary database window on aws, shared by `db import` (a window for the
 * length of one run) and `db open` (a window for a TTL, recorded as a lease): a `slipway-temp`
 * ingress rule on the database's security group for one address range, plus RDS public
 * access. Opening is idempotent; closing is idempotent and tolerant of a half-opened window.
 * The preflight's `aws.public-db` check flags any `slipway-temp` rule that is still open.
 */
import { SlipwayError } from '../../engine/errors.js';
import { poll } from '../../engine/poll.js';
import { awsErrorName, awsPoll } from './clients.js';
import type { AwsCtx } from './context.js';
import { describeDb } from './database.js';
import { describeStack, outputsOf } from './stacks.js';
import { sdk } from '../../engine/aws-sdk.js';

/** Every temporary rule's description starts with this. */
export const TEMP = 'slipway-temp';

/** What a window covers: recorded before it is opened, so a half-opened one can be closed. */
export interface WindowRecord {
  id: string;
  sg: string;
  cidr: string;
  description: string;
  /** The instance was public before (then closing leaves it public). */
  wasPublic: boolean;
}

/** The database instance and its security group, from the stacks' outputs. */
export async function windowTarget(a: AwsCtx): Promise<{ id: string; sg: string }> {
  const [db, sec] = await Promise.all([describeStack(a.c.cfn, a.n.stack('database')), describeStack(a.c.cfn, a.n.stack('security'))]);
  const id = outputsOf(db).DbInstanceId;
  const sg = outputsOf(sec).DbSecurityGroupId;
  if (!id || !sg) throw new SlipwayError({ key: 'aws.import.noDatabase', params: { env: a.envr.name }, place: a.n.stack('database'), fix: 'aws.import.noDatabase.fix', fixParams: { env: a.envr.name } });
  return { id, sg };
}

async function waitAvailable(a: AwsCtx, id: string, signal: AbortSignal): Promise<void> {
  const r = await poll(async () => {
    const db = await describeDb(a.c.rds, id);
    return db?.DBInstanceStatus === 'available' && db.PubliclyAccessible ? { done: true } : undefined;
  }, awsPoll('resource', signal, 30 * 60_000));
  if (r.kind === 'done') return;
  throw new SlipwayError({ key: 'aws.import.notAvailable', params: { id }, fix: 'aws.import.notAvailable.fix' });
}

function permission(cidr: string, description: string) {
  return [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: cidr, Description: description }] }];
}

/** The ingress rule (the first half of a window). */
export async function authorizeRule(a: AwsCtx, w: WindowRecord): Promise<void> {
  const { AuthorizeSecurityGroupIngressCommand } = sdk.ec2();
  try {
    await a.c.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: w.sg, IpPermissions: permission(w.cidr, w.description) }));
  } catch (e) {
    if (awsErrorName(e) !== 'InvalidPermission.Duplicate') throw e;
  }
}

/** Public access, and the wait until the instance is available with it (the second half). */
export async function makePublic(a: AwsCtx, w: WindowRecord, signal: AbortSignal): Promise<void> {
  const { ModifyDBInstanceCommand } = sdk.rds();
  if (w.wasPublic) return;
  await a.c.rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: w.id, PubliclyAccessible: true, ApplyImmediately: true }));
  await waitAvailable(a, w.id, signal);
}

/** Close a window: revoke the rule, make the instance private again (unless it was public before). */
export async function closeWindow(a: AwsCtx, w: WindowRecord): Promise<void> {
  const { RevokeSecurityGroupIngressCommand } = sdk.ec2();
  const { ModifyDBInstanceCommand } = sdk.rds();
  try {
    await a.c.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: w.sg, IpPermissions: permission(w.cidr, w.description) }));
  } catch (e) {
    const name = awsErrorName(e);
    if (name !== 'InvalidPermission.NotFound' && name !== 'InvalidGroup.NotFound') throw e;
  }
  if (!w.wasPublic) {
    const db = await describeDb(a.c.rds, w.id);
    if (db?.PubliclyAccessible) await a.c.rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: w.id, PubliclyAccessible: false, ApplyImmediately: true }));
  }
}
