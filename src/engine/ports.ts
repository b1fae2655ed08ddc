/**
 * The few things the engine and the database layer need from a machine, as types only.
 * `src/host` implements them (this machine, or a VM over SSH); the engine and `src/db`
 * depend on these shapes and never on a host implementation, so they import nothing above them.
 */
import type { Readable } from 'node:stream';

export interface ExecOptions {
  cwd?: string;
  /** Environment for the command (merged over a minimal base, never put on a command line). */
  env?: Record<string, string>;
  /** Standard input: a string, or a stream that is piped through (e.g. a dump being restored). */
  input?: string | Readable;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Run as this user (PostgreSQL refuses root; apps never run as root on a VM). */
  user?: string;
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** With `onLine`: keep no copy of the output (a command that runs until stopped, e.g. `tail -F`); the result's stdout and stderr are empty. */
  discard?: boolean;
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

/** Runs commands given as argv arrays (never through a shell unless the argv says so). */
export interface CommandRunner {
  /** `local`, or `user@host:port` for SSH. */
  readonly name: string;
  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
}

export interface FileInfo {
  size: number;
  mtimeMs: number;
  isDirectory: boolean;
}

/** Files on a machine. Paths are absolute on that machine. */
export interface FileStore {
  readFile(path: string): Promise<string | undefined>;
  /** Several small files at once, in order (undefined for one that is absent): one round trip on a VM. */
  readFiles(paths: readonly string[]): Promise<(string | undefined)[]>;
  /** Atomic write (temp file + rename). */
  writeFile(path: string, data: string, mode?: number): Promise<void>;
  /** Create the file with this content only if it does not exist (atomic); false when it existed. */
  createExclusive(path: string, data: string, mode?: number): Promise<boolean>;
  /** Append and flush to disk before returning (journal entries survive kill -9 and power loss). */
  appendDurable(path: string, data: string, mode?: number): Promise<void>;
  /** Create a directory (and its parents); with `exclusive`, false when it already existed. */
  mkdir(path: string, opts?: { exclusive?: boolean; mode?: number }): Promise<boolean>;
  /** Remove a file or directory tree; no error when it is absent. */
  rm(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  stat(path: string): Promise<FileInfo | undefined>;
  /** Several paths at once, in order (undefined for one that is absent): one round trip on a VM. */
  statFiles(paths: readonly string[]): Promise<(FileInfo | undefined)[]>;
  /** Entry names of a directory; empty when it does not exist. */
  list(dir: string): Promise<string[]>;
  rename(from: string, to: string): Promise<void>;
}

/** What a deploy lock needs from where it lives: a directory on a host, or a parameter store. */
export type LockStore = Pick<FileStore, 'readFile' | 'writeFile' | 'createExclusive' | 'rm'> & {
  /**
   * Compare-and-set, where the store has one (SSM Parameter Store): replace the content at
   * `path` with `next` (undefined: remove it) only if it is still exactly `expected`
   * (undefined: absent). False when it was not. Renewal, takeover and release then go through it.
   */
  swap?(path: string, expected: string | undefined, next: string | undefined): Promise<boolean>;
};

/** What the journal needs. */
export type JournalStore = Pick<FileStore, 'readFile' | 'appendDurable' | 'mkdir' | 'rename' | 'list' | 'rm'>;
