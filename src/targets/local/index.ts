/**
 * The local target: the release machinery (`../machine`) on this machine — releases as
 * processes behind a stable port, a PostgreSQL owned by slipway, a supervisor that
 * outlives the CLI — with its state in `.slipway/<env>` beside the config.
 */
import os from 'node:os';
import path from 'node:path';
import type { LocalEnvironment } from '../../config/schema.js';
import { MachineTarget } from '../machine/target.js';
import type { Target } from '../types.js';
import { codeDir, fromSource } from '../../engine/install.js';

/** The supervisor runs from this installation's code (TypeScript through tsx in development). */
function supervisorArgv(): string[] {
  const main = path.join(codeDir, 'targets', 'machine', `supervisor-main.${fromSource ? 'ts' : 'js'}`);
  return fromSource ? [process.execPath, '--import', 'tsx', main] : [process.execPath, main];
}

export function createTarget(): Target {
  return new MachineTarget('local', {
    stateOnMachine: false,
    async connect(ctx) {
      const t = ctx.envr.target as LocalEnvironment;
      return {
        host: ctx.localHost,
        root: ctx.stateDir,
        opts: { port: t.port, bind: t.host, healthTimeoutMs: t.healthTimeoutMs, drainTimeoutMs: t.drainTimeoutMs, keepReleases: t.keepReleases },
        socketDir: os.tmpdir(),
        supervisorArgv: async () => supervisorArgv(),
        where: 'local',
        address: t.host === '0.0.0.0' ? '127.0.0.1' : t.host,
      };
    },
  });
}
