/** Start / reset / stop a private moto_server on a free loopback port for a test file. */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../src/engine/net.js';

export interface Moto {
  url: string;
  reset(): Promise<void>;
  post(path: string, body: unknown): Promise<void>;
  stop(): Promise<void>;
}


export const awsTestEnv = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'ap-southeast-2', AWS_EC2_METADATA_DISABLED: 'true' };

/** `serviceRunning: false` starts moto without MOTO_ECS_SERVICE_RUNNING: service tasks never start, rollouts time out. */
export async function startMoto(opts: { serviceRunning?: boolean } = {}): Promise<Moto> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { env: { ...process.env, ...awsTestEnv, ...(opts.serviceRunning === false ? {} : { MOTO_ECS_SERVICE_RUNNING: '1' }) }, stdio: 'ignore' });
  // Ready when its API answers; a loaded machine can take a while to start Python (60 s), and a moto that exits
  // or never answers fails the test file loudly.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode} before answering`);
    const status = await fetch(`${url}/moto-api/`).then((r) => r.status, () => 0);
    if (status > 0 && status < 500) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${url} within 60 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const post = async (path: string, body: unknown) => {
    const r = await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`moto ${path}: ${r.status}`);
  };
  return {
    url,
    post,
    reset: () => post('/moto-api/reset', {}),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
