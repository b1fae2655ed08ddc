/**
 * A PostgreSQL server that slipway owns for one local environment: initialised on first
 * use, listening on loopback only (TCP, no socket files), started with pg_ctl so it
 * outlives the CLI. PostgreSQL refuses to run as root, so as root it runs as the
 * `postgres` system user (created if the machine has none).
 */
import { randomBytes } from 'node:crypto';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SlipwayError } from '../engine/errors.js';
import type { Host } from '../targets/host.js';
import { userIds } from '../targets/local/host.js';
import { findPgBinaries } from './binaries.js';
import type { PgConn } from './conn.js';
import { freePort } from '../engine/net.js';

export interface LocalPgInfo {
  major: number;
  port: number;
}

export class LocalPostgres {
  readonly dataDir: string;
  private readonly infoFile: string;
  private readonly secretsDir: string;

  constructor(readonly dir: string, readonly major: number, private readonly host: Host, secretsDir: string) {
    this.dataDir = path.join(dir, 'data');
    this.infoFile = path.join(dir, 'server.json');
    this.secretsDir = secretsDir;
  }

  private runAs(): string | undefined {
    return process.getuid?.() === 0 ? 'postgres' : undefined;
  }

  private async ensureRunAsUser(): Promise<void> {
    const user = this.runAs();
    if (!user) return;
    try {
      userIds(user);
    } catch {
      const r = await this.host.exec(['useradd', '--system', '--no-create-home', '--shell', '/usr/sbin/nologin', user]);
      if (r.code !== 0) throw new SlipwayError({ key: 'db.userMissing', params: { user, reason: r.stderr.trim() }, fix: 'db.userMissing.fix', fixParams: { user } });
    }
  }

  async info(): Promise<LocalPgInfo | undefined> {
    const text = await this.host.readFile(this.infoFile);
    return text ? (JSON.parse(text) as LocalPgInfo) : undefined;
  }

  async secret(name: 'pg-superuser' | 'db-password'): Promise<string> {
    const file = path.join(this.secretsDir, name);
    const existing = await this.host.readFile(file);
    if (existing) return existing.trim();
    const value = randomBytes(18).toString('base64url');
    await mkdir(this.secretsDir, { recursive: true, mode: 0o700 });
    await writeFile(file, value + '\n', { mode: 0o600 });
    return value;
  }

  async isRunning(): Promise<boolean> {
    if (!(await this.host.exists(path.join(this.dataDir, 'PG_VERSION')))) return false;
    const bins = await findPgBinaries(this.major);
    const r = await this.host.exec([bins.bin('pg_ctl'), '-D', this.dataDir, 'status'], { user: this.runAs() });
    return r.code === 0;
  }

  /** Initialise (first time) and start the server; returns the superuser connection. */
  async ensureRunning(): Promise<PgConn> {
    const bins = await findPgBinaries(this.major);
    await this.ensureRunAsUser();
    const user = this.runAs();
    const owner = user ? userIds(user) : undefined;
    const superPassword = await this.secret('pg-superuser');
    if (!(await this.host.exists(path.join(this.dataDir, 'PG_VERSION')))) {
      await mkdir(this.dir, { recursive: true, mode: 0o755 });
      await rm(this.dataDir, { recursive: true, force: true });
      await mkdir(this.dataDir, { mode: 0o700 });
      const pwfile = path.join(this.dir, '.pwfile');
      await writeFile(pwfile, superPassword + '\n', { mode: 0o600 });
      if (owner) {
        await chown(this.dir, owner.uid, owner.gid);
        await chown(this.dataDir, owner.uid, owner.gid);
        await chown(pwfile, owner.uid, owner.gid);
      }
      const r = await this.host.exec(
        [bins.bin('initdb'), '-D', this.dataDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C'],
        { user },
      );
      await rm(pwfile, { force: true });
      if (r.code !== 0) throw new SlipwayError({ key: 'db.initFailed', params: { reason: lastLines(r.stderr || r.stdout) }, place: this.dataDir, fix: 'db.initFailed.fix' });
    }
    const prev = await this.info();
    if (await this.isRunning()) return this.superConn(prev!.port, superPassword);
    const port = prev && (await portFree(prev.port)) ? prev.port : await freePort();
    const log = path.join(this.dir, 'server.log');
    if (owner) {
      await writeFile(log, '', { flag: 'a' });
      await chown(log, owner.uid, owner.gid);
    }
    const opts = `-c port=${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`;
    const r = await this.host.exec([bins.bin('pg_ctl'), '-D', this.dataDir, '-l', log, '-o', opts, '-w', '-t', '60', 'start'], { user });
    if (r.code !== 0) {
      const tail = (await this.host.readFile(log)) ?? '';
      throw new SlipwayError({ key: 'db.startFailed', params: { reason: lastLines(tail || r.stderr) }, place: log, fix: 'db.startFailed.fix' });
    }
    await this.host.writeFile(this.infoFile, JSON.stringify({ major: this.major, port } satisfies LocalPgInfo) + '\n', 0o644);
    return this.superConn(port, superPassword);
  }

  private superConn(port: number, password: string): PgConn {
    return { host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' };
  }

  /** Make sure the app's role and database exist; returns the app's connection. */
  async ensureDatabase(superConn: PgConn, name: string, user: string): Promise<PgConn> {
    const password = await this.secret('db-password');
    const pg = (await import('pg')).default;
    const client = new pg.Client({ ...superConn });
    await client.connect();
    try {
      const role = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [user]);
      const ident = `"${user.replace(/"/g, '""')}"`;
      const lit = `'${password.replace(/'/g, "''")}'`;
      await client.query(role.rowCount ? `ALTER ROLE ${ident} WITH LOGIN PASSWORD ${lit}` : `CREATE ROLE ${ident} WITH LOGIN PASSWORD ${lit}`);
      const db = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (!db.rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}" OWNER ${ident}`);
    } finally {
      await client.end();
    }
    return { host: '127.0.0.1', port: superConn.port, user, password, database: name };
  }

  async stop(): Promise<void> {
    if (!(await this.isRunning())) return;
    const bins = await findPgBinaries(this.major);
    await this.host.exec([bins.bin('pg_ctl'), '-D', this.dataDir, '-m', 'fast', '-w', 'stop'], { user: this.runAs() });
  }
}

async function portFree(port: number): Promise<boolean> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export function lastLines(text: string, n = 5): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}
