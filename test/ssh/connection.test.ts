/**
 * The one SSH connection to a VM. Many commands at once: sshd allows 10 sessions per
 * connection by default (MaxSessions), and slipway runs independent work in parallel (the
 * preflight's checks, every release record read at once); the test VM keeps sshd's default.
 * A login the VM refuses is said as such, with its fix, through the CLI.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SshHost } from '../../src/host/ssh.js';
import { startVm, VM_USER, type Vm } from '../helpers/vm.js';
import { makeSshEnv } from '../helpers/ssh-env.js';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { SlipwayError } from '../../src/engine/errors.js';

let vm: Vm;
let strict: Vm;
const hosts: SshHost[] = [];
const hostOf = (v: Vm) => {
  const h = new SshHost({ address: v.address, port: 22, user: VM_USER, identityFile: v.identityFile, knownHostsFile: v.knownHosts });
  hosts.push(h);
  return h;
};
const ids = (n: number) => Array.from({ length: n }, (_, i) => String(i));
const many = (host: SshHost, n: number) => Promise.all(ids(n).map((i) => host.exec(['sh', '-c', 'sleep 0.2; echo "$1"', 'sh', i])));

before(async () => {
  [vm, strict] = await Promise.all([startVm(), startVm({ sshd: ['MaxSessions 3'] })]);
});
after(async () => {
  await Promise.all(hosts.map((h) => h.close()));
  await Promise.all([vm?.stop(), strict?.stop()]);
});

test('40 commands at once on one connection all run and answer (sshd allows 10 sessions per connection)', async () => {
  const runs = await many(hostOf(vm), 40);
  assert.deepEqual(runs.map((r) => r.code), Array(40).fill(0));
  assert.deepEqual(runs.map((r) => r.stdout.trim()), ids(40));
});

test('on a server allowing 3 sessions per connection, 20 commands at once all run and answer', async () => {
  const runs = await many(hostOf(strict), 20);
  assert.deepEqual(runs.map((r) => r.code), Array(20).fill(0));
  assert.deepEqual(runs.map((r) => r.stdout.trim()), ids(20));
});

test('readFiles and statFiles: several files in one command each; contents exactly as written (UTF-8, newlines, empty), sizes and mtimes as the VM has them, undefined for an absent one', async () => {
  const host = hostOf(vm);
  const dir = path.join(vm.dir, 'readfiles');
  const files: Record<string, string> = { 'a.json': '{"名前":"発布"}\n', 'b.txt': 'line 1\nline 2\n\n', 'empty': '' };
  for (const [name, text] of Object.entries(files)) await host.writeFile(path.join(dir, name), text, 0o644);
  const got = await host.readFiles([...Object.keys(files), 'missing'].map((n) => path.join(dir, n)));
  assert.deepEqual(got, [...Object.values(files), undefined]);
  assert.deepEqual(await host.readFiles([]), []);
  const names = [...Object.keys(files), 'missing', 'with space'];
  await host.writeFile(path.join(dir, 'with space'), 'x', 0o644);
  const stats = await host.statFiles([...names.map((n) => path.join(dir, n)), dir]);
  assert.deepEqual(stats.map((s) => s?.size), [...Object.values(files).map((t) => Buffer.byteLength(t)), undefined, 1, stats.at(-1)?.size]);
  const local = await stat(path.join(dir, 'a.json'));
  assert.equal(stats[0]!.mtimeMs, Math.floor(local.mtimeMs / 1000) * 1000);
  assert.deepEqual(stats.map((s) => s?.isDirectory), [false, false, false, undefined, false, true]);
  assert.deepEqual(await host.statFiles([]), []);
});

test('download and readStream: the exact bytes and their sha256; a read that fails (a directory, an absent file) is an error naming the file and the reason, not a short stream', async () => {
  const host = hostOf(vm);
  const dir = path.join(vm.dir, 'streams');
  const bytes = randomBytes(3 * 1024 * 1024 + 17);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'blob'), bytes);
  const chunks: Buffer[] = [];
  const sink = new Writable({ write: (c: Buffer, _e, done) => (chunks.push(c), done()) });
  const got = await host.download(path.join(dir, 'blob'), sink, { sha256: createHash('sha256').update(bytes).digest('hex') });
  assert.equal(got.bytes, bytes.length);
  assert.ok(Buffer.concat(chunks).equals(bytes));

  const drain = async (p: string) => {
    for await (const _ of await host.readStream(p)) void _;
  };
  await assert.rejects(drain(dir), (e: unknown) => e instanceof SlipwayError && e.key === 'host.failed.read' && /Is a directory/.test(e.text()) && e.text().includes(dir));
  await assert.rejects(drain(path.join(dir, 'absent')), (e: unknown) => e instanceof SlipwayError && /No such file/.test(e.text()));
  await assert.rejects(host.download(path.join(dir, 'absent'), new Writable({ write: (_c, _e, done) => done() })), (e: unknown) => e instanceof SlipwayError && e.key === 'host.failed.read');
});

test('a key the VM does not accept: deploy says the login was refused and how to check the key, not that a connection was lost; nothing is created on the VM', async () => {
  const env = await makeSshEnv(vm, { name: 'refused' });
  const key = path.join(env.dir, 'other_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  await env.editConfig((c) => {
    c.environments.refused.identityFile = key;
  });
  const r = await env.cli(['deploy', 'refused']);
  const out = r.stdout + r.stderr;
  assert.equal(r.code, 1, out);
  assert.match(out, new RegExp(`SSH login to ${VM_USER}@${vm.address.replace(/\./g, '\\.')}:22 was refused`));
  assert.match(out, /slipway logs in with a key only/);
  assert.doesNotMatch(out, /was lost/);
  assert.doesNotMatch(out, /\n\s+at /, 'no stack trace');
  assert.equal(existsSync(env.remoteDir), false);
});
