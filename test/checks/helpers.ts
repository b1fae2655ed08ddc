/** Test helpers for the preflight checks: configs in temp dirs, ports, dnsmasq, openssl (moto: test/aws/moto.ts). */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { promises as dnsp } from 'node:dns';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadConfig, readSecrets, resolveEnvironment, type ResolvedEnvironment, type SecretValues } from '../../src/config/index.js';
import { runPreflight, type Finding, type PreflightOptions, type PreflightReport } from '../../src/checks/index.js';
export { freePort } from '../../src/engine/net.js';
import { freePort } from '../../src/engine/net.js';

export function tempDir(prefix = 'slipway-checks-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [name, content] of Object.entries(files)) {
    const p = path.join(dir, name);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
}

/** A minimal app that passes the app checks. */
export const SIMPLE_APP: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'demo', version: '1.0.0', engines: { node: '>=18' }, scripts: { start: 'node server.js' } }),
  'package-lock.json': '{"lockfileVersion":3}',
  'server.js': "const port = Number(process.env.PORT ?? 3000);\nconsole.log(process.env.NODE_ENV, port);\n",
};

export interface EnvSetup {
  envr: ResolvedEnvironment;
  secrets: SecretValues;
  dir: string;
}

/**
 * Write `slipway.yaml` (and app files) into a temp dir, then load and resolve it the way
 * the CLI does. `environment` is merged into a local target named `envName`.
 */
export async function setup(opts: {
  config?: Record<string, unknown>;
  environment?: Record<string, unknown>;
  envName?: string;
  files?: Record<string, string | Buffer>;
  secretValues?: Record<string, string>;
  dir?: string;
}): Promise<EnvSetup> {
  const dir = opts.dir ?? tempDir();
  const envName = opts.envName ?? 'staging';
  writeFiles(dir, opts.files ?? SIMPLE_APP);
  const config = {
    app: { name: 'demo', start: 'node server.js' },
    ...opts.config,
    environments: { [envName]: { target: 'local', port: 1, ...opts.environment } },
  };
  writeFileSync(path.join(dir, 'slipway.yaml'), stringify(config));
  const loaded = await loadConfig({ file: path.join(dir, 'slipway.yaml') });
  const envr = resolveEnvironment(loaded, envName);
  const secrets = await readSecrets(envr, opts.secretValues ?? {});
  return { envr, secrets, dir };
}

export async function preflight(s: EnvSetup, opts: PreflightOptions = {}): Promise<PreflightReport> {
  return runPreflight(s.envr, s.secrets, { processEnv: {}, ...opts });
}

export function byId(report: PreflightReport, id: string, subject?: string): Finding[] {
  return report.findings.filter((f) => f.id === id && (subject === undefined || f.subject === subject));
}

export function one(report: PreflightReport, id: string, subject?: string): Finding {
  const list = byId(report, id, subject);
  if (list.length !== 1) throw new Error(`expected one ${id}${subject ? `:${subject}` : ''}, got ${list.length}: ${JSON.stringify(report.findings.map((f) => [f.id, f.severity, f.subject, f.title]), null, 1)}`);
  return list[0]!;
}


function has(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Install dnsmasq when missing (Debian); fail loudly if that is impossible. */
export function ensureDnsmasq(): string {
  const bin = ['/usr/sbin/dnsmasq', 'dnsmasq'].find((b) => (b.startsWith('/') ? has(b) : has(b)));
  if (bin) return bin;
  try {
    execFileSync('apt-get', ['install', '-y', 'dnsmasq'], { stdio: 'ignore', timeout: 180_000 });
  } catch {
    execFileSync('apt-get', ['update'], { stdio: 'ignore', timeout: 180_000 });
    execFileSync('apt-get', ['install', '-y', 'dnsmasq'], { stdio: 'ignore', timeout: 180_000 });
  }
  if (!has('/usr/sbin/dnsmasq')) throw new Error('dnsmasq is required for the DNS tests and could not be installed');
  return '/usr/sbin/dnsmasq';
}

async function waitFor(what: string, ok: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await ok().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not start within ${timeoutMs} ms`);
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

/** dnsmasq on 127.0.0.1:<random port> answering `--address=/name/ip` for each record. */
export async function startDns(records: Record<string, string>): Promise<{ server: string; stop: () => Promise<void> }> {
  const bin = ensureDnsmasq();
  const port = await freePort();
  const args = ['--no-daemon', `--port=${port}`, '--listen-address=127.0.0.1', '--no-resolv', '--no-hosts', '--bind-interfaces', '--conf-file=/dev/null', '--pid-file=', ...Object.entries(records).map(([n, ip]) => `--address=/${n}/${ip}`)];
  const child = spawn(bin, args, { stdio: 'ignore' });
  const server = `127.0.0.1:${port}`;
  const first = Object.keys(records)[0]!;
  await waitFor('dnsmasq', async () => {
    if (child.exitCode !== null) throw new Error(`dnsmasq exited with ${child.exitCode}`);
    const r = new dnsp.Resolver({ timeout: 300, tries: 1 });
    r.setServers([server]);
    return (await r.resolve4(first)).length > 0;
  });
  return { server, stop: stopper(child) };
}

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

/** YYYYMMDDHHMMSSZ for `openssl ca -startdate/-enddate`. */
function asn1Time(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
}

export interface TestPki {
  dir: string;
  caFile: string;
  /** A leaf for `names` signed by the test CA, valid from/to the given dates. */
  leaf(file: string, names: string[], from: Date, to: Date): { key: string; cert: string };
  /** A self-signed certificate for `name`. */
  selfSigned(file: string, name: string): { key: string; cert: string };
  cleanup(): void;
}

export function makePki(): TestPki {
  const dir = tempDir('slipway-pki-');
  writeFiles(dir, { 'index.txt': '', serial: '1000\n', 'newcerts/.keep': '' });
  writeFileSync(
    path.join(dir, 'ca.cnf'),
    `[ ca ]\ndefault_ca = CA_default\n[ CA_default ]\ndir = ${dir}\ndatabase = ${dir}/index.txt\nnew_certs_dir = ${dir}/newcerts\nserial = ${dir}/serial\ndefault_md = sha256\npolicy = policy_any\ncopy_extensions = copy\nunique_subject = no\n[ policy_any ]\ncommonName = supplied\n`,
  );
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=slipway test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  const read = (f: string) => execFileSync('cat', [path.join(dir, f)], { encoding: 'utf8' });
  return {
    dir,
    caFile: path.join(dir, 'ca.pem'),
    leaf(file, names, from, to) {
      writeFileSync(path.join(dir, `${file}.ext`), `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
      openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${file}.key`, '-out', `${file}.csr`, '-subj', `/CN=${names[0]}`], dir);
      openssl(['ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', `${file}.csr`, '-out', `${file}.pem`, '-startdate', asn1Time(from), '-enddate', asn1Time(to), '-extfile', `${file}.ext`, '-notext'], dir);
      return { key: read(`${file}.key`), cert: read(`${file}.pem`) };
    },
    selfSigned(file, name) {
      openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${file}.key`, '-out', `${file}.pem`, '-days', '30', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`], dir);
      return { key: read(`${file}.key`), cert: read(`${file}.pem`) };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export const DAY = 86_400_000;
