/**
 * `slipway db open|close`: a database reachable from this machine for a limited time.
 * aws: a `slipway-temp` security-group rule for one address + RDS public access, recorded
 * as a lease in the account (written before anything is opened). local/ssh: a port-forward
 * from a local port to the environment's PostgreSQL, held in the foreground for the TTL.
 */

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

export interface DbWindowOptions {
  ttlMs: number;
  cidr?: string;
  acceptRisks: readonly string[];
  /** local/ssh: the local port to listen on (default: a free one). */
  port?: number;
}
