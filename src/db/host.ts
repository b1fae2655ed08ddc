/** What the database layer needs from the machine PostgreSQL runs on (this one or a VM). */
import type { CommandRunner, ExecResult, FileStore } from '../engine/ports.js';

export type DbHost = CommandRunner & FileStore & { freePort(): Promise<number> };

/** How the managed server is started and stopped (pg_ctl, as `user`, in `cwd`). */
export interface PgServiceSpec {
  start: string[];
  stop: string[];
  cwd: string;
  pidFile: string;
  user: string;
}

/**
 * A service manager that owns the managed server (a systemd unit on a VM), so it starts at
 * boot before the app's own unit. `install(spec, true)` also (re)starts it through the
 * manager and returns how that went; with `false` it only makes sure it starts at boot.
 */
export interface PgService {
  install(spec: PgServiceSpec, now: boolean): Promise<ExecResult>;
  /** Stop the server through the manager and remove the unit (destroy); no error when absent. */
  remove(): Promise<void>;
}
