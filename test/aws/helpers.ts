/** Shared test helpers for the AWS target: a temp config with a `production` aws environment. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { after } from 'node:test';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { resolveEnvironment, type ResolvedEnvironment } from '../../src/config/resolve.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const exampleApp = path.join(repoRoot, 'examples/shop-api');

export interface ConfigOptions {
  endpoint?: string;
  /** The app's directory (default: the example, shared by every test: copy it to change its files). */
  appDir?: string;
  production?: Record<string, unknown>;
  secrets?: string[];
}

const created: string[] = [];
// Every temp config dir (and the .slipway state written beside it) goes when the test file ends.
after(async () => {
  await Promise.all(created.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** Write slipway.yaml into a fresh temp dir; returns its path. */
export async function writeConfig(opts: ConfigOptions = {}): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-aws-'));
  created.push(dir);
  const config = {
    app: { name: 'shop-api', dir: opts.appDir ?? exampleApp, build: 'npm run build', start: 'node dist/server.js', port: 3000, healthPath: '/health' },
    database: { version: 15, name: 'shop', user: 'shop_admin', migrate: 'npm run migrate' },
    env: { LOG_LEVEL: 'info' },
    secrets: opts.secrets ?? ['JWT_SECRET'],
    verify: [{ path: '/health', status: 200 }],
    environments: {
      production: {
        target: 'aws',
        region: 'ap-southeast-2',
        ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
        allowUnverified: true,
        ...opts.production,
      },
    },
  };
  const file = path.join(dir, 'slipway.yaml');
  await writeFile(file, stringify(config), 'utf8');
  return file;
}

export async function loadEnv(file: string, name = 'production'): Promise<ResolvedEnvironment> {
  return resolveEnvironment(await loadConfig({ file }), name);
}
