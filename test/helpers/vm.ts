/**
 * Test VMs: a real OpenSSH sshd in a network namespace this test made (a veth pair with
 * addresses inside it), a generated host key, a client key and known_hosts. Namespaces
 * share the filesystem, so each VM gets its own directories. Traffic goes only to the
 * namespace's own addresses. `linkDown()` cuts the network like a dropped connection.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface Vm {
  ns: string;
  address: string;
  /** This machine's end of the VM's link (reachable from inside the namespace). */
  hostAddress: string;
  /** Directory for this VM's own files (the environment's dir, its npm cache). */
  dir: string;
  identityFile: string;
  knownHosts: string;
  /** The sshd host public key line (`ssh-ed25519 AAAA…`). */
  hostKey: string;
  /** Run a command inside the VM's network namespace. */
  run(argv: string[]): string;
  linkDown(): void;
  linkUp(): void;
  stop(): Promise<void>;
}

const sh = (argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

export function requireSshd(): void {
  if (!existsSync('/usr/sbin/sshd')) {
    throw new Error('openssh-server is not installed: run `apt-get update && apt-get install -y openssh-server` (.ci/run does this on CI).');
  }
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, host, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.setTimeout(500, () => {
      s.destroy();
      resolve(false);
    });
  });
}

let seq = 0;
let clientKey: Promise<{ key: string; pub: string }> | undefined;

/** One client key pair per test process, in a directory of its own. */
function client(): Promise<{ key: string; pub: string }> {
  clientKey ??= (async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-client-'));
    const key = path.join(dir, 'id_ed25519');
    sh(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'slipway-test', '-f', key]);
    return { key, pub: await readFile(`${key}.pub`, 'utf8') };
  })();
  return clientKey;
}

/**
 * The login user of the test VMs: root's uid with /bin/sh as its shell. This machine's root
 * has a ~/.bashrc that takes half a second (pyenv), which bash runs for every SSH command;
 * a real VM's root rarely does, and slipway's commands do not need bash as the login shell.
 */
export const VM_USER = 'slwvmroot';

/** A login user without root (like `ubuntu` or `deploy` on a cloud VM), with a home; created once on this machine. */
export function ensureDeployUser(name = 'slwdeploy'): string {
  try {
    sh(['id', '-u', name]);
  } catch {
    sh(['useradd', '--create-home', '--shell', '/bin/sh', name]);
  }
  sh(['usermod', '-p', '*', name]);
  return name;
}

function ensureVmUser(): void {
  try {
    sh(['id', '-u', VM_USER]);
  } catch {
    sh(['useradd', '--non-unique', '--uid', '0', '--gid', '0', '--no-create-home', '--home-dir', '/', '--shell', '/bin/sh', VM_USER]);
  }
  // Without PAM, sshd refuses a locked account ('!' in shadow); '*' has no password and is not locked.
  sh(['usermod', '-p', '*', VM_USER]);
}

/**
 * Claims one of the 16384 /30 blocks of 10.231.0.0/16 by creating the namespace named after it:
 * `ip netns add` fails when the name exists, so two test processes (each runs its own files)
 * can never take the same block. Picking from the process id alone once gave two VMs one address.
 */
function claimNamespace(): { block: number; ns: string } {
  for (let tries = 0; tries < 64; tries++) {
    const block = 1 + Math.floor(Math.random() * 16383);
    const ns = `slw${block}`;
    try {
      sh(['ip', 'netns', 'add', ns]);
      return { block, ns };
    } catch (e) {
      if (!/exists/i.test(String((e as { stderr?: unknown }).stderr ?? e))) throw e;
    }
  }
  throw new Error('no free test network block in 10.231.0.0/16 (stale namespaces? `ip netns list`)');
}

/** `sshd`: extra sshd_config lines (the VM otherwise keeps sshd's defaults, e.g. MaxSessions 10). */
export async function startVm(opts: { hashKnownHosts?: boolean; sshd?: string[] } = {}): Promise<Vm> {
  requireSshd();
  ensureVmUser();
  await mkdir('/run/sshd', { recursive: true });
  const n = ++seq;
  const { block, ns } = claimNamespace();
  const hostIf = `slh${block}`;
  const nsIf = `sln${block}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), `slipway-vm${n}-`));
  await chmod(dir, 0o755); // the VM's service user and postgres traverse it
  // The block's /30 inside 10.231.0.0/16: this machine's end is .1 of it, the VM's .2.
  const base = block * 4;
  const hostAddr = `10.231.${base >> 8}.${(base & 255) + 1}`;
  const address = `10.231.${base >> 8}.${(base & 255) + 2}`;
  sh(['ip', 'link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf]);
  sh(['ip', 'link', 'set', nsIf, 'netns', ns]);
  sh(['ip', 'addr', 'add', `${hostAddr}/30`, 'dev', hostIf]);
  sh(['ip', 'link', 'set', hostIf, 'up']);
  sh(['ip', 'netns', 'exec', ns, 'ip', 'addr', 'add', `${address}/30`, 'dev', nsIf]);
  sh(['ip', 'netns', 'exec', ns, 'ip', 'link', 'set', nsIf, 'up']);
  sh(['ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);

  const keys = path.join(dir, 'keys');
  // Traversable, and authorized_keys readable (a public key): sshd reads it as the login user, who may not be root.
  await mkdir(keys, { mode: 0o755 });
  const { key, pub } = await client();
  const hostKeyFile = path.join(keys, 'ssh_host_ed25519_key');
  sh(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', hostKeyFile]);
  const hostKey = (await readFile(`${hostKeyFile}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
  const authorized = path.join(keys, 'authorized_keys');
  await writeFile(authorized, pub, { mode: 0o644 });
  const knownHosts = path.join(keys, 'known_hosts');
  await writeFile(knownHosts, `${address} ${hostKey}\n`, { mode: 0o600 });
  if (opts.hashKnownHosts) sh(['ssh-keygen', '-q', '-H', '-f', knownHosts]);
  const config = path.join(keys, 'sshd_config');
  await writeFile(
    config,
    [
      `ListenAddress ${address}`,
      'Port 22',
      `HostKey ${hostKeyFile}`,
      `AuthorizedKeysFile ${authorized}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      `PidFile ${path.join(keys, 'sshd.pid')}`,
      'AllowTcpForwarding yes',
      'AllowStreamLocalForwarding yes',
      'MaxStartups 64',
      'LogLevel ERROR',
      ...(opts.sshd ?? []),
      '',
    ].join('\n'),
  );
  const sshd: ChildProcess = spawn('ip', ['netns', 'exec', ns, '/usr/sbin/sshd', '-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  sshd.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  for (let i = 0; i < 100 && !(await portOpen(address, 22)); i++) {
    if (sshd.exitCode !== null) throw new Error(`sshd exited: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const vm: Vm = {
    ns,
    address,
    hostAddress: hostAddr,
    dir,
    identityFile: key,
    knownHosts,
    hostKey,
    run: (argv) => sh(['ip', 'netns', 'exec', ns, ...argv]),
    linkDown: () => void sh(['ip', 'link', 'set', hostIf, 'down']),
    linkUp: () => void sh(['ip', 'link', 'set', hostIf, 'up']),
    async stop() {
      // Everything that runs in the namespace (supervisor, app, PostgreSQL, sshd) goes with it.
      const pids = (() => {
        try {
          return sh(['ip', 'netns', 'pids', ns]).split('\n').filter(Boolean);
        } catch {
          return [];
        }
      })();
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      sshd.kill('SIGKILL');
      try {
        sh(['ip', 'link', 'del', hostIf]);
      } catch {
        /* went with the namespace */
      }
      sh(['ip', 'netns', 'del', ns]);
      await rm(dir, { recursive: true, force: true });
    },
  };
  return vm;
}
