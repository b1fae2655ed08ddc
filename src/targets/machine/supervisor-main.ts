/** Entry point of the detached supervisor process: `supervisor-main.js --state D --socket S --port P --host H`. */
import path from 'node:path';
import { Supervisor } from './supervisor.js';

function arg(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  if (!v) {
    console.error(`supervisor: missing --${name}`);
    process.exit(2);
  }
  return v;
}

const stateDir = arg('state');
const sup = new Supervisor(
  { stateDir, socket: arg('socket'), stateFile: path.join(stateDir, 'run', 'supervisor.json'), logDir: path.join(stateDir, 'logs') },
  Number(arg('port')),
  arg('host'),
);
sup.start().then(
  async () => {
    console.log(`${new Date().toISOString()} [slipway] supervisor ${process.pid} serving on ${arg('host')}:${arg('port')}`);
    if (process.argv.includes('--resume')) {
      const release = await sup.resume(path.join(stateDir, 'secrets', 'serving.json'));
      console.log(`${new Date().toISOString()} [slipway] resumed ${release ?? 'nothing (no serving release recorded)'}`);
    }
  },
  (e: unknown) => {
    console.error(`${new Date().toISOString()} [slipway] supervisor failed to start: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
