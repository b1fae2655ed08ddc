/** Where a local environment keeps its state. */
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { ResolvedEnvironment } from '../../config/resolve.js';

export interface LocalLayout {
  root: string;
  releases: string;
  backups: string;
  pg: string;
  secrets: string;
  run: string;
  logs: string;
  journal: string;
  lock: string;
  current: string;
  supervisorState: string;
  socket: string;
}

export function defaultStateDir(envr: ResolvedEnvironment): string {
  const t = envr.target as { stateDir?: string };
  return path.resolve(envr.configDir, t.stateDir ?? path.join('.slipway', envr.name));
}

export function localLayout(root: string): LocalLayout {
  const short = createHash('sha1').update(root).digest('hex').slice(0, 12);
  return {
    root,
    releases: path.join(root, 'releases'),
    backups: path.join(root, 'backups'),
    pg: path.join(root, 'pg'),
    secrets: path.join(root, 'secrets'),
    run: path.join(root, 'run'),
    logs: path.join(root, 'logs'),
    journal: path.join(root, 'journal'),
    lock: path.join(root, 'lock'),
    current: path.join(root, 'current'),
    supervisorState: path.join(root, 'run', 'supervisor.json'),
    // Unix socket paths are limited to ~107 bytes: keep it short and out of the state dir.
    socket: path.join(os.tmpdir(), `slipway-${short}.sock`),
  };
}
