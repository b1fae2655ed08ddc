/**
 * `slipway db open|close`: a database reachable from this machine for a limited time.
 * aws: a `slipway-temp` security-group rule for one address + RDS public access, recorded
 * as a lease in the account (written before anything is opened). local/ssh: a port-forward
 * from a local port to the environment's PostgreSQL, held in the foreground for the TTL.
 */
import type { TargetContext } from './types.js';

/** What a window covers on aws (see targets/aws/window.ts). */
export interface AwsWindowCover {
  id: string;
  sg: string;
  cidr: string;
  description: string;
  wasPublic: boolean;
}

export interface DbWindowLease {
  /** When the window closes (ISO). */
  until: string;
  openedAt: string;
  user: string;
  machine: string;
  pid: number;
  /** `opening` until everything is open: a dead opener's half-open window is closed at once. */
  state: 'opening' | 'open';
  window?: AwsWindowCover;
  /** local/ssh: the forwarded port on the opener's machine. */
  port?: number;
}

/** A connection without its password. */
export interface DbConnection {
  host: string;
  port: number;
  user: string;
  database: string;
  sslmode?: 'verify-full';
  sslrootcert?: string;
}

export interface DbWindowOpened {
  lease: DbWindowLease;
  connection: DbConnection;
  /** How to get the password (a message key and its params) — the password itself is never printed. */
  password: { key: string; params: Record<string, string | number> };
  /** A message saying what was opened (key + params). */
  opened: { key: string; params: Record<string, string | number> };
  /** Foreground windows (port-forward): resolves when the window closes (TTL, `db close`, the signal). */
  hold?: (signal: AbortSignal) => Promise<'ttl' | 'closed' | 'interrupted'>;
}

export interface DbWindowOptions {
  ttlMs: number;
  cidr?: string;
  acceptRisks: readonly string[];
  /** local/ssh: the local port to listen on (default: a free one). */
  port?: number;
}

export interface DbWindowCapability {
  open(ctx: TargetContext, opts: DbWindowOptions): Promise<DbWindowOpened>;
  /** Close the window whatever its state; the lease that was closed, if any. */
  close(ctx: TargetContext): Promise<DbWindowLease | undefined>;
  /** Cheap, on every command: close a window whose lease expired, or whose opener died half-way. */
  sweep?(ctx: TargetContext): Promise<DbWindowLease | undefined>;
  current(ctx: TargetContext): Promise<DbWindowLease | undefined>;
}
