/**
 * The ssh target end to end: the real CLI deploys the example app over SSH to a real sshd in
 * a network namespace (a test VM, its known_hosts entry hashed), with slipway's PostgreSQL on
 * the VM; status, releases, logs, rollback and destroy work against it; a redeploy under load
 * loses no request; the migration lint reports only what the VM's serving release did not ship; the secret never reaches a file (but the 0600 secrets file) or a command line.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { filesContaining, get, load, ROOT, type CliResult } from '../helpers/local-env.js';
import { startVm, type Vm } from '../helpers/vm.js';
import { assertFollowsLog } from '../helpers/follow.js';
import { idsOf } from '../helpers/procs.js';
import { commandLinesContaining, makeSshEnv, vmReleaseProcesses, type SshEnv } from '../helpers/ssh-env.js';

const CANARY = `ca$nary "quoted' value ${Date.now()}`;

let vm: Vm;
let env: SshEnv;
const outputs: CliResult[] = [];
const cli = async (args: string[]) => {
  const r = await env.cli(args);
  outputs.push(r);
  return r;
};
const status = async () => JSON.parse((await cli(['status', 'staging', '--json'])).stdout) as { state: string; activeRelease: string; rows: { key: string; value: string }[] };
const version = async () => (JSON.parse((await get(`${env.url}/health`)).body) as { version: string }).version;

before(async () => {
  vm = await startVm({ hashKnownHosts: true });
  env = await makeSshEnv(vm, { secret: CANARY });
});
after(async () => {
  await vm?.stop();
});

describe('ssh target', () => {
  test('deploy serves the example on the VM: /health 200 and products with rows; status says serving; the release record says /health covers the database', async () => {
    const r = await cli(['deploy', 'staging']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const health = await get(`${env.url}/health`);
    assert.equal(health.status, 200, health.body);
    const products = JSON.parse((await get(`${env.url}/api/products?limit=5`)).body) as { items: unknown[] };
    assert.equal(products.items.length, 5);
    const st = await status();
    assert.equal(st.state, 'serving');
    assert.equal(await version(), st.activeRelease);
    assert.deepEqual([...(await vmReleaseProcesses(env.remoteDir)).values()], [st.activeRelease]);
    // The app runs as the unprivileged service user, not as the root login.
    const [pid] = [...(await vmReleaseProcesses(env.remoteDir)).keys()];
    const { uid } = await idsOf(pid!);
    assert.notEqual(uid, '0');
    assert.match(st.rows.find((x) => x.key === 'status.boot')?.value ?? '', /not restarted: the VM has no systemd/);
    // Probed on the VM, over the SSH connection, with the database settings on a closed port.
    const list = JSON.parse((await cli(['releases', 'staging', '--json'])).stdout) as { id: string; details: { healthCoversDb?: boolean } }[];
    assert.equal(list.find((x) => x.id === st.activeRelease)?.details.healthCoversDb, true);
  });

  test('a redeploy under 25 requests/s through the VM stable port loses no request; releases lists both; logs show the app', async () => {
    const before = await version();
    const traffic = load(`${env.url}/health`, 25);
    const r = await cli(['deploy', 'staging']);
    const { sent, failed, errors } = await traffic.stop();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(sent > 50, `sent ${sent}`);
    assert.equal(failed, 0, errors.slice(0, 5).join('\n'));
    const now = await version();
    assert.notEqual(now, before);
    assert.deepEqual([...(await vmReleaseProcesses(env.remoteDir)).values()], [now], 'the old release was stopped');
    const list = JSON.parse((await cli(['releases', 'staging', '--json'])).stdout) as { id: string; result: string; active: boolean }[];
    assert.deepEqual(list.map((x) => [x.id, x.result, x.active]), [[now, 'succeeded', true], [before, 'succeeded', false]]);
    const logs = await cli(['logs', 'staging', '-n', '50']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /listening|GET \/health/i);
  });

  test('logs --follow prints the lines the app writes as they are written; Ctrl-C ends it (exit 0) and leaves no tail on the VM', async () => {
    const id = (await status()).activeRelease;
    await assertFollowsLog(env.spawnCli, 'staging', path.join(env.remoteDir, 'logs', `app-${id}.log`));
  });

  test('rollback returns the VM to the previous release (code and env)', async () => {
    const list = JSON.parse((await cli(['releases', 'staging', '--json'])).stdout) as { id: string }[];
    const r = await cli(['rollback', 'staging']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(await version(), list[1]!.id);
    assert.equal((await status()).activeRelease, list[1]!.id);
  });

  test('diagnose reads the newest release\'s evidence on the VM and matches no failure signature; report draws the VM, its stable port and the releases', async () => {
    const d = await cli(['diagnose', 'staging', '--json']);
    assert.equal(d.code, 0, d.stderr + d.stdout);
    const diag = JSON.parse(d.stdout) as { type: string; release: string; findings: unknown[]; sources: string[] };
    assert.equal(diag.type, 'diagnosis');
    assert.deepEqual(diag.findings, []);
    assert.ok(diag.sources.length > 0 && diag.sources.every((x) => x.includes(vm.address)), diag.sources.join(', '));
    const r = await cli(['report', 'staging', '--json']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const html = await readFile((JSON.parse(r.stdout) as { file: string }).file, 'utf8');
    const releases = JSON.parse((await cli(['releases', 'staging', '--json'])).stdout) as { id: string }[];
    for (const needle of [vm.address, `:${env.port}`, diag.release, ...releases.map((x) => x.id)]) assert.ok(html.includes(needle), needle);
  });

  test('the secret appears in no output, in no file on the VM but the 0600 secrets file, and in no command line', async () => {
    for (const o of outputs) assert.ok(!(o.stdout + o.stderr).includes(CANARY), 'CLI output');
    // As written and as JSON writes it (the quote escaped).
    const forms = [CANARY, JSON.stringify(CANARY).slice(1, -1)];
    const files = [...new Set((await Promise.all(forms.map((f) => filesContaining(env.remoteDir, f)))).flat())];
    const secretsFile = path.join(env.remoteDir, 'secrets', 'serving.json');
    assert.deepEqual(files, [secretsFile]);
    assert.equal((await stat(secretsFile)).mode & 0o777, 0o600);
    for (const f of forms) assert.deepEqual(await filesContaining(path.join(env.dir, 'app', '.slipway'), f), [], 'CLI-side state');
    assert.deepEqual(await commandLinesContaining('quoted\' value'), []);
  });

  test('history shows each command against the VM with its result; lock status says the lock is free', async () => {
    const h = JSON.parse((await cli(['history', 'staging', '--json'])).stdout) as { command: string; outcome: string; release?: string; user: string }[];
    assert.deepEqual(h.map((x) => [x.command, x.outcome]), [['deploy', 'succeeded'], ['deploy', 'succeeded'], ['rollback', 'succeeded']]);
    assert.ok(h.every((x) => x.release && x.user));
    const l = await cli(['lock', 'status', 'staging']);
    assert.equal(l.code, 0, l.stderr);
    assert.match(l.stdout, /no deploy lock/);
  });

  test('env set on the VM: a new release of the same artifact with the flag off; the value reaches the app, never a remote command line', async () => {
    const value = `false-${Date.now().toString(36)}`;
    const was = (JSON.parse((await cli(['releases', 'staging', '--json'])).stdout) as { id: string; active?: boolean; details: { artifact: string } }[]).find((x) => x.active);
    // Every process's command line while the command runs, but the CLI's own (the user typed it there).
    const seen: string[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        seen.push(...(await commandLinesContaining(value)).filter((l) => !l.includes('slipway.js')));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const r = await cli(['env', 'set', 'staging', `UPYUN_DIRECT_UPLOAD_ENABLED=${value}`]);
    sampling = false;
    await sampler;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(seen, []);
    assert.deepEqual(JSON.parse((await get(`${env.url}/flags`)).body), { UPYUN_DIRECT_UPLOAD_ENABLED: false });
    const [now] = JSON.parse((await cli(['releases', 'staging', '--json'])).stdout) as { id: string; details: { artifact: string; envFrom: string }; envChanges: { name: string; to?: string }[] }[];
    assert.equal(now!.details.envFrom, was!.id);
    assert.equal(now!.details.artifact, was!.details.artifact);
    assert.deepEqual(now!.envChanges.map((c) => [c.name, c.to]), [['UPYUN_DIRECT_UPLOAD_ENABLED', value]]);
    const [pid] = [...(await vmReleaseProcesses(env.remoteDir)).keys()];
    assert.ok((await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0').includes(`UPYUN_DIRECT_UPLOAD_ENABLED=${value}`));
  });

  test('the migration lint reads the serving release on the VM: a DROP COLUMN it shipped is not reported again (from its record, or by listing its files for a record without them), a new one is', async () => {
    const migrations = path.join(env.dir, 'app', 'migrations');
    const shipped = '1710000000300_drop_legacy_note.sql';
    const added = '1710000000400_drop_old_sku.sql';
    const drop = (column: string) => `-- Up Migration\nALTER TABLE products DROP COLUMN IF EXISTS ${column};\n`;
    const lint = async () => {
      const r = await cli(['check', 'staging', '--json']);
      const findings = (JSON.parse(r.stdout) as { findings: { id: string; severity: string; subject?: string; evidence: string }[] }).findings;
      return {
        warned: findings.filter((f) => f.id === 'migrations.unsafe' && f.severity === 'warning').map((f) => f.subject),
        passed: findings.find((f) => f.id === 'migrations.unsafe' && f.severity === 'passed')?.evidence,
      };
    };
    await writeFile(path.join(migrations, shipped), drop('legacy_note'));
    assert.deepEqual((await lint()).warned, [`migrations/${shipped}:2`]);
    const r = await cli(['deploy', 'staging']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const serving = (await status()).activeRelease;
    const record = path.join(env.remoteDir, 'releases', serving, 'release.json');
    const rec = JSON.parse(await readFile(record, 'utf8')) as { details: { migrations?: string[] } };
    assert.deepEqual(rec.details.migrations, ['1710000000000_create_products.sql', '1710000000110_add_pgcrypto.sql', '1710000000200_seed_products.sql', shipped].map((f) => `migrations/${f}`));
    const pendingOnly = `Only files the serving release ${serving} does not have were linted.`;
    assert.deepEqual(await lint(), { warned: [], passed: pendingOnly });

    // A record an older slipway wrote: the release's app directory on the VM is listed instead.
    const { migrations: _m, ...details } = rec.details;
    await writeFile(record, JSON.stringify({ ...rec, details }));
    assert.deepEqual(await lint(), { warned: [], passed: pendingOnly });

    await writeFile(path.join(migrations, added), drop('old_sku'));
    try {
      assert.deepEqual((await lint()).warned, [`migrations/${added}:2`]);
    } finally {
      await rm(path.join(migrations, added));
    }
  });

  test('endpoint prints the VM stable URL; db import uploads the dump, backs up on the VM, and the app serves the imported rows', async () => {
    const ep = await cli(['endpoint', 'staging']);
    assert.equal(ep.code, 0, ep.stdout + ep.stderr);
    assert.equal(ep.stdout.trim(), env.url);
    const r = await cli(['db', 'import', 'staging', '--file', path.join(ROOT, 'test', 'fixtures', 'dumps', 'tiny.dump')]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Backup .*before-import-.*verified readable/);
    const body = JSON.parse((await get(`${env.url}/api/products?limit=10`)).body) as { items: { name: string }[] };
    assert.deepEqual(body.items.map((i) => i.name).sort(), ['Imported Bun', 'Imported Loaf']);
    const backups = await readdir(path.join(env.remoteDir, 'backups'));
    assert.ok(backups.some((f) => f.startsWith('before-import-')), backups.join());
  });

  test('destroy removes the processes, the database and the files on the VM, and frees the port', async () => {
    const r = await cli(['destroy', 'staging', '--yes']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal((await vmReleaseProcesses(env.remoteDir)).size, 0);
    for (const d of ['releases', 'pg', 'backups', 'secrets', 'artifacts']) assert.equal(existsSync(path.join(env.remoteDir, d)), false, d);
    await assert.rejects(get(`${env.url}/health`));
  });
});
