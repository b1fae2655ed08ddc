/**
 * A host runs commands and holds files. Targets build commands as data (argv arrays)
 * and hand them to a host: `LocalHost` runs them here; the SSH target's host runs the
 * same argv over SSH. Nothing here goes through a shell unless the argv says so.
 */

export interface ExecOptions {
  cwd?: string;
  /** Environment for the command (merged over a minimal base, never put on the command line). */
  env?: Record<string, string>;
  input?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Run as this user (local host as root: PostgreSQL refuses root). */
  user?: string;
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /**
   * Run in a process group of its own and report its id before waiting, so a later undo can
   * stop the whole group (`npm ci` → npm → node …) even if this CLI was killed meanwhile.
   */
  onGroup?: (pgid: number) => void;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface SpawnDetachedOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** File that receives stdout and stderr. */
  logFile: string;
}

export interface Host {
  /** `local`, or `user@host` for SSH. */
  readonly name: string;
  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  /** Start a long-lived process that outlives the CLI; returns its pid. */
  spawnDetached(argv: readonly string[], opts: SpawnDetachedOptions): Promise<number>;
  readFile(path: string): Promise<string | undefined>;
  /** Atomic write (temp file + rename). */
  writeFile(path: string, data: string, mode?: number): Promise<void>;
  /** Create a directory; with `exclusive`, false when it already existed. */
  mkdir(path: string, opts?: { exclusive?: boolean; mode?: number }): Promise<boolean>;
  rm(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  /** Whether a process id is alive on the host. */
  isAlive(pid: number): Promise<boolean>;
}
