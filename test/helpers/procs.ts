/**
 * The processes of this machine as /proc shows them (the test VMs' namespaces share its pid
 * table): one reader for every test that looks for what slipway left running.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';

export interface Proc {
  pid: number;
  /** argv joined with spaces (and a trailing space, as /proc/<pid>/cmdline ends in NUL). */
  cmdline: string;
  environ: string[];
  /** Absent when it cannot be read (another user's process that went away meanwhile). */
  cwd: string | undefined;
}

export async function processes(): Promise<Proc[]> {
  const out: Proc[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const [cmdline, environ, cwd] = await Promise.all([
      readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => undefined),
      readFile(`/proc/${entry}/environ`, 'latin1').catch(() => ''),
      readlink(`/proc/${entry}/cwd`).catch(() => undefined),
    ]);
    if (cmdline === undefined) continue; // gone
    out.push({ pid: Number(entry), cmdline: cmdline.replace(/\0/g, ' '), environ: environ.split('\0'), cwd });
  }
  return out;
}

/** Every process command line containing `needle`, as `<pid>: <argv>`. */
export async function commandLinesContaining(needle: string): Promise<string[]> {
  return (await processes()).filter((p) => p.cmdline.includes(needle)).map((p) => `${p.pid}: ${p.cmdline}`);
}

/** Processes (pid → release) slipway started for releases whose working directory is under `dir`. */
export async function releaseProcessesUnder(dir: string): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const p of await processes()) {
    const rel = p.environ.find((e) => e.startsWith('SLIPWAY_RELEASE='));
    if (rel && p.cwd?.startsWith(dir)) out.set(p.pid, rel.slice('SLIPWAY_RELEASE='.length));
  }
  return out;
}

/** Pids of the database probes (marked SLIPWAY_PROBE) running under `dir`. */
export async function probeProcessesUnder(dir: string): Promise<number[]> {
  return (await processes()).filter((p) => p.environ.some((e) => e.startsWith('SLIPWAY_PROBE=')) && p.cwd?.startsWith(dir)).map((p) => p.pid);
}

/** The real user and group ids a process runs as (`Uid:`/`Gid:` of /proc/<pid>/status). */
export async function idsOf(pid: number): Promise<{ uid: string; gid: string }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const id = (key: string) => new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)![1]!;
  return { uid: id('Uid'), gid: id('Gid') };
}
