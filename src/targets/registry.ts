/** Targets are loaded lazily: the CLI imports only the one an environment names. */
import { ConfigError } from '../engine/errors.js';
import type { Target } from './types.js';

export async function loadTarget(name: string): Promise<Target> {
  switch (name) {
    case 'local':
      return (await import('./local/index.js')).createTarget();
    case 'ssh':
      return (await import('./ssh/index.js')).createTarget();
    case 'aws':
      return (await import('./aws/index.js' as string) as { createTarget: () => Target }).createTarget();
    default:
      throw new ConfigError({ key: 'config.targetNotAvailable', params: { target: name }, place: 'environments.*.target', fix: 'config.targetNotAvailable.fix' });
  }
}
