/**
 * The VM checks: nginx's effective config read for where a domain goes, the PostgreSQL
 * install command per distribution, and — through the real CLI — a port held by a real PM2
 * app is named as such, with the way to move it onto slipway.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isStablePort, nginxRoute } from '../../src/checks/nginx.js';
import { pgInstallCommand } from '../../src/checks/vm.js';
import { makeEnv, ROOT, type TestEnv } from '../helpers/local-env.js';

// As `nginx -T` prints it: file headers, comments, an upstream, a redirect server, a TLS server.
const NGINX_T = `nginx: the configuration file /etc/nginx/nginx.conf syntax is ok
# configuration file /etc/nginx/nginx.conf:
http {
    upstream shop_api { server 127.0.0.1:3001; keepalive 16; }
    # configuration file /etc/nginx/sites-enabled/shop:
    server {
        listen 80;
        server_name api.example.com www.example.com;
        return 301 https://$host$request_uri;
    }
    server {
        listen 443 ssl http2;
        server_name api.example.com;
        ssl_certificate /etc/letsencrypt/live/api.example.com/fullchain.pem;
        location / { proxy_pass http://shop_api; proxy_set_header Host $host; }
    }
    server {
        listen 443 ssl;
        server_name *.test.example.com;
        location /api/ { proxy_pass http://localhost:4000/; }
    }
    server { listen 443 ssl; server_name admin.example.com; root /var/www/admin; }
}
`;

test('nginx -T: a domain proxied through an upstream to 127.0.0.1:3001 is the stable port 3001', () => {
  const r = nginxRoute(NGINX_T, 'api.example.com');
  assert.equal(r.served, true);
  assert.deepEqual(r.targets, ['127.0.0.1:3001']);
  assert.equal(r.targets.some((x) => isStablePort(x, 3001)), true);
  assert.equal(r.targets.some((x) => isStablePort(x, 3002)), false);
});

test('nginx -T: a wildcard server name matches; its proxy_pass target is localhost:4000', () => {
  assert.deepEqual(nginxRoute(NGINX_T, 'shop.test.example.com'), { served: true, targets: ['localhost:4000'] });
});

test('nginx -T: a static server proxies nowhere; an unknown domain is not served', () => {
  assert.deepEqual(nginxRoute(NGINX_T, 'admin.example.com'), { served: true, targets: [] });
  assert.deepEqual(nginxRoute(NGINX_T, 'other.example.org'), { served: false, targets: [] });
});

test('the PostgreSQL install command follows /etc/os-release', () => {
  assert.equal(pgInstallCommand('ID=ubuntu\nID_LIKE=debian\n', 15), 'apt-get install -y postgresql-15');
  assert.equal(pgInstallCommand('ID="rocky"\nID_LIKE="rhel centos fedora"\n', 16), 'dnf install -y postgresql16-server');
  assert.equal(pgInstallCommand('ID=alpine\n', 15), 'apk add postgresql15');
});

let env: TestEnv | undefined;
let pm2Home: string | undefined;
const pm2 = path.join(ROOT, 'node_modules', '.bin', 'pm2');
after(async () => {
  if (pm2Home) {
    execFileSync(pm2, ['kill'], { env: { ...process.env, PM2_HOME: pm2Home }, stdio: 'ignore' });
    await rm(pm2Home, { recursive: true, force: true });
  }
  await env?.destroy();
});

test('check: the stable port held by a PM2 app is a blocker naming the PM2 app and how to move off it', async () => {
  env = await makeEnv('local');
  pm2Home = await mkdtemp(path.join(os.tmpdir(), 'slipway-pm2-'));
  const server = path.join(pm2Home, 'legacy.cjs');
  await writeFile(server, `require('node:http').createServer((q, s) => s.end('legacy')).listen(${env.port}, '127.0.0.1');\n`);
  execFileSync(pm2, ['start', server, '--name', 'legacy-api'], { env: { ...process.env, PM2_HOME: pm2Home }, stdio: 'ignore' });
  let report: { findings: { id: string; severity: string; title: string; evidence?: string; fix?: string }[] } = { findings: [] };
  for (let i = 0; i < 50; i++) {
    report = JSON.parse((await env.cli(['check', 'local', '--json'])).stdout) as typeof report;
    if (report.findings.some((f) => f.id === 'host.port' && f.severity === 'blocker')) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const port = report.findings.find((f) => f.id === 'host.port');
  assert.equal(port?.severity, 'blocker', JSON.stringify(port));
  assert.match(port.title, new RegExp(`Port ${env.port} is held by a PM2 app`));
  assert.match(port.evidence ?? '', /legacy-api \(pm_id 0\)/);
  assert.match(port.fix ?? '', /pm2 delete/);
  assert.equal(report.findings.find((f) => f.id === 'host.postgres')?.severity, 'passed');
});
