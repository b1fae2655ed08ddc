/**
 * Env and flag releases on the local target, through the real CLI: `env set` changes a flag
 * with zero failed requests and the same artifact; the override carries into the next
 * deploy; `rollback --set` serves the previous code with the flag off in one step; and
 * `releases --json` shows the env diff, a secret only as changed.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { filesContaining, get, load, makeEnv, type TestEnv } from '../helpers/local-env.js';

const FLAG = 'UPYUN_DIRECT_UPLOAD_ENABLED';
let env: TestEnv;

interface Rel {
  id: string;
  result: string;
  active?: boolean;
  details: { artifact?: string; envFrom?: string };
  envChanges?: { name: string; secret: boolean; change: string; from?: string; to?: string }[];
  envOverrides?: Record<string, string>;
}

async function flag(): Promise<boolean> {
  const r = await get(`${env.url}/flags`);
  assert.equal(r.status, 200, r.body);
  return (JSON.parse(r.body) as Record<string, boolean>)[FLAG]!;
}

async function releases(): Promise<Rel[]> {
  const r = await env.cli(['releases', 'local', '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Rel[];
}

before(async () => {
  env = await makeEnv();
  const r = await env.cli(['deploy', 'local']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});
after(async () => {
  await env?.destroy();
});

test('env set: a new release of the same artifact with the flag off, zero failed requests; the diff in releases, the secret only as changed', async () => {
  assert.equal(await flag(), true);
  const [first] = await releases();
  // A rotated secret rides along: the new release reads it from .env.local.
  const rotated = `rotated-${Date.now().toString(36)}-secretvalue`;
  await writeFile(path.join(env.dir, 'app', '.env.local'), `JWT_SECRET=${JSON.stringify(rotated)}\n`, { mode: 0o600 });
  const traffic = load(`${env.url}/api/products?limit=1`, 40);
  const r = await env.cli(['env', 'set', 'local', `${FLAG}=false`, 'EXTRA_SETTING=1']);
  const stats = await traffic.stop();
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.ok(stats.sent >= 20, `sent ${stats.sent}`);
  assert.equal(stats.failed, 0, stats.errors.slice(0, 5).join('\n'));
  assert.equal(await flag(), false);

  const [second] = await releases();
  assert.notEqual(second!.id, first!.id);
  assert.equal(second!.active, true);
  assert.equal(second!.details.artifact, first!.details.artifact, 'same artifact sha256, no rebuild');
  assert.equal(second!.details.envFrom, first!.id);
  assert.deepEqual(second!.envChanges, [
    { name: 'EXTRA_SETTING', secret: false, change: 'added', to: '1' },
    { name: 'JWT_SECRET', secret: true, change: 'changed' },
    { name: FLAG, secret: false, change: 'changed', from: 'true', to: 'false' },
  ]);
  assert.deepEqual(second!.envOverrides, { [FLAG]: 'false', EXTRA_SETTING: '1' });
  // The artifact store holds one archive; the release's code is the first's (hard links).
  const { readdir, stat } = await import('node:fs/promises');
  assert.equal((await readdir(path.join(env.stateDir, 'artifacts'))).filter((f) => f.endsWith('.tgz')).length, 1);
  const inode = async (id: string) => (await stat(path.join(env.stateDir, 'releases', id, 'app', 'dist', 'server.js'))).ino;
  assert.equal(await inode(second!.id), await inode(first!.id));

  const text = await env.cli(['releases', 'local']);
  assert.match(text.stdout, new RegExp(`${FLAG}: true → false`));
  assert.match(text.stdout, /\+EXTRA_SETTING=1/);
  assert.match(text.stdout, /JWT_SECRET: changed/);
  const st = await env.cli(['status', 'local']);
  assert.match(st.stdout, new RegExp(`env overrides\\s+.*${FLAG}=false`));
  // The secret's value is in no ledger file and no output.
  for (const out of [text.stdout, st.stdout, r.stdout, r.stderr]) assert.ok(!out.includes(rotated));
  assert.deepEqual(await filesContaining(path.join(env.stateDir, 'releases'), rotated), []);

  // Refused before anything changes: a secret through argv, a name slipway sets, --unset of a name without an override.
  const secret = await env.cli(['env', 'set', 'local', 'JWT_SECRET=nope-nope']);
  assert.equal(secret.code, 2);
  assert.match(secret.stdout + secret.stderr, /\.env\.local/);
  assert.ok(!(secret.stdout + secret.stderr).includes('nope-nope'));
  assert.equal((await env.cli(['env', 'set', 'local', 'PORT=1'])).code, 2);
  assert.equal((await env.cli(['env', 'set', 'local', '--unset', 'NODE_ENV'])).code, 2);
  assert.equal((await releases()).length, 2);
});

test('the override carries into a deploy; rollback --set serves the previous code with the flag off, in one step', async () => {
  // --unset drops the override: the flag is back to the config's value.
  const u = await env.cli(['env', 'set', 'local', '--unset', FLAG]);
  assert.equal(u.code, 0, u.stdout + u.stderr);
  assert.equal(await flag(), true);
  const previous = (await releases())[0]!;
  assert.deepEqual(previous.envOverrides, { EXTRA_SETTING: '1' });

  // New code: a route the previous release does not have.
  const server = path.join(env.dir, 'app', 'src', 'server.ts');
  const src = await readFile(server, 'utf8');
  await writeFile(server, src.replace("if (path === '/flags') return handleFlags(res);", "if (path === '/flags') return handleFlags(res);\n    if (path === '/code') return sendJson(res, 200, { code: 'v2' });"));
  const d = await env.cli(['deploy', 'local']);
  assert.equal(d.code, 0, d.stdout + d.stderr);
  assert.match(d.stdout + d.stderr, /EXTRA_SETTING=1/, 'the deploy says which overrides it carries');
  assert.equal((await get(`${env.url}/code`)).status, 200);
  const deployed = (await releases())[0]!;
  assert.deepEqual(deployed.envOverrides, { EXTRA_SETTING: '1' });
  assert.notEqual(deployed.details.artifact, previous.details.artifact);

  const r = await env.cli(['rollback', 'local', '--set', `${FLAG}=false`]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal((await get(`${env.url}/code`)).status, 404, 'the previous code serves');
  assert.equal(await flag(), false, 'with the flag off');
  const [now, replaced] = await releases();
  assert.equal(now!.active, true);
  assert.equal(now!.details.envFrom, previous.id);
  assert.equal(now!.details.artifact, previous.details.artifact);
  assert.equal(replaced!.id, deployed.id);
  assert.equal(replaced!.result, 'rolled-back');
  assert.deepEqual(now!.envOverrides, { EXTRA_SETTING: '1', [FLAG]: 'false' });
});
