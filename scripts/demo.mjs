#!/usr/bin/env node
// `npm run demo`: deploy the bundled example app (examples/shop-api) to the local target,
// then show that the URL it verified answers. Run it again after editing the example to
// see a zero-downtime cutover; `npx slipway destroy local --yes` cleans up.
import { existsSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import http from 'node:http';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const example = path.join(root, 'examples', 'shop-api');
// The repo's slipway.config.ts points at the example, so plain `npx slipway <command> local` works from here.
const envFile = path.join(root, '.env.local');

if (!existsSync(path.join(root, 'dist', 'cli', 'main.js'))) {
  const b = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
if (!existsSync(envFile) && !process.env.JWT_SECRET) {
  // The example's one secret; slipway reads .env.<environment> and never prints its values.
  writeFileSync(envFile, `JWT_SECRET=${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
}

const extra = process.argv.slice(2);
const r = spawnSync(process.execPath, [path.join(root, 'bin', 'slipway.js'), 'deploy', 'local', ...extra], { stdio: 'inherit', cwd: root });
if (r.status !== 0) process.exit(r.status ?? 1);

const get = (url) =>
  new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  });
const url = 'http://127.0.0.1:8080';
const health = await get(`${url}/health`);
const products = await get(`${url}/api/products?limit=3`);
const items = JSON.parse(products.body).items ?? [];
console.log(`\n${url}/health → ${health.status} ${health.body}`);
console.log(`${url}/api/products?limit=3 → ${products.status}, ${items.length} products: ${items.map((p) => p.name).join(', ')}`);
console.log(`\nDeployed and verified: ${url}`);
console.log('Next: npx slipway status local · edit examples/shop-api and `npx slipway deploy local` · npx slipway rollback local · npx slipway destroy local --yes');
process.exit(health.status === 200 && items.length > 0 ? 0 : 1);
