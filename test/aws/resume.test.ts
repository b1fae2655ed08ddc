/**
 * A run resumed after a crash keeps the options it was started with: the aws plans journal
 * their typed request and `planFor` rebuilds from it. Driven through the real CLI against
 * moto; the crash is SLIPWAY_FAILPOINT (SIGKILL) after the commit point; the next command
 * (with --force-unlock, the killed run cannot release its lease) resumes it.
 * The config has allowUnverified: false, so only the request's --allow-unverified lets
 * verification (which moto cannot serve) pass.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMoto, awsTestEnv, type Moto } from './moto.js';
import { writeConfig } from './helpers.js';
import { ensureBuilt } from '../helpers/local-env.js';
import { runCli, type CliResult } from '../helpers/cli.js';

const IMAGE = '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/shop-api';
let moto: Moto;
let config: string;

function cli(args: string[], extra: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { config: config, env: { ...awsTestEnv, AWS_ENDPOINT_URL: moto.url, JWT_SECRET: 'jwt-resume', SLIPWAY_AWS_POLL_MS: '500', ...extra } });
}

interface Rel {
  id: string;
  result: string;
  active?: boolean;
  details: { reactivatedAt?: string };
}
const releases = async (): Promise<Rel[]> => JSON.parse((await cli(['releases', 'production', '--json'])).stdout) as Rel[];

before(async () => {
  ensureBuilt();
  moto = await startMoto();
  config = await writeConfig({ production: { allowUnverified: false } });
});
after(async () => {
  await moto?.stop();
});

test('a deploy killed after update-service and resumed by the next command keeps --allow-unverified: its release is recorded unverified, not rolled back', async () => {
  const killed = await cli(['deploy', 'production', '--image', `${IMAGE}:v1`, '--allow-unverified'], { SLIPWAY_FAILPOINT: 'update-service:after' });
  assert.equal(killed.signal, 'SIGKILL', killed.stdout + killed.stderr);
  const [crashed] = await releases();
  assert.equal(crashed?.result, 'pending');
  const next = await cli(['deploy', 'production', '--image', `${IMAGE}:v1`, '--allow-unverified', '--force-unlock']);
  assert.match(next.stdout + next.stderr, /The interrupted deploy was resumed to its end/);
  assert.equal(next.code, 0, next.stdout + next.stderr);
  const after = await releases();
  assert.equal(after.find((r) => r.id === crashed!.id)?.result, 'unverified');
});

test('a rollback --allow-unverified killed after update-service and resumed keeps its option: the target release is reactivated', async () => {
  const v2 = await cli(['deploy', 'production', '--image', `${IMAGE}:v2`, '--allow-unverified']);
  assert.equal(v2.code, 0, v2.stdout + v2.stderr);
  const [newest, older] = await releases();
  assert.ok(newest && older, 'two releases');
  const killed = await cli(['rollback', 'production', '--to', older.id, '--allow-unverified'], { SLIPWAY_FAILPOINT: 'update-service:after' });
  assert.equal(killed.signal, 'SIGKILL', killed.stdout + killed.stderr);
  const next = await cli(['deploy', 'production', '--image', `${IMAGE}:v2`, '--allow-unverified', '--force-unlock']);
  assert.match(next.stdout + next.stderr, /The interrupted rollback was resumed to its end/);
  const back = (await releases()).find((r) => r.id === older.id);
  assert.equal(typeof back?.details.reactivatedAt, 'string', JSON.stringify(back));
});
