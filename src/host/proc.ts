/** Process primitives of this machine, shared by `LocalHost` and the on-host supervisor. */
import { readFile } from 'node:fs/promises';

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
  for (let i = 0; i < graceMs / 100 && isAlive(pgid); i++) await new Promise((r) => setTimeout(r, 100));
  killGroup(pgid, 'SIGKILL');
}
