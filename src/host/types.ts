/**
 * A host is the one seam through which a target touches a machine: it runs commands and
 * holds files, processes and ports. `LocalHost` is this machine; `SshHost` is a VM over
 * SSH. Targets build commands as data (argv arrays) and hand them to a host; the same
 * release machinery (`src/targets/machine`) runs on either. Nothing here goes through a
 * shell unless the argv says so, and secrets never go on a command line (they travel in
 * the command's environment, on stdin or in a 0600 file).
 */
import type { Duplex, Readable, Writable } from 'node:stream';
import type { CommandRunner, FileStore } from '../engine/ports.js';

export type { ExecOptions, ExecResult, CommandRunner, FileStore, FileInfo, LockStore, JournalStore } from '../engine/ports.js';

export interface SpawnDetachedOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** File that receives stdout and stderr. */
  logFile: string;
  /** Run as this user. */
  user?: string;
}

export interface UploadResult {
  sha256: string;
  bytes: number;
}

/** Where to open a connection on the host: a TCP port on its loopback, or a unix socket. */
export type HostEndpoint = { port: number; address?: string } | { socket: string };

export interface Host extends CommandRunner, FileStore {
  /** True for this machine. */
  readonly local: boolean;
  /** Start a long-lived process that outlives the CLI (its own session); returns its pid. */
  spawnDetached(argv: readonly string[], opts: SpawnDetachedOptions): Promise<number>;
  /** Whether a process id is alive on the host. */
  isAlive(pid: number): Promise<boolean>;
  /** Stop a process group a step started, if that group still exists: TERM, then KILL after `graceMs`. */
  stopGroup(pgid: number, graceMs?: number): Promise<void>;
  /**
   * Stream bytes into a file on the host; the sha256 is computed on arrival and, when
   * `sha256` is given, a mismatch removes the file and fails.
   */
  upload(src: Readable, dest: string, opts?: { sha256?: string; mode?: number }): Promise<UploadResult>;
  /**
   * Stream a file of the host's into `dest` (ended when done); the sha256 is computed on the
   * way, and when `sha256` is given a mismatch fails (the caller discards what it wrote).
   */
  download(src: string, dest: Writable, opts?: { sha256?: string }): Promise<UploadResult>;
  /** Stream a file's bytes off the host (a dump fetched from a VM), never held whole in memory. */
  readStream?(path: string): Promise<Readable>;
  /** Read a file from an offset (for following logs). */
  readFrom(path: string, offset: number): Promise<{ text: string; size: number }>;
  /** Open a byte stream to a port or unix socket on the host (tunnelled over SSH for a VM). */
  connect(to: HostEndpoint): Promise<Duplex>;
  /** A TCP port free on the host's loopback. */
  freePort(): Promise<number>;
  /** Close connections (SSH); a no-op here. */
  close(): Promise<void>;
}
