/** `deploy --watch`: a release that starts fine but breaks shortly after is rolled back automatically. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deployedEnv, servingVersion, get, releaseProcesses, type TestEnv } from '../helpers/local-env.js';

let env: TestEnv;
let good: string;

before(async () => {
  env = await deployedEnv();
  good = await servingVersion(env);
});
after(async () => {
  await env?.destroy();
});

test('a release that dies a few seconds after the switch is rolled back by --watch (exit 1)', async () => {
  const server = path.join(env.dir, 'app', 'src', 'server.ts');
  const original = await readFile(server, 'utf8');
  // Healthy long enough to pass health and verify, then dies — and keeps dying on every restart.
  await writeFile(
    server,
    `import { existsSync as __e, writeFileSync as __w } from 'node:fs';
if (process.env.NODE_ENV === 'production') {
  if (__e('.crashed')) process.exit(1);
  setTimeout(() => { __w('.crashed', 'x'); process.exit(1); }, 4000);
}
${original}`,
  );
  try {
    const r = await env.cli(['deploy', 'local', '--watch', '60']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /Deployed .* to local/);
    assert.match(r.stdout, /Rolling every host of local back to the last good release/);
    assert.match(r.stderr, /breached the verification window \(health: .*\) and local was rolled back to the last good release/);
    assert.equal((JSON.parse((await get(`${env.url}/health`)).body) as { version: string }).version, good);
    assert.deepEqual([...(await releaseProcesses(env.stateDir)).values()], [good]);
    const list = JSON.parse((await env.cli(['releases', 'local', '--json'])).stdout) as { id: string; result: string; active?: boolean }[];
    assert.equal(list.find((x) => x.active)?.id, good);
    assert.equal(list[0]!.result, 'rolled-back');
  } finally {
    await writeFile(server, original);
  }
});

test('a healthy release passes --watch (exit 0)', async () => {
  const r = await env.cli(['deploy', 'local', '--watch', '4s']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /held for 4s: local 5xx 0\/\d+/);
});
