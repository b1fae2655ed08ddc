/** Where an environment keeps its state on the machine that runs it (this one, or a VM). */
import { createHash } from 'node:crypto';
import path from 'node:path';

export interface MachineLayout {
  root: string;
  releases: string;
  backups: string;
  pg: string;
  secrets: string;
  run: string;
  logs: string;
  journal: string;
  artifacts: string;
  current: string;
  supervisorState: string;
  socket: string;
  /** The supervisor's code on the machine (a VM gets a bundle uploaded here). */
  bin: string;
}

/**
 * `socketDir`: unix socket paths are limited to ~107 bytes, so this machine keeps its
 * sockets in the temp dir under a short hash of the root; a VM keeps it under `run/`.
 */
export function machineLayout(root: string, socketDir?: string): MachineLayout {
  const j = path.posix.join;
  const short = createHash('sha1').update(root).digest('hex').slice(0, 12);
  return {
    root,
    releases: j(root, 'releases'),
    backups: j(root, 'backups'),
    pg: j(root, 'pg'),
    secrets: j(root, 'secrets'),
    run: j(root, 'run'),
    logs: j(root, 'logs'),
    journal: j(root, 'journal'),
    artifacts: j(root, 'artifacts'),
    current: j(root, 'current'),
    supervisorState: j(root, 'run', 'supervisor.json'),
    socket: socketDir ? j(socketDir, `slipway-${short}.sock`) : j(root, 'run', 'control.sock'),
    bin: j(root, 'bin'),
  };
}
