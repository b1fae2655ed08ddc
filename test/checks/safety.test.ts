import assert from 'node:assert/strict';
import { ConfigError } from '../../src/engine/errors.js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { inWindow, minutesIn } from '../../src/checks/window.js';
import { one, preflight, setup, tempDir } from './helpers.js';

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
