/**
 * `slipway db open|close` on aws: the runbook's "temporarily open the database to the
 * internet" as a window with an end. The lease (an SSM parameter next to the release
 * ledger) is written BEFORE anything is opened and names what the window covers, so a
 * `kill -9` at any point leaves a lease that the next command (or `db close`) acts on:
 * an expired window is closed by any command on the environment (one SSM read), and a
 * half-opened one whose opener died on this machine is closed at once.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SlipwayError } from '../../engine/errors.js';
import { httpRequest } from '../../engine/net.js';
import type { DbWindowCapability, DbWindowOpened, TargetContext } from '../types.js';
import type { DbWindowLease, DbWindowOptions } from '../db-lease.js';
import { awsErrorName } from './clients.js';
import { awsCtx, type AwsCtx } from './context.js';
import { describeDb } from './database.js';
import { checkImportWindow } from './import.js';
import { authorizeRule, closeWindow, makePublic, TEMP, windowTarget } from './window.js';
import { sdk } from '../../engine/aws-sdk.js';

export const leaseName = (a: AwsCtx) => `/slipway/${a.n.prefix}/db-window`;

/** Kill this process at a point of `db open` (tests): SLIPWAY_FAILPOINT=db-open:<lease|rule>. */
function failpoint(at: string): void {
  if (process.env.SLIPWAY_FAILPOINT === `db-open:${at}`) process.kill(process.pid, 'SIGKILL');
}

export async function readLease(a: AwsCtx): Promise<DbWindowLease | undefined> {
  const { GetParameterCommand } = sdk.ssm();
  try {
    const r = await a.c.ssm.send(new GetParameterCommand({ Name: leaseName(a) }));
    return r.Parameter?.Value ? (JSON.parse(r.Parameter.Value) as DbWindowLease) : undefined;
  } catch (e) {
    if (awsErrorName(e) === 'ParameterNotFound') return undefined;
    throw e;
  }
}

async function writeLease(a: AwsCtx, lease: DbWindowLease): Promise<void> {
  const { PutParameterCommand } = sdk.ssm();
  await a.c.ssm.send(new PutParameterCommand({ Name: leaseName(a), Value: JSON.stringify(lease), Type: 'String', Overwrite: true, Description: 'slipway db open: a temporary database window' }));
}

async function deleteLease(a: AwsCtx): Promise<void> {
  const { DeleteParameterCommand } = sdk.ssm();
  try {
    await a.c.ssm.send(new DeleteParameterCommand({ Name: leaseName(a) }));
  } catch (e) {
    if (awsErrorName(e) !== 'ParameterNotFound') throw e;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The window is over: its TTL passed, or its opener died on this machine before it was fully open. */
export function leaseOver(l: DbWindowLease, now = Date.now()): boolean {
  if (Date.parse(l.until) <= now) return true;
  return l.state === 'opening' && l.machine === os.hostname() && l.pid !== process.pid && !alive(l.pid);
}

async function closeLease(a: AwsCtx, l: DbWindowLease): Promise<void> {
  if (l.window) await closeWindow(a, l.window);
  await deleteLease(a);
}

/** The caller's public address (https://checkip.amazonaws.com), as a /32. */
async function detectCidr(signal: AbortSignal): Promise<string> {
  try {
    const r = await httpRequest('https://checkip.amazonaws.com/', { timeoutMs: 5000, signal });
    const ip = r.body.trim();
    if (r.status === 200 && /^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return `${ip}/32`;
    throw new Error(`HTTP ${r.status}`);
  } catch (e) {
    throw new SlipwayError({ key: 'dbwindow.noAddress', params: { reason: e instanceof Error ? e.message : String(e) }, fix: 'dbwindow.noAddress.fix', exitCode: 2 });
  }
}

/** Credentials the SDK can find without probing instance metadata (an offline `synth` pays nothing). */
function credentialsLikely(e: NodeJS.ProcessEnv = process.env): boolean {
  if (e.AWS_ACCESS_KEY_ID || e.AWS_PROFILE || e.AWS_WEB_IDENTITY_TOKEN_FILE || e.AWS_CONTAINER_CREDENTIALS_FULL_URI || e.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || e.SLIPWAY_AWS_DEFAULT_CHAIN === '1') return true;
  const home = e.HOME ?? os.homedir();
  return existsSync(path.join(home, '.aws', 'credentials')) || existsSync(path.join(home, '.aws', 'config'));
}

/** The login the master secret's password belongs to (`db rotate-password` alternates `<user>` / `<user>_alt`). */
async function liveLogin(a: AwsCtx): Promise<string | undefined> {
  const { GetSecretValueCommand } = sdk.sm();
  try {
    const v = JSON.parse((await a.c.sm.send(new GetSecretValueCommand({ SecretId: a.n.dbSecret }))).SecretString ?? '{}') as { username?: string; password?: string };
    if (v.password) a.tc.redactor.add(v.password);
    return v.username || undefined;
  } catch {
    return undefined;
  }
}

async function open(tc: TargetContext, opts: DbWindowOptions): Promise<DbWindowOpened> {
  const a = awsCtx(tc);
  const db = a.envr.database;
  if (!db) throw new SlipwayError({ key: 'db.noDatabase', params: { env: a.envr.name }, place: 'database', fix: 'db.noDatabase.fix', exitCode: 2 });
  const prev = await readLease(a);
  if (prev && leaseOver(prev)) await closeLease(a, prev);
  else if (prev) throw new SlipwayError({ key: 'dbwindow.alreadyOpen', params: { env: a.envr.name, until: prev.until, user: prev.user, machine: prev.machine }, fix: 'dbwindow.alreadyOpen.fix', fixParams: { env: a.envr.name } });
  const cidr = opts.cidr ?? (await detectCidr(tc.signal));
  checkImportWindow(cidr, opts.acceptRisks);
  const { id, sg } = await windowTarget(a);
  const inst = await describeDb(a.c.rds, id);
  const now = Date.now();
  const until = new Date(now + opts.ttlMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const window = { id, sg, cidr, description: `${TEMP} db-open until ${until}`, wasPublic: !!inst?.PubliclyAccessible };
  const lease: DbWindowLease = { until, openedAt: new Date(now).toISOString(), user: os.userInfo().username, machine: os.hostname(), pid: process.pid, state: 'opening', window };
  // The lease first: whatever happens after this line, something knows what to close.
  await writeLease(a, lease);
  failpoint('lease');
  await authorizeRule(a, window);
  failpoint('rule');
  await makePublic(a, window, tc.signal);
  lease.state = 'open';
  await writeLease(a, lease);
  const endpoint = (await describeDb(a.c.rds, id))?.Endpoint;
  const user = (await liveLogin(a)) ?? db.user;
  const ca = process.env.PGSSLROOTCERT || path.join(os.homedir(), '.postgresql', 'rds-global-bundle.pem');
  return {
    lease,
    connection: { host: endpoint?.Address ?? id, port: endpoint?.Port ?? 5432, user, database: db.name, sslmode: 'verify-full', sslrootcert: ca },
    password: { key: 'dbwindow.password.aws', params: { secret: a.n.dbSecret, region: a.c.region } },
    opened: { key: 'dbwindow.opened.aws', params: { id, sg, cidr, until, env: a.envr.name, caNote: existsSync(ca) ? '' : ca } },
  };
}

export const awsDbWindow: DbWindowCapability = {
  open,
  async close(tc) {
    const a = awsCtx(tc);
    const lease = await readLease(a);
    if (lease) await closeLease(a, lease);
    return lease;
  },
  async sweep(tc) {
    if (!credentialsLikely()) return undefined;
    const a = awsCtx(tc);
    // Not reading the lease (offline, no permission) never stops the command; the preflight still sees an open window.
    const lease = await readLease(a).catch(() => undefined);
    if (!lease || !leaseOver(lease)) return undefined;
    await closeLease(a, lease);
    return lease;
  },
  current: (tc) => readLease(awsCtx(tc)),
};
