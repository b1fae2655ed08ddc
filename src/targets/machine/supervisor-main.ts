/** Entry point of the detached supervisor process: `supervisor-main.js --state D --socket S --port P --host H [--lang zh-CN] [--resume]`. */
import path from 'node:path';
import { Supervisor } from './supervisor.js';
import { setSupervisorLang, supervisorLine } from './supervisor-text.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function arg(name: string): string {
  const v = option(name);
  if (!v) {
    console.error(supervisorLine('supervisor.missingArg', { name }));
    process.exit(2);
  }
  return v;
}

setSupervisorLang(option('lang'));
const stateDir = arg('state');
const sup = new Supervisor(
  { stateDir, socket: arg('socket'), stateFile: path.join(stateDir, 'run', 'supervisor.json'), logDir: path.join(stateDir, 'logs') },
  Number(arg('port')),
  arg('host'),
);
sup.start().then(
  async () => {
    console.log(supervisorLine('supervisor.serving', { pid: process.pid, host: arg('host'), port: arg('port') }));
    if (process.argv.includes('--resume')) {
      const release = await sup.resume(path.join(stateDir, 'secrets', 'serving.json'));
      console.log(release ? supervisorLine('supervisor.resumed', { release }) : supervisorLine('supervisor.resumedNothing'));
    }
  },
  (e: unknown) => {
    console.error(supervisorLine('supervisor.startFailed', { reason: e instanceof Error ? e.message : String(e) }));
    process.exit(1);
  },
);
