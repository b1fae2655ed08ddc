/**
 * slipway's PostgreSQL under a service manager (the systemd unit on a VM): what the server
 * hands the manager — pg_ctl's start and stop commands, the user, the directory, the pid
 * file — is run here exactly as given, the way the unit's ExecStart/ExecStop would run it,
 * against a real server. systemd itself cannot run as PID 1 on this machine kind, so the
 * manager is this test's: it runs the commands and records what it was asked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { PgService, PgServiceSpec } from '../../src/db/host.js';
import { ManagedPostgres } from '../../src/db/managed-server.js';
import { LocalHost } from '../../src/host/local.js';
import { poll } from '../../src/engine/poll.js';
import { dbUnit } from '../../src/targets/ssh/systemd.js';

test('the database unit: its pg_ctl start (as its user, in its directory) starts the server on its port, again after the postmaster was SIGKILLed; a running server is only enabled for boot; destroy removes the unit first', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-pgsvc-'));
  await chmod(dir, 0o755); // as root the server runs as postgres, who traverses it
  const host = new LocalHost();
  const calls: string[] = [];
  let unit: PgServiceSpec | undefined;
  const run = (argv: string[], s: PgServiceSpec) => host.exec(argv, { cwd: s.cwd, user: s.user });
  const service: PgService = {
    async install(spec, now) {
      calls.push(now ? 'install+start' : 'install');
      unit = spec;
      // The unit systemd would get is valid with these commands.
      const file = path.join(dir, 'slipway-t-e-db.service');
      await writeFile(file, dbUnit('t', 'e', spec));
      execFileSync('systemd-analyze', ['verify', file], { stdio: 'pipe' });
      return now ? run(spec.start, spec) : { code: 0, stdout: '', stderr: '' };
    },
    async remove() {
      calls.push('remove');
      if (unit) await run(unit.stop, unit);
    },
  };
  const server = new ManagedPostgres(path.join(dir, 'pg'), 15, host, path.join(dir, 'secrets'), service);
  const select = async (port: number, password: string) => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
    await c.connect();
    try {
      return (await c.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one;
    } finally {
      await c.end();
    }
  };
  try {
    const conn = await server.ensureRunning();
    assert.deepEqual(calls, ['install+start']);
    assert.equal(await select(conn.port, conn.password), 1);
    assert.ok(unit!.start.includes(`-c port=${conn.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`));
    assert.equal(unit!.user, process.getuid?.() === 0 ? 'postgres' : os.userInfo().username, 'the unit names its user (never root)');

    // A crash (or a reboot): the postmaster is gone; the unit's own start brings it back on the same port.
    const postmaster = Number((await readFile(unit!.pidFile, 'utf8')).split('\n')[0]);
    process.kill(postmaster, 'SIGKILL');
    const down = await poll(async () => ((await server.isRunning()) ? undefined : { done: true }), { initialMs: 20, maxMs: 200, factor: 1.5, timeoutMs: 20_000 });
    assert.equal(down.kind, 'done', 'pg_ctl status still sees the killed server');
    assert.equal((await run(unit!.start, unit!)).code, 0);
    assert.equal(await select(conn.port, conn.password), 1);

    // Running already: the unit is made sure of for the next boot, nothing is restarted.
    const again = await server.ensureRunning();
    assert.equal(again.port, conn.port);
    assert.deepEqual(calls, ['install+start', 'install']);

    await server.destroy();
    assert.deepEqual(calls, ['install+start', 'install', 'remove']);
    assert.equal(await server.isRunning(), false);
  } finally {
    await server.destroy().catch(() => undefined);
  }
});
