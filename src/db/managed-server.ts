/**
 * A PostgreSQL server that slipway owns for one environment, on whatever machine the
 * environment runs (this one, or a VM over SSH): initialised on first use, listening on
 * loopback only (TCP, no socket files), started with pg_ctl so it outlives the CLI.
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user
 * (created if the machine has none). Every operation goes through the host's commands.
 */
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { SlipwayError } from '../engine/errors.js';
import { lastLines } from '../engine/text.js';
import { findPgBinaries } from './binaries.js';
import type { PgConn } from './conn.js';
import type { DbHost, PgService, PgServiceSpec } from './host.js';

export interface DbLogin {
  login: string;
  password: string;
}

/** What `db rotate-password` is doing: from the live login to the new one. */
export interface PendingRotation {
  from: DbLogin;
  to: DbLogin;
}

export interface ManagedPgInfo {
  major: number;
  port: number;
}

/** A SQL string literal. */
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The SQL that lets `login` log in with `password` (an alternate login acts as `owner`). */
function loginSql(login: string, owner: string, password: string): string {
  return `
SELECT format('%s ROLE %I WITH LOGIN PASSWORD %L', CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${lit(login)}) THEN 'ALTER' ELSE 'CREATE' END, ${lit(login)}, ${lit(password)}) \\gexec
${login === owner ? '' : `SELECT format('GRANT %I TO %I', ${lit(owner)}, ${lit(login)}) \\gexec
SELECT format('ALTER ROLE %I SET role = %L', ${lit(login)}, ${lit(owner)}) \\gexec`}
`;
}

/** Where a cluster goes when the `postgres` user cannot reach the environment's directory. */
export const RELOCATED_ROOT = '/var/lib/slipway/pg';

export class ManagedPostgres {
  private asRoot: Promise<boolean> | undefined;
  private homeDir: Promise<string> | undefined;

  /**
   * `service`: a service manager that should own the server (a systemd unit on a VM), so it
   * comes back after a reboot. Without one, pg_ctl starts it and it lives until stopped.
   */
  constructor(
    readonly dir: string,
    readonly major: number,
    private readonly host: DbHost,
    private readonly secretsDir: string,
    private readonly service?: PgService,
  ) {}

  /** The pointer to a relocated cluster, kept in the environment's directory. */
  private get locationFile(): string {
    return path.posix.join(this.dir, 'location');
  }

  /**
   * Where the cluster lives: the environment's `pg/` directory, or — when the server runs
   * as `postgres` and cannot traverse that directory (a clone under `/root` or in a 0700
   * temp dir, as root) — a directory of its own under /var/lib/slipway/pg, recorded in
   * `pg/location` so every later command (and destroy) finds it.
   */
  home(create = false): Promise<string> {
    if (!create) return this.homeDir ?? this.readHome();
    this.homeDir ??= this.chooseHome();
    return this.homeDir;
  }

  private async readHome(): Promise<string> {
    const moved = (await this.host.readFile(this.locationFile))?.trim();
    return moved || this.dir;
  }

  private async chooseHome(): Promise<string> {
    const known = (await this.host.readFile(this.locationFile))?.trim();
    if (known) return known;
    await this.host.mkdir(this.dir, { mode: 0o755 });
    const user = await this.runAs();
    if (!user || (await this.host.exec(['test', '-x', this.dir], { user })).code === 0) return this.dir;
    const moved = path.posix.join(RELOCATED_ROOT, createHash('sha256').update(`${this.host.name}:${this.dir}`).digest('hex').slice(0, 16));
    await this.host.mkdir(moved, { mode: 0o755 });
    await this.host.writeFile(this.locationFile, moved + '\n', 0o644);
    return moved;
  }

  private async paths(create = false): Promise<{ home: string; data: string; info: string; log: string }> {
    const home = await this.home(create);
    const j = path.posix.join;
    return { home, data: j(home, 'data'), info: j(home, 'server.json'), log: j(home, 'server.log') };
  }

  /** The user the server runs as: `postgres` when we are root there, else ourselves. */
  private async runAs(): Promise<string | undefined> {
    this.asRoot ??= this.host.exec(['id', '-u']).then((r) => r.stdout.trim() === '0');
    return (await this.asRoot) ? 'postgres' : undefined;
  }

  private async ensureRunAsUser(): Promise<string | undefined> {
    const user = await this.runAs();
    if (!user) return undefined;
    if ((await this.host.exec(['id', '-u', user])).code === 0) return user;
    const r = await this.host.exec(['useradd', '--system', '--no-create-home', '--shell', '/usr/sbin/nologin', user]);
    if (r.code !== 0) throw new SlipwayError({ key: 'db.userMissing', params: { user, reason: r.stderr.trim() }, fix: 'db.userMissing.fix', fixParams: { user } });
    return user;
  }

  async info(): Promise<ManagedPgInfo | undefined> {
    const text = await this.host.readFile((await this.paths()).info);
    return text ? (JSON.parse(text) as ManagedPgInfo) : undefined;
  }

  /** A generated password, kept in the environment's 0600 secrets dir on the host. */
  async secret(name: 'pg-superuser' | 'db-password'): Promise<string> {
    const file = path.posix.join(this.secretsDir, name);
    const existing = await this.host.readFile(file);
    if (existing) return existing.trim();
    const value = randomBytes(18).toString('base64url');
    await this.host.mkdir(this.secretsDir, { mode: 0o700 });
    await this.host.writeFile(file, value + '\n', 0o600);
    return value;
  }

  async isRunning(): Promise<boolean> {
    const { data } = await this.paths();
    if (!(await this.host.exists(path.posix.join(data, 'PG_VERSION')))) return false;
    const bins = await findPgBinaries(this.host, this.major);
    const user = await this.runAs();
    const r = await this.host.exec([bins.bin('pg_ctl'), '-D', data, 'status'], user ? { user } : {});
    return r.code === 0;
  }

  private async chown(user: string | undefined, ...paths: string[]): Promise<void> {
    if (user) await this.host.exec(['chown', user, ...paths]);
  }

  /** Initialise (first time) and start the server; returns the superuser connection. */
  async ensureRunning(): Promise<PgConn> {
    const bins = await findPgBinaries(this.host, this.major);
    const user = await this.ensureRunAsUser();
    const superPassword = await this.secret('pg-superuser');
    const { home, data, info, log } = await this.paths(true);
    if (!(await this.host.exists(path.posix.join(data, 'PG_VERSION')))) {
      await this.host.mkdir(home, { mode: 0o755 });
      await this.host.rm(data);
      await this.host.mkdir(data, { mode: 0o700 });
      const pwfile = path.posix.join(home, '.pwfile');
      await this.host.writeFile(pwfile, superPassword + '\n', 0o600);
      await this.chown(user, home, data, pwfile);
      const r = await this.host.exec(
        [bins.bin('initdb'), '-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C'],
        { cwd: home, ...(user ? { user } : {}) },
      );
      await this.host.rm(pwfile);
      if (r.code !== 0) throw new SlipwayError({ key: 'db.initFailed', params: { reason: lastLines(r.stderr || r.stdout) }, place: `${this.host.name}:${data}`, fix: 'db.initFailed.fix' });
    }
    const prev = await this.info();
    const start = (port: number) => [bins.bin('pg_ctl'), '-D', data, '-l', log, '-o', `-c port=${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`, '-w', '-t', '60', 'start'];
    // A unit names its user even when that is the login user (installed with sudo, it would otherwise run as root, which PostgreSQL refuses).
    const unitUser = this.service ? (user ?? (await this.host.exec(['id', '-un'])).stdout.trim()) : '';
    const unit = (port: number): PgServiceSpec => ({ start: start(port), stop: [bins.bin('pg_ctl'), '-D', data, '-m', 'fast', '-w', 'stop'], cwd: home, pidFile: path.posix.join(data, 'postmaster.pid'), user: unitUser });
    if (prev && (await this.isRunning())) {
      // Started before the service existed (or by hand): it starts at the next boot.
      await this.service?.install(unit(prev.port), false);
      return this.superConn(prev.port, superPassword);
    }
    if (user && !(await this.host.exists(log))) {
      await this.host.writeFile(log, '', 0o600);
      await this.chown(user, log);
    }
    // The port it had, if still free; otherwise a new one (pg_ctl says so when the old one is taken).
    let port = prev?.port ?? (await this.host.freePort());
    for (let attempt = 0; ; attempt++) {
      const r = this.service ? await this.service.install(unit(port), true) : await this.host.exec(start(port), { cwd: home, ...(user ? { user } : {}) });
      if (r.code === 0) break;
      const tail = (await this.host.readFile(log)) ?? '';
      if (attempt === 0 && /could not bind|Address already in use/i.test(tail)) {
        port = await this.host.freePort();
        continue;
      }
      throw new SlipwayError({ key: 'db.startFailed', params: { reason: lastLines(tail || r.stderr) }, place: `${this.host.name}:${log}`, fix: 'db.startFailed.fix' });
    }
    await this.host.writeFile(info, JSON.stringify({ major: this.major, port } satisfies ManagedPgInfo) + '\n', 0o644);
    return this.superConn(port, superPassword);
  }

  private superConn(port: number, password: string): PgConn {
    return { host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' };
  }

  /**
   * The role the app logs in as: the database's owner (`database.user`), or — after a
   * `db rotate-password` — its alternate login `<user>_alt`, a member of the owner that
   * starts every session as the owner (`SET role`), so what it creates belongs to the owner.
   * Two logins let the old and the new password both work until the cutover is done.
   */
  async login(owner: string): Promise<string> {
    const name = (await this.host.readFile(path.posix.join(this.secretsDir, 'db-login')))?.trim();
    return name || owner;
  }

  /** The login and password the app uses from now on (two 0600 files in the secrets dir, each replaced atomically). */
  async setLive(login: string, password: string): Promise<void> {
    await this.host.mkdir(this.secretsDir, { mode: 0o700 });
    await this.host.writeFile(path.posix.join(this.secretsDir, 'db-password'), password + '\n', 0o600);
    await this.host.writeFile(path.posix.join(this.secretsDir, 'db-login'), login + '\n', 0o600);
  }

  /** SQL as the superuser, on psql's stdin (never a command line). */
  private async psql(superConn: PgConn, sql: string): Promise<void> {
    const bins = await findPgBinaries(this.host, this.major);
    const r = await this.host.exec([bins.bin('psql'), '--no-psqlrc', '--quiet', '-v', 'ON_ERROR_STOP=1', '--file', '-'], {
      env: { PGHOST: superConn.host, PGPORT: String(superConn.port), PGUSER: superConn.user, PGPASSWORD: superConn.password, PGDATABASE: superConn.database },
      input: sql,
    });
    if (r.code !== 0) throw new SlipwayError({ key: 'db.startFailed', params: { reason: lastLines(r.stderr) }, place: `${this.host.name}:${this.dir}`, fix: 'db.startFailed.fix' });
  }

  /** `login` may log in with `password`; an alternate login acts as `owner` (member, `SET role`). */
  async setLogin(superConn: PgConn, login: string, owner: string, password: string): Promise<void> {
    await this.psql(superConn, loginSql(login, owner, password));
  }

  /** A password rotation under way: both logins and passwords, in the 0600 secrets dir (never the journal). */
  async rotation(): Promise<PendingRotation | undefined> {
    const text = await this.host.readFile(this.rotationFile);
    return text ? (JSON.parse(text) as PendingRotation) : undefined;
  }

  async saveRotation(r: PendingRotation): Promise<void> {
    await this.host.mkdir(this.secretsDir, { mode: 0o700 });
    await this.host.writeFile(this.rotationFile, JSON.stringify(r) + '\n', 0o600);
  }

  async clearRotation(): Promise<void> {
    await this.host.rm(this.rotationFile);
  }

  private get rotationFile(): string {
    return path.posix.join(this.secretsDir, 'db-rotation.json');
  }

  /** `login` can no longer log in (no password, NOLOGIN), and its open sessions end. */
  async disableLogin(superConn: PgConn, login: string): Promise<void> {
    const sql = `
SELECT format('ALTER ROLE %I WITH NOLOGIN PASSWORD NULL', rolname) FROM pg_roles WHERE rolname = ${lit(login)} \\gexec
SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = ${lit(login)};
`;
    await this.psql(superConn, sql);
  }

  /**
   * Make sure the app's role and database exist; returns the app's connection. The SQL
   * (with the generated password) goes to psql on stdin, never on a command line.
   */
  async ensureDatabase(superConn: PgConn, name: string, user: string): Promise<PgConn> {
    const password = await this.secret('db-password');
    const login = await this.login(user);
    const ident = `"${user.replace(/"/g, '""')}"`;
    const owner = login === user ? loginSql(user, user, password) : '';
    const alt = login === user ? '' : loginSql(login, user, password);
    await this.psql(superConn, `${owner}
SELECT format('CREATE DATABASE %I OWNER %s', ${lit(name)}, ${lit(ident)}) WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = ${lit(name)}) \\gexec
${alt}`);
    return { host: '127.0.0.1', port: superConn.port, user: login, password, database: name };
  }

  async stop(): Promise<void> {
    if (!(await this.isRunning())) return;
    const bins = await findPgBinaries(this.host, this.major);
    const user = await this.runAs();
    await this.host.exec([bins.bin('pg_ctl'), '-D', (await this.paths()).data, '-m', 'fast', '-w', 'stop'], user ? { user } : {});
  }

  /** Stop the server and remove its files, wherever they live. */
  async destroy(): Promise<void> {
    await this.service?.remove();
    await this.stop();
    const home = await this.home();
    if (home !== this.dir) await this.host.rm(home);
    await this.host.rm(this.dir);
  }
}
