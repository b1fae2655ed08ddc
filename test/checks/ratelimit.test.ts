/** The preflight's rate-limiter finding: a limiter behind the stable port needs `trust proxy`. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rateLimiterUse } from '../../src/checks/ratelimit.js';
import { one, preflight, setup } from './helpers.js';

function app(server: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-rl-'));
  writeFileSync(path.join(dir, 'server.js'), server);
  return dir;
}
const LIMITED = "import express from 'express';\nimport rateLimit from 'express-rate-limit';\nconst app = express();\napp.use(rateLimit({ windowMs: 60000, max: 100 }));\n";

describe('rate limiter behind the stable-port proxy', () => {
  it('express-rate-limit without trust proxy: limiter found, trustsProxy false', async () => {
    assert.deepEqual(await rateLimiterUse(app(LIMITED), ['express', 'express-rate-limit']), { limiter: 'express-rate-limit', trustsProxy: false });
  });

  it("app.set('trust proxy', 1) is recognised; no limiter in the dependencies means nothing to report", async () => {
    assert.equal((await rateLimiterUse(app(`${LIMITED}app.set('trust proxy', 1);\n`), ['express-rate-limit'])).trustsProxy, true);
    assert.equal((await rateLimiterUse(app(LIMITED), ['express'])).limiter, undefined);
  });

  it('the preflight warns app.trust-proxy naming the limiter and X-Forwarded-For', async () => {
    const s = await setup({});
    writeFileSync(path.join(s.envr.appDir, 'server.js'), LIMITED);
    writeFileSync(path.join(s.envr.appDir, 'package.json'), JSON.stringify({ name: 'a', dependencies: { express: '^4', 'express-rate-limit': '^7' } }));
    const finding = one(await preflight(s, { areas: ['app'] }), 'app.trust-proxy');
    assert.equal(finding.severity, 'warning');
    assert.match(finding.title, /express-rate-limit/);
    assert.match(finding.evidence, /X-Forwarded-For/);
  });
});
