/**
 * A PostgreSQL on this machine for ssh environments whose database is external (a fleet's, a
 * staging's): listening on this machine's end of a test VM's link, reachable from other VMs
 * through a route the caller adds. One role `shop`; databases made on demand.
 */
import { execFileSync } from 'node:child_process';
import { appendFile, chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/engine/net.js';
import type { Vm } from './vm.js';

const BIN = '/usr/lib/postgresql/15/bin';
const asPostgres = (argv: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', ...argv], { encoding: 'utf8', cwd: '/' });

export interface ExternalPg {
  /** `postgres://shop:…@host:port/<db>` for a database made now, owned by `shop`. */
  database(name: string): string;
  stop(): Promise<void>;
}

export async function startExternalPg(vm: Vm): Promise<ExternalPg> {
  const password = `ext-${Date.now()}-pw`;
  const root = await mkdtemp(path.join(os.tmpdir(), 'slipway-extpg-'));
  await chmod(root, 0o755);
  const data = path.join(root, 'data');
  execFileSync('chown', ['postgres', root]);
  const pw = path.join(root, 'pw');
  await writeFile(pw, `${password}\n`, { mode: 0o600 });
  execFileSync('chown', ['postgres', pw]);
  asPostgres([`${BIN}/initdb`, '-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pw}`, '-E', 'UTF8', '--locale=C']);
  await appendFile(path.join(data, 'pg_hba.conf'), 'host all all 10.231.0.0/16 scram-sha-256\n');
  const port = await freePort();
  asPostgres([`${BIN}/pg_ctl`, '-D', data, '-l', path.join(root, 'log'), '-o', `-c listen_addresses=${vm.hostAddress} -c port=${port} -c unix_socket_directories=''`, '-w', 'start']);
  const psql = (sql: string) => execFileSync(`${BIN}/psql`, ['-X', '-h', vm.hostAddress, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', sql], { env: { ...process.env, PGPASSWORD: password } });
  psql(`CREATE ROLE shop LOGIN PASSWORD '${password}'`);
  return {
    database(name) {
      psql(`CREATE DATABASE ${name} OWNER shop`);
      return `postgres://shop:${password}@${vm.hostAddress}:${port}/${name}`;
    },
    async stop() {
      execFileSync('runuser', ['-u', 'postgres', '--', `${BIN}/pg_ctl`, '-D', data, '-m', 'immediate', 'stop'], { stdio: 'ignore', cwd: '/' });
      await rm(root, { recursive: true, force: true });
    },
  };
}
