/** Pure parts of the ssh target: known_hosts matching, quoting, the env block, addresses, the boot unit. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fingerprint, knownHostName, knownHostsLine, parseKnownHosts, verifyHostKey } from '../../src/host/known-hosts.js';
import { envBlock, remoteCommand, shq } from '../../src/host/ssh-command.js';
import { remoteRoot, sshTarget } from '../../src/targets/ssh/address.js';
import { dbUnit, dbUnitName, systemdUnit, unitName } from '../../src/targets/ssh/systemd.js';
import { INSTALL_UNIT, REMOVE_UNIT } from '../../src/targets/ssh/boot.js';
import { execForm } from '../../src/targets/machine/supervisor.js';
import { pickPgDir } from '../../src/db/binaries.js';

/** An SSH wire-format ed25519 public key blob. */
function keyBlob(): Buffer {
  const type = Buffer.from('ssh-ed25519');
  const key = randomBytes(32);
  const len = (n: number) => Buffer.from([0, 0, 0, n]);
  return Buffer.concat([len(type.length), type, len(key.length), key]);
}

test('known_hosts: plain, hashed and [host]:port entries match; another key is "changed"; no entry is "unknown"; @revoked wins', () => {
  const key = keyBlob();
  const other = keyBlob();
  const salt = randomBytes(20);
  const hashed = (name: string) => `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
  const b64 = key.toString('base64');
  const entries = parseKnownHosts(
    [`# comment`, `10.0.0.5 ssh-ed25519 ${b64}`, `${hashed('[vm.example]:2222')} ssh-ed25519 ${b64}`, `*.wild.example,!bad.wild.example ssh-ed25519 ${b64}`, `@revoked 10.0.0.9 ssh-ed25519 ${b64}`].join('\n'),
  );
  assert.equal(knownHostName('vm.example', 2222), '[vm.example]:2222');
  assert.equal(knownHostName('vm.example', 22), 'vm.example');
  assert.equal(verifyHostKey(entries, '10.0.0.5', 22, key).kind, 'ok');
  assert.equal(verifyHostKey(entries, 'vm.example', 2222, key).kind, 'ok');
  assert.equal(verifyHostKey(entries, 'vm.example', 22, key).kind, 'unknown', 'the port is part of the name');
  assert.equal(verifyHostKey(entries, 'a.wild.example', 22, key).kind, 'ok');
  assert.equal(verifyHostKey(entries, 'bad.wild.example', 22, key).kind, 'unknown');
  assert.equal(verifyHostKey(entries, '10.0.0.9', 22, key).kind, 'revoked');
  const changed = verifyHostKey(entries, '10.0.0.5', 22, other);
  assert.equal(changed.kind, 'changed');
  assert.ok(changed.kind === 'changed' && changed.expected[0] === `ssh-ed25519 ${fingerprint(b64)}` && changed.lines[0] === 2);
  assert.equal(changed.fingerprint, fingerprint(other.toString('base64')));
  assert.equal(knownHostsLine('vm.example', 2222, key), `[vm.example]:2222 ssh-ed25519 ${b64}`);
});

test('fingerprints are what ssh-keygen -l prints', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-fp-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'k')]);
  const pub = execFileSync('cat', [path.join(dir, 'k.pub')], { encoding: 'utf8' });
  const expected = execFileSync('ssh-keygen', ['-lf', path.join(dir, 'k.pub')], { encoding: 'utf8' }).split(' ')[1];
  assert.equal(fingerprint(pub.split(' ')[1]!), expected);
});

test('remote commands: every word is quoted for the shell; secrets go in the env block on stdin, not the command', () => {
  assert.equal(shq('plain/path-1.2'), 'plain/path-1.2');
  assert.equal(shq(`it's $HOME "x"`), `'it'\\''s $HOME "x"'`);
  const secret = `p$a"ss w'ord`;
  const cmd = remoteCommand(['printenv', 'SECRET'], { cwd: '/tmp' });
  assert.ok(!cmd.includes(secret));
  // The command line as sshd's shell would run it, with the env block on stdin.
  const out = execFileSync('/bin/sh', ['-c', cmd], { input: envBlock({ SECRET: secret }), encoding: 'utf8' });
  assert.equal(out, `${secret}\n`);
});

test('addresses: user@host:port, host, and the object form; the default directory', () => {
  assert.deepEqual(sshTarget({ host: 'deploy@203.0.113.10:2222', identityFile: '~/.ssh/id' }, '/home/me'), { address: '203.0.113.10', port: 2222, user: 'deploy', identityFile: '/home/me/.ssh/id' });
  assert.deepEqual(sshTarget({ host: 'vm.example' }, '/h'), { address: 'vm.example', port: 22, user: 'root' });
  assert.deepEqual(sshTarget({ host: { address: '::1', port: 22, user: 'ops' } }, '/h'), { address: '::1', port: 22, user: 'ops' });
  assert.equal(remoteRoot({}, 'shop-api', 'staging'), '/srv/slipway/shop-api/staging');
});

test('start commands: simple ones are exec\'d (one process per release), Procfile forms and compound ones run under the shell', () => {
  assert.equal(execForm('node dist/server.js'), 'exec node dist/server.js');
  assert.equal(execForm('NODE_ENV=production npm start'), 'NODE_ENV=production exec npm start');
  assert.equal(execForm('npm run migrate && node dist/server.js'), 'npm run migrate && node dist/server.js');
  const out = execFileSync('/bin/sh', ['-c', execForm('FOO=bar printenv FOO')], { encoding: 'utf8' });
  assert.equal(out.trim(), 'bar');
});

test('the PostgreSQL probe picks the directory of the wanted major', () => {
  assert.equal(pickPgDir('/usr/lib/postgresql/16/bin\tinitdb (PostgreSQL) 16.2\n/usr/lib/postgresql/15/bin\tinitdb (PostgreSQL) 15.18\n', 15), '/usr/lib/postgresql/15/bin');
  assert.equal(pickPgDir('/usr/bin\tinitdb (PostgreSQL) 14.1\n', 15), undefined);
});

test('the boot unit passes systemd-analyze verify and resumes the serving release as the service user', async () => {
  assert.ok(existsSync('/usr/bin/systemd-analyze'), 'systemd-analyze is missing: apt-get install -y systemd (npm test installs it)');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-unit-'));
  const text = systemdUnit({ app: 'shop-api', env: 'staging', user: 'root', node: process.execPath, argv: ['/srv/slipway/shop-api/staging/bin/x/targets/machine/supervisor-main.js', '--state', '/srv/slipway/shop-api/staging', '--port', '3001', '--resume'] });
  const file = path.join(dir, unitName('shop-api', 'staging'));
  await writeFile(file, text);
  execFileSync('systemd-analyze', ['verify', file], { stdio: 'pipe' });
  assert.match(text, /^User=root$/m);
  assert.match(text, /^Restart=always$/m);
  assert.match(text, / --resume$/m);
  // And it does catch a broken unit.
  await writeFile(file, text.replace(/^ExecStart=.*$/m, 'ExecStart=relative/node x'));
  assert.throws(() => execFileSync('systemd-analyze', ['verify', file], { stdio: 'pipe' }));
});

test('the database unit passes systemd-analyze verify, runs pg_ctl as postgres, and the app unit is ordered after it', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-unit-'));
  const pgCtl = '/usr/lib/postgresql/15/bin/pg_ctl';
  const data = '/var/lib/slipway/pg/1234/data';
  const text = dbUnit('shop-api', 'staging', {
    start: [pgCtl, '-D', data, '-l', '/var/lib/slipway/pg/1234/server.log', '-o', "-c port=5433 -c listen_addresses=127.0.0.1 -c unix_socket_directories=''", '-w', '-t', '60', 'start'],
    stop: [pgCtl, '-D', data, '-m', 'fast', '-w', 'stop'],
    cwd: '/var/lib/slipway/pg/1234',
    pidFile: `${data}/postmaster.pid`,
    user: 'postgres',
  });
  await writeFile(path.join(dir, dbUnitName('shop-api', 'staging')), text);
  const app = systemdUnit({ app: 'shop-api', env: 'staging', user: 'root', node: process.execPath, argv: ['/srv/x/supervisor-main.js', '--resume'], db: dbUnitName('shop-api', 'staging') });
  await writeFile(path.join(dir, unitName('shop-api', 'staging')), app);
  execFileSync('systemd-analyze', ['verify', path.join(dir, dbUnitName('shop-api', 'staging')), path.join(dir, unitName('shop-api', 'staging'))], { stdio: 'pipe', cwd: dir });
  assert.match(text, /^User=postgres$/m);
  assert.match(text, /^Type=forking$/m);
  assert.match(text, /^Before=slipway-shop-api-staging\.service$/m);
  assert.ok(text.includes(`ExecStart=${pgCtl} -D ${data} -l /var/lib/slipway/pg/1234/server.log -o "-c port=5433 -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" -w -t 60 start`));
  assert.match(app, /^After=network-online\.target slipway-shop-api-staging-db\.service$/m);
});

test('unit words keep % and $ literal (systemd specifiers and variables are doubled)', () => {
  const text = systemdUnit({ app: 'a', env: 'b', user: 'u', node: '/usr/bin/node', argv: ['/srv/100%/x.js', '--flag=$HOME'] });
  assert.match(text, /^ExecStart=\/usr\/bin\/node \/srv\/100%%\/x\.js --flag=\$\$HOME$/m);
});

/**
 * The install and remove scripts run by /bin/sh in a mount namespace of their own, where
 * /etc/systemd/system is an empty directory of this test. systemd cannot run here, so a
 * stand-in `systemctl` first on PATH records what it is asked (and answers is-enabled from
 * the enablement it recorded): this checks the scripts' own logic, not systemd.
 */
test('unit scripts: the text is written only when it changed, enabled once, restarted only with "now" (after reset-failed); remove disables and deletes it', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-unitsh-'));
  const units = path.join(dir, 'units');
  const bin = path.join(dir, 'bin');
  const calls = path.join(dir, 'calls');
  execFileSync('mkdir', ['-p', units, bin]);
  await writeFile(
    path.join(bin, 'systemctl'),
    `#!/bin/sh\necho "$*" >> ${calls}\ncase "$1" in is-enabled) exec test -e "${dir}/enabled-$3";; enable) touch "${dir}/enabled-$3";; disable) rm -f "${dir}/enabled-$4";; esac\nexit 0\n`,
    { mode: 0o755 },
  );
  const run = (script: string, args: string[], input = '') =>
    execFileSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', 'mount --bind "$1" /etc/systemd/system && shift && PATH="$1:$PATH" && shift && exec sh -c "$@"', 'sh', units, bin, script, 'sh', ...args], { input, encoding: 'utf8' });
  const said = async () => (await readFile(calls, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);
  const unit = 'slipway-a-b-db.service';
  const text = '[Unit]\nDescription=x\n\n[Service]\nExecStart=/bin/true\n';

  run(INSTALL_UNIT, [unit, 'now'], text);
  assert.equal(await readFile(path.join(units, unit), 'utf8'), text);
  assert.deepEqual(await said(), ['daemon-reload', `is-enabled --quiet ${unit}`, `enable --quiet ${unit}`, `reset-failed ${unit}`, `restart ${unit}`]);

  await writeFile(calls, '');
  run(INSTALL_UNIT, [unit, 'boot'], text);
  assert.deepEqual(await said(), [`is-enabled --quiet ${unit}`], 'the same text: not rewritten, no reload, already enabled, not restarted');

  await writeFile(calls, '');
  run(INSTALL_UNIT, [unit, 'boot'], text.replace('/bin/true', '/bin/false'));
  assert.match(await readFile(path.join(units, unit), 'utf8'), /\/bin\/false/);
  assert.deepEqual(await said(), ['daemon-reload', `is-enabled --quiet ${unit}`], 'a changed text: rewritten and reloaded, not restarted');

  await writeFile(calls, '');
  run(REMOVE_UNIT, [unit]);
  assert.ok(!existsSync(path.join(units, unit)));
  assert.deepEqual(await said(), [`disable --now --quiet ${unit}`, 'daemon-reload']);
  await writeFile(calls, '');
  run(REMOVE_UNIT, [unit]);
  assert.deepEqual(await said(), [], 'absent: nothing to do');
  assert.ok(!existsSync(path.join('/etc/systemd/system', unit)), 'this machine\'s own unit directory was not touched');
});
