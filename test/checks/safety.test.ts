import assert from 'node:assert/strict';
import { ConfigError } from '../../src/engine/errors.js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { inWindow, minutesIn } from '../../src/checks/window.js';
import { backupsOf } from '../../src/targets/aws/history.js';
import type { TargetHistory } from '../../src/targets/types.js';
import { one, preflight, setup, SIMPLE_APP, tempDir } from './helpers.js';
import { migrationSetHash } from '../../src/checks/migration-files.js';

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.test', '-c', 'user.name=t', ...args], { cwd, stdio: 'pipe' });

describe('safety net', () => {
  it('backup.recent: none → info, old → info, recent → passed', async () => {
    const s = await setup({});
    const state = path.join(s.dir, '.slipway', 'staging', 'backups');
    assert.equal(one(await preflight(s, { areas: ['safety'] }), 'backup.recent').severity, 'info');
    mkdirSync(state, { recursive: true });
    writeFileSync(path.join(state, 'old.dump'), 'x');
    const old = new Date(Date.now() - 48 * 3_600_000);
    utimesSync(path.join(state, 'old.dump'), old, old);
    const r = one(await preflight(s, { areas: ['safety'] }), 'backup.recent');
    assert.equal(r.severity, 'info');
    assert.match(r.title, /48 h/);
    writeFileSync(path.join(state, 'new.dump'), 'x');
    assert.equal(one(await preflight(s, { areas: ['safety'] }), 'backup.recent').severity, 'passed');
  });

  it('backup.recent uses the configured stateDir', async () => {
    const state = tempDir();
    mkdirSync(path.join(state, 'backups'));
    writeFileSync(path.join(state, 'backups', 'a.dump'), 'x');
    const s = await setup({ environment: { stateDir: state } });
    assert.equal(one(await preflight(s, { areas: ['safety'] }), 'backup.recent').severity, 'passed');
  });

  it('rollback.previous: first deploy info, only failed releases warning, a good one passes', async () => {
    const s = await setup({});
    const rel = path.join(s.dir, '.slipway', 'staging', 'releases');
    assert.equal(one(await preflight(s, { areas: ['safety'] }), 'rollback.previous').severity, 'info');
    mkdirSync(path.join(rel, 'r1'), { recursive: true });
    writeFileSync(path.join(rel, 'r1', 'release.json'), JSON.stringify({ id: 'r1', result: 'failed' }));
    assert.equal(one(await preflight(s, { areas: ['safety'] }), 'rollback.previous').severity, 'warning');
    mkdirSync(path.join(rel, 'r2'));
    writeFileSync(path.join(rel, 'r2', 'release.json'), JSON.stringify({ id: 'r2', result: 'succeeded' }));
    const ok = one(await preflight(s, { areas: ['safety'] }), 'rollback.previous');
    assert.equal(ok.severity, 'passed');
    assert.match(ok.title, /r2/);
  });

  it('with the target\'s history, backups and releases are read from it, not from the state directory, and named by where they are', async () => {
    const s = await setup({});
    const now = new Date('2026-03-01T12:00:00Z');
    const history = (h: Partial<TargetHistory>): TargetHistory => ({
      backups: { where: 'rds:shop-db', items: [] },
      releases: { where: 'ssm:/slipway/shop/releases', count: 0, good: [] },
      ...h,
    });
    // The local state directory says "backup yesterday, a good release"; the target's history wins.
    const state = path.join(s.dir, '.slipway', 'staging');
    mkdirSync(path.join(state, 'backups'), { recursive: true });
    writeFileSync(path.join(state, 'backups', 'local.dump'), 'x');
    mkdirSync(path.join(state, 'releases', 'r9'), { recursive: true });
    writeFileSync(path.join(state, 'releases', 'r9', 'release.json'), JSON.stringify({ id: 'r9', result: 'succeeded' }));

    let r = await preflight(s, { areas: ['safety'], now, history: history({}) });
    assert.equal(one(r, 'backup.recent').title, 'No backup yet');
    assert.match(one(r, 'backup.recent').evidence, /rds:shop-db/);
    assert.equal(one(r, 'rollback.previous').severity, 'info');
    assert.match(one(r, 'rollback.previous').evidence, /ssm:\/slipway\/shop\/releases/);

    r = await preflight(s, {
      areas: ['safety'],
      now,
      history: history({
        backups: { where: 'rds:shop-db', items: [{ id: 'shop-pre-1', createdAt: '2026-03-01T11:00:00Z' }, { id: 'shop-pre-0', createdAt: '2026-02-20T11:00:00Z' }] },
        releases: { where: 'ssm:/slipway/shop/releases', count: 3, good: ['20260301T110000Z', '20260220T110000Z'] },
      }),
    });
    assert.equal(one(r, 'backup.recent').severity, 'passed');
    assert.match(one(r, 'backup.recent').title, /shop-pre-1/);
    assert.equal(one(r, 'rollback.previous').severity, 'passed');
    assert.match(one(r, 'rollback.previous').title, /20260301T110000Z/);

    r = await preflight(s, { areas: ['safety'], now, history: history({ releases: { where: 'ssm:/slipway/shop/releases', count: 2, good: [] } }) });
    assert.equal(one(r, 'rollback.previous').severity, 'warning');
    assert.match(one(r, 'rollback.previous').evidence, /2 release/);
  });

  it('a history the target could not read is a warning naming where and why, never "first deploy"', async () => {
    const s = await setup({});
    const err = { where: 'ssm:/slipway/shop/releases', error: 'AccessDeniedException: not authorized' };
    const r = await preflight(s, { areas: ['safety'], history: { backups: { where: 'rds:shop-db', error: 'throttled' }, releases: err } });
    const b = one(r, 'backup.recent');
    const rb = one(r, 'rollback.previous');
    assert.equal(b.severity, 'warning');
    assert.match(b.evidence, /rds:shop-db: throttled/);
    assert.equal(rb.severity, 'warning');
    assert.match(rb.evidence, /AccessDeniedException/);
    assert.doesNotMatch(rb.title, /First deploy/);
    assert.ok(rb.fix?.includes('ssm:/slipway/shop/releases'));
  });

  it('aws backups: available snapshots of the current instance and its restore window; not an older instance\'s snapshots', () => {
    const created = new Date('2026-03-01T00:00:00Z');
    const items = backupsOf({ InstanceCreateTime: created, LatestRestorableTime: new Date('2026-03-01T11:55:00Z') }, [
      { DBSnapshotIdentifier: 'final-of-destroyed', Status: 'available', SnapshotCreateTime: new Date('2026-02-28T10:00:00Z') },
      { DBSnapshotIdentifier: 'pre-1', Status: 'available', SnapshotCreateTime: new Date('2026-03-01T10:00:00Z') },
      { DBSnapshotIdentifier: 'pre-2', Status: 'creating', SnapshotCreateTime: new Date('2026-03-01T11:00:00Z') },
    ]);
    assert.deepEqual(items, [
      { id: 'pre-1', createdAt: '2026-03-01T10:00:00.000Z' },
      { id: 'point-in-time restore', createdAt: '2026-03-01T11:55:00.000Z' },
    ]);
  });

  it('git: not a repo info; dirty, no upstream, ahead warn; clean and pushed pass', async () => {
    const s = await setup({});
    assert.equal(one(await preflight(s, { areas: ['safety'] }), 'git.clean').severity, 'info');
    const remote = tempDir();
    git(remote, 'init', '-q', '--bare');
    git(s.dir, 'init', '-q', '-b', 'main');
    git(s.dir, 'add', '.');
    git(s.dir, 'commit', '-qm', 'init');
    let r = await preflight(s, { areas: ['safety'] });
    assert.equal(one(r, 'git.clean').severity, 'passed');
    assert.equal(one(r, 'git.pushed').severity, 'warning');
    git(s.dir, 'remote', 'add', 'origin', remote);
    git(s.dir, 'push', '-q', '-u', 'origin', 'main');
    r = await preflight(s, { areas: ['safety'] });
    assert.equal(one(r, 'git.pushed').severity, 'passed');
    writeFileSync(path.join(s.dir, 'server.js'), '// changed\n');
    git(s.dir, 'commit', '-qam', 'change');
    writeFileSync(path.join(s.dir, 'new.txt'), 'x');
    r = await preflight(s, { areas: ['safety'] });
    assert.equal(one(r, 'git.clean').severity, 'warning');
    assert.match(one(r, 'git.clean').evidence, /new\.txt/);
    assert.equal(one(r, 'git.pushed').severity, 'warning');
    assert.match(one(r, 'git.pushed').title, /1 commit/);
  });

  it('database.rehearsal on a fleet: none recorded → a blocker saying how to rehearse elsewhere; a passing one of the same migrations by another environment → passed, naming it; a failed one there does not count', async () => {
    const files = { ...SIMPLE_APP, 'migrations/001_init.sql': 'CREATE TABLE t (id int);\n' };
    const s = await setup({
      files,
      envName: 'production',
      config: { database: { name: 'shop', user: 'shop', migrate: 'node migrate.js', rehearse: 'required' } },
      environment: { target: 'ssh', hosts: ['deploy@127.0.0.1:1', 'deploy@127.0.0.1:2'], port: 8080, database: { mode: 'external' } },
      secretValues: { DATABASE_URL: 'postgres://app:pw@127.0.0.1:1/shop' },
    });
    const rehearsal = async () => one(await preflight(s, { areas: ['safety'] }), 'database.rehearsal');
    const missing = await rehearsal();
    assert.equal(missing.severity, 'blocker');
    assert.match(missing.evidence, /production is a fleet, which cannot rehearse itself/);
    assert.match(missing.fix ?? '', /slipway db rehearse <env> --fresh`\. A passing rehearsal there counts for production/);

    const set = await migrationSetHash(s.dir, 'node migrate.js');
    const write = (env: string, ok: boolean, at: string) => {
      mkdirSync(path.join(s.dir, '.slipway', env, 'rehearsals'), { recursive: true });
      const rec = { set, ok, at, env, backup: `vm:/srv/${env}/backups/x.dump`, durationMs: 2400, locks: [], lockThresholdSeconds: 5 };
      writeFileSync(path.join(s.dir, '.slipway', env, 'rehearsals', `${set}.json`), JSON.stringify(rec));
    };
    write('qa', false, '2026-12-01T11:00:00.000Z');
    assert.equal((await rehearsal()).severity, 'blocker', 'a failed rehearsal elsewhere does not count');
    write('staging', true, '2026-12-01T10:00:00.000Z');
    const passed = await rehearsal();
    assert.equal(passed.severity, 'passed');
    assert.match(passed.title, /recorded in staging \(2026-12-01T10:00:00\.000Z\)/);
    assert.match(passed.evidence, new RegExp(`migration set ${set} passed in staging, on vm:/srv/staging/backups/x\\.dump, 2\\.4 s`));
  });
});

describe('change window', () => {
  // 2024-06-01T12:30Z is 20:30 in Asia/Shanghai; 2024-06-01T18:30Z is 02:30.
  const evening = new Date('2024-06-01T12:30:00Z');
  const night = new Date('2024-06-01T18:30:00Z');

  it('converts to the configured zone and handles windows across midnight', () => {
    assert.equal(minutesIn(evening, 'Asia/Shanghai'), 20 * 60 + 30);
    assert.equal(minutesIn(evening, 'UTC'), 12 * 60 + 30);
    assert.ok(inWindow(23 * 60, '22:00-02:00') && inWindow(60, '22:00-02:00') && !inWindow(3 * 60, '22:00-02:00'));
  });

  it('blocks a production deploy in busy hours unless accepted; info outside 02:00–04:00', async () => {
    const s = await setup({ envName: 'production', environment: { check: { busyHours: ['19:00-23:00'] } } });
    const r = await preflight(s, { areas: ['window'], now: evening });
    assert.equal(one(r, 'window.busy').severity, 'blocker');
    assert.equal(r.go, false);
    assert.equal(one(r, 'window.low-traffic').severity, 'info');
    const accepted = await preflight(s, { areas: ['window'], now: evening, acceptRisks: ['window.busy'] });
    assert.equal(accepted.go, true);
    assert.equal(one(accepted, 'window.busy').accepted, true);
    assert.deepEqual(accepted.accepted, ['window.busy']);
    const n = await preflight(s, { areas: ['window'], now: night });
    assert.equal(one(n, 'window.busy').severity, 'passed');
    assert.equal(one(n, 'window.low-traffic').severity, 'passed');
  });

  it('a non-production environment passes at any time; a bad zone is a config error before any check runs', async () => {
    const s = await setup({ environment: { check: { busyHours: ['00:00-23:59'] } } });
    assert.equal(one(await preflight(s, { areas: ['window'], now: evening }), 'window.busy').severity, 'passed');
    await assert.rejects(
      setup({ envName: 'production', environment: { check: { timeZone: 'Mars/Olympus' } } }),
      (e: unknown) => e instanceof ConfigError && e.key === 'config.badTimeZone' && e.exitCode === 2,
    );
  });
});
