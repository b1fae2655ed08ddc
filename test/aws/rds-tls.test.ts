/**
 * Issue 9 item 7: TLS to RDS verified for an app that does nothing special. A stock `pg` client
 * (node-postgres from node_modules, no `ssl` option in code) runs in a child `node` with exactly
 * the environment the aws task definition gives the container (from `containerEnv` /
 * `containerSecrets`, not a copy), against a real PostgreSQL 15 with ssl=on whose certificate
 * comes from a CA made in the test and stands in for the RDS CA bundle.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { containerEnv, containerSecrets, type TaskDefInput } from '../../src/targets/aws/taskdef.js';
import { DAY, freePort, makePki, type TestPki } from '../checks/helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = '/usr/lib/postgresql/15/bin';
const PASSWORD = `tls-${process.pid}-pw`;
const HOST = 'localhost';

let pki: TestPki;
let otherPki: TestPki;
let root = '';
let data = '';
let port = 0;

const asPostgres = (argv: string[]): string => execFileSync('runuser', ['-u', 'postgres', '--', ...argv], { encoding: 'utf8', cwd: '/' });

/** Write a file the server reads: owned by postgres, mode 0600 (PostgreSQL refuses a group/world-readable key). */
function serverFile(name: string, text: string): string {
  const p = path.join(root, name);
  writeFileSync(p, text, { mode: 0o600 });
  chownSync(p, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })));
  return p;
}

/** The leaf certificate the server presents now (openssl s_client speaks PostgreSQL's SSLRequest). */
function presentedLeaf(): string {
  const r = spawnSync('openssl', ['s_client', '-starttls', 'postgres', '-connect', `127.0.0.1:${port}`], { input: '', encoding: 'utf8', timeout: 10_000 });
  return /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(r.stdout)?.[0] ?? '';
}

/** Present a leaf signed by `ca` (with the CA in the chain, as RDS does); a running server reloads and is waited for. */
async function presentCertificateFrom(ca: TestPki, file: string): Promise<void> {
  const now = Date.now();
  const leaf = ca.leaf(file, [HOST], new Date(now - DAY), new Date(now + 30 * DAY));
  const caPem = execFileSync('cat', [ca.caFile], { encoding: 'utf8' });
  serverFile('server.crt', leaf.cert + caPem);
  serverFile('server.key', leaf.key);
  if (!port) return;
  asPostgres([`${BIN}/pg_ctl`, '-D', data, 'reload']);
  for (let i = 0; i < 50 && presentedLeaf().trim() !== leaf.cert.trim(); i++) await new Promise((r) => setTimeout(r, 200));
  assert.equal(presentedLeaf().trim(), leaf.cert.trim(), 'the server did not switch to the new certificate');
}

/** The container's environment as the aws task definition defines it, secrets resolved to the values the database secret holds. */
function taskEnvironment(): Record<string, string> {
  const input: TaskDefInput = {
    family: 'shop-production',
    container: 'app',
    image: 'example/shop:1',
    cpu: 256,
    memory: 512,
    port: 3000,
    executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
    taskRoleArn: 'arn:aws:iam::123456789012:role/task',
    logGroup: '/slipway/shop',
    region: 'eu-west-1',
    env: {},
    db: { host: HOST, port: String(port), name: 'postgres', user: 'postgres', secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db', caBundlePath: pki.caFile },
  };
  const env: Record<string, string> = Object.fromEntries(containerEnv(input).map((e) => [e.name, e.value]));
  // What the secret's username/password/url keys hold once the instance exists (targets/aws/database.ts).
  const secretValues: Record<string, string> = {
    DB_USER: 'postgres',
    PGUSER: 'postgres',
    DB_PASSWORD: PASSWORD,
    PGPASSWORD: PASSWORD,
    DATABASE_URL: `postgres://postgres:${encodeURIComponent(PASSWORD)}@${HOST}:${port}/postgres`,
  };
  for (const s of containerSecrets(input)) {
    const value = secretValues[s.name];
    assert.ok(value !== undefined, `the test has no value for the task secret ${s.name}`);
    env[s.name] = value;
  }
  return env;
}

/** A stock node-postgres client: `new Client()` (PG* env) or `new Client({ connectionString: DATABASE_URL })`, nothing about TLS in code. */
const CLIENT = `
const { Client } = require('pg');
const c = process.argv[1] === 'url' ? new Client({ connectionString: process.env.DATABASE_URL }) : new Client();
c.connect()
  .then(() => c.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'))
  .then((r) => { process.stdout.write(JSON.stringify(r.rows[0])); return c.end(); })
  .catch((e) => { process.stderr.write(String(e && e.message)); process.exit(1); });
`;

function runClient(env: Record<string, string>, mode: 'env' | 'url'): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['-e', CLIENT, mode], { cwd: ROOT, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(async () => {
  pki = makePki();
  otherPki = makePki();
  root = mkdtempSync(path.join(os.tmpdir(), 'slipway-rds-tls-'));
  chmodSync(root, 0o755);
  execFileSync('chown', ['postgres', root]);
  data = path.join(root, 'data');
  const pw = serverFile('pw', `${PASSWORD}\n`);
  asPostgres([`${BIN}/initdb`, '-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pw}`, '-E', 'UTF8', '--locale=C']);
  await presentCertificateFrom(pki, 'server');
  port = await freePort();
  const opts = [
    `-c port=${port}`,
    `-c listen_addresses=${HOST}`,
    "-c unix_socket_directories=''",
    '-c ssl=on',
    `-c ssl_cert_file=${path.join(root, 'server.crt')}`,
    `-c ssl_key_file=${path.join(root, 'server.key')}`,
  ].join(' ');
  asPostgres([`${BIN}/pg_ctl`, '-D', data, '-l', path.join(root, 'log'), '-o', opts, '-w', 'start']);
});

after(() => {
  if (data) {
    try {
      execFileSync('runuser', ['-u', 'postgres', '--', `${BIN}/pg_ctl`, '-D', data, '-m', 'immediate', 'stop'], { stdio: 'ignore', cwd: '/' });
    } catch {
      // not started
    }
  }
  if (root) rmSync(root, { recursive: true, force: true });
  pki?.cleanup();
  otherPki?.cleanup();
});

describe('TLS to RDS with a stock pg client and the task definition environment', () => {
  test('the task env has PGSSLMODE=verify-full and PGSSLROOTCERT and NODE_EXTRA_CA_CERTS both set to the CA bundle path', () => {
    const env = taskEnvironment();
    assert.equal(env.PGSSLMODE, 'verify-full');
    assert.equal(env.PGSSLROOTCERT, pki.caFile);
    assert.equal(env.NODE_EXTRA_CA_CERTS, pki.caFile);
    assert.equal(env.NODE_TLS_REJECT_UNAUTHORIZED, undefined);
  });

  test('new Client() from PG* env and new Client({ connectionString: DATABASE_URL }) both connect and pg_stat_ssl says ssl = true', () => {
    for (const mode of ['env', 'url'] as const) {
      const r = runClient(taskEnvironment(), mode);
      assert.equal(r.code, 0, `${mode}: ${r.stderr}`);
      assert.deepEqual(JSON.parse(r.stdout), { ssl: true }, mode);
    }
  });

  test('without NODE_EXTRA_CA_CERTS (PGSSLROOTCERT alone) the stock client fails with "self-signed certificate in certificate chain"', () => {
    const { NODE_EXTRA_CA_CERTS: _dropped, ...env } = taskEnvironment();
    for (const mode of ['env', 'url'] as const) {
      const r = runClient(env, mode);
      assert.equal(r.code, 1, `${mode}: ${r.stdout}`);
      assert.match(r.stderr, /self-signed certificate in certificate chain/, mode);
    }
  });

  // Runs last: it swaps the server's certificate for one from another CA.
  test('a server certificate from another CA is refused with the task env (verification stays on)', async () => {
    await presentCertificateFrom(otherPki, 'other');
    const r = runClient(taskEnvironment(), 'env');
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /self-signed certificate in certificate chain/);
  });
});
