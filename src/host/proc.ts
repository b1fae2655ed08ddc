/** Process primitives of this machine, shared by `LocalHost` and the on-host supervisor. */
import { readFile } from 'node:fs/promises';
import { poll } from '../engine/poll.js';

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function killGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    /* the group is gone */
  }
}

/** Stop a process group if it still is that group (its leader's pgid equals its pid): TERM, then KILL. */
export async function stopGroup(pgid: number, graceMs = 5000): Promise<void> {
  if (!isAlive(pgid)) return;
  // /proc/<pid>/stat field 5 is the process group: only a group leader with that id is ours.
  const stat = await readFile(`/proc/${pgid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (Number(fields[2]) !== pgid) return;
  killGroup(pgid, 'SIGTERM');
  // Not our child: no exit event to wait for, so look until it is gone or the grace is over.
  await poll(async () => (isAlive(pgid) ? undefined : { done: true }), { initialMs: 20, maxMs: 200, factor: 1.5, timeoutMs: graceMs });
  killGroup(pgid, 'SIGKILL');
}
