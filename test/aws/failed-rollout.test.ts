/**
 * A failed deploy returns to the ledger's last good release, never to what the service runs
 * now. moto without MOTO_ECS_SERVICE_RUNNING starts no service tasks, so every rollout times
 * out (rolloutTimeoutSeconds: 30); driven through the real CLI, state read back with the SDK.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ECSClient, DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { startMoto, awsTestEnv, type Moto } from './moto.js';
import { writeConfig } from './helpers.js';
import { ensureBuilt } from '../helpers/local-env.js';
import { runCli, type CliResult } from '../helpers/cli.js';

const IMAGE = '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/shop-api';
let moto: Moto;
let config: string;

function cli(args: string[]): Promise<CliResult> {
  return runCli(args, { config: config, env: { ...awsTestEnv, AWS_ENDPOINT_URL: moto.url, JWT_SECRET: 'jwt-failed-rollout', SLIPWAY_AWS_POLL_MS: '1000' } });
}

before(async () => {
  ensureBuilt();
  moto = await startMoto({ serviceRunning: false });
  config = await writeConfig({ production: { rolloutTimeoutSeconds: 30 } });
});
after(async () => {
  await moto?.stop();
});

test('a second failed deploy with no good release scales the service to 0 and says so, instead of rolling back to the first failed revision', async () => {
  const first = await cli(['deploy', 'production', '--image', `${IMAGE}:v1`, '--allow-unverified']);
  assert.equal(first.code, 1, first.stdout + first.stderr);
  const second = await cli(['deploy', 'production', '--image', `${IMAGE}:v2`, '--allow-unverified']);
  assert.equal(second.code, 1, second.stdout + second.stderr);
  const out = second.stdout + second.stderr;
  assert.doesNotMatch(out, /Rolled the service back to/);
  assert.match(out, /No earlier good release to return to: the service was scaled to 0/);
  const ecs = new ECSClient({ endpoint: moto.url, region: 'ap-southeast-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'shop-api-production', services: ['shop-api'] }))).services?.[0];
  assert.equal(svc?.desiredCount, 0);
  assert.doesNotMatch(svc?.taskDefinition ?? '', /:1$/, 'the service was put back on the first, failed revision');
});
