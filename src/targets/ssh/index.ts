/**
 * The ssh target: the release machinery (`../machine`) on a Linux VM, through an `SshHost`.
 * What differs from local is only how the machine is reached and prepared: the connection
 * (host key verified), the directory on the VM, an unprivileged service user, the
 * supervisor's code uploaded to the VM, a systemd unit where the VM has systemd, and the
 * lock and journal kept on the VM so a second machine sees a half-finished run.
 */
import os from 'node:os';
import path from 'node:path';
import type { SshEnvironment } from '../../config/schema.js';
import { SlipwayError } from '../../engine/errors.js';
import { t } from '../../engine/i18n.js';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { fingerprint, knownHostsLine, parseKnownHosts, verifyHostKey } from '../../host/known-hosts.js';
import { SshHost } from '../../host/ssh.js';
import { scanHostKey, type SshTarget } from '../../host/ssh-connection.js';
import '../../engine/messages/hosts.js';
import type { Host } from '../../host/types.js';
import { MachineTarget } from '../machine/target.js';
import type { MachineRuntime } from '../machine/runtime.js';
import type { Target, TargetContext, TrustResult } from '../types.js';
import { remoteRoot, sshTarget } from './address.js';
import { uploadSupervisor } from './supervisor-code.js';
import { systemdUnit, unitName, dbUnitName } from './systemd.js';
import { bootMode, installUnit, removeUnit, systemdPgService, unitFailed, unitsNotEnabled } from './boot.js';
import { fleetAware } from './fleet.js';

/** The user the supervisor and app run as: the login user, or a system user when logging in as root. */
async function serviceUser(host: Host, t: SshEnvironment, root: string): Promise<string> {
  const whoami = (await host.exec(['id', '-un'])).stdout.trim();
  const asRoot = (await host.exec(['id', '-u'])).stdout.trim() === '0';
  if (!asRoot) {
    if (t.serviceUser && t.serviceUser !== whoami) {
      throw new SlipwayError({ key: 'ssh.serviceUserNeedsRoot', params: { user: t.serviceUser, login: whoami }, place: 'serviceUser', fix: 'ssh.serviceUserNeedsRoot.fix', exitCode: 2 });
    }
    return whoami;
  }
  const user = t.serviceUser ?? 'slipway';
  if (user === 'root') throw new SlipwayError({ key: 'ssh.serviceUserRoot', place: 'serviceUser', fix: 'ssh.serviceUserRoot.fix', exitCode: 2 });
  if ((await host.exec(['id', '-u', user])).code !== 0) {
    const r = await host.exec(['useradd', '--system', '--create-home', '--home-dir', path.posix.join(root, 'home'), '--shell', '/usr/sbin/nologin', user]);
    if (r.code !== 0) throw new SlipwayError({ key: 'db.userMissing', params: { user, reason: r.stderr.trim() }, fix: 'db.userMissing.fix', fixParams: { user } });
  }
  return user;
}

/** The hosts of an ssh environment (one VM, or each of a fleet) as connection settings. */
function hostTargets(t: SshEnvironment): SshTarget[] {
  const { hosts, ...rest } = t;
  return (hosts ?? [t.host!]).map((h) => sshTarget({ ...rest, host: typeof h === 'string' ? h : { address: h.address, port: h.port, user: h.user } }, os.homedir()));
}

/** Whether a `host=` of `--fingerprint host=SHA256:…` names this host (`address`, `address:port`, `user@address[:port]`). */
function namesHost(name: string, st: SshTarget): boolean {
  return [st.address, `${st.address}:${st.port}`, `${st.user}@${st.address}`, `${st.user}@${st.address}:${st.port}`].includes(name);
}

/**
 * `slipway hosts trust`: every host's key, added to known_hosts only when the user confirmed
 * it — `--yes`, or a fingerprint: `host=SHA256:…` for a named host, a bare `SHA256:…` only
 * when exactly one host is not trusted yet. A mismatch, or a changed key, adds nothing at all.
 */
async function trustHost(ctx: TargetContext, opts: { fingerprints: string[]; yes: boolean }): Promise<TrustResult[]> {
  const env = ctx.envr.name;
  const targets = hostTargets(ctx.envr.target as SshEnvironment);
  const file = targets[0]!.knownHostsFile ?? path.join(os.homedir(), '.ssh', 'known_hosts');
  const keys = await Promise.all(
    targets.map((st) =>
      scanHostKey(st).catch((e: Error) => {
        throw new SlipwayError({ key: 'ssh.connectFailed', params: { host: `${st.address}:${st.port}`, reason: e.message }, place: `${st.address}:${st.port}`, fix: 'ssh.connectFailed.fix', fixParams: { user: st.user, host: st.address, port: st.port } });
      }),
    ),
  );
  const existing = await readFile(file, 'utf8').catch(() => '');
  const entries = parseKnownHosts(existing);
  const seen = targets.map((st, i) => ({ st, key: keys[i]!, host: `${st.address}:${st.port}`, fp: fingerprint(keys[i]!.toString('base64')), verdict: verifyHostKey(entries, st.address, st.port, keys[i]!) }));
  const pairs = opts.fingerprints.filter((f) => !f.startsWith('SHA256:') && f.includes('='));
  const bare = opts.fingerprints.filter((f) => !pairs.includes(f));
  for (const p of pairs) {
    const name = p.slice(0, p.indexOf('='));
    if (!targets.some((st) => namesHost(name, st))) {
      throw new SlipwayError({ key: 'hosts.notInEnv', params: { host: name, env, hosts: seen.map((x) => x.host).join(', ') }, place: `environments.${env}`, fix: 'hosts.notInEnv.fix', fixParams: { env }, exitCode: 2 });
    }
  }
  const unknown = seen.filter((x) => x.verdict.kind !== 'ok');
  if (bare.length > 1 || (bare.length === 1 && unknown.length > 1)) {
    throw new SlipwayError({ key: 'hosts.fingerprintAmbiguous', params: { env, hosts: unknown.map((x) => x.host).join(', ') }, place: '--fingerprint', fix: 'hosts.fingerprintAmbiguous.fix', fixParams: { env }, exitCode: 2 });
  }
  const given = (x: (typeof seen)[number]): string | undefined => {
    const pair = pairs.find((p) => namesHost(p.slice(0, p.indexOf('=')), x.st));
    return pair ? pair.slice(pair.indexOf('=') + 1) : unknown.length === 1 && unknown[0] === x ? bare[0] : undefined;
  };
  // Every check before anything is written: a wrong fingerprint or a changed key trusts no host.
  for (const x of unknown) {
    const g = given(x);
    if (g && g !== x.fp) throw new SlipwayError({ key: 'hosts.mismatch', params: { host: x.host, given: g, presented: x.fp }, place: x.host, fix: 'hosts.mismatch.fix', exitCode: 1 });
    if ((g || opts.yes) && (x.verdict.kind === 'changed' || x.verdict.kind === 'revoked')) {
      // A changed key is never replaced here: the old entry has to be removed by hand, knowingly.
      const v = x.verdict;
      throw new SlipwayError({ key: 'ssh.hostChanged', params: { host: x.host, fingerprint: x.fp, expected: v.kind === 'changed' ? v.expected.join(', ') : 'revoked', lines: v.kind === 'changed' ? v.lines.join(', ') : '-', file }, place: x.host, fix: 'ssh.hostChanged.fix', fixParams: { host: x.st.address, port: x.st.port, file } });
    }
  }
  const add = unknown.filter((x) => given(x) || opts.yes);
  if (add.length) {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await appendFile(file, `${existing && !existing.endsWith('\n') ? '\n' : ''}${add.map((x) => `${knownHostsLine(x.st.address, x.st.port, x.key)}\n`).join('')}`, { mode: 0o600 });
  }
  return seen.map((x) => ({ host: x.host, fingerprint: x.fp, file, added: add.includes(x), known: x.verdict.kind === 'ok' }));
}

export function createTarget(): Target {
  const target = new MachineTarget('ssh', {
    stateOnMachine: true,
    async connect(ctx: TargetContext) {
      const t = ctx.envr.target as SshEnvironment;
      const st = sshTarget(t, os.homedir());
      const host = new SshHost(st);
      const root = remoteRoot(t, ctx.envr.app.name, ctx.envr.name);
      await host.mkdir(root, { mode: 0o755 });
      const user = await serviceUser(host, t, root);
      // The service user owns what the supervisor and app write; the lock, journal and database stay with the login user.
      await host.exec(['sh', '-c', 'mkdir -p "$1/releases" "$1/logs" "$1/run" "$1/secrets" && chown "$2" "$1/releases" "$1/logs" "$1/run" "$1/secrets" && chmod 700 "$1/run" "$1/secrets"', 'sh', root, user]);
      const boot = await bootMode(host, t);
      const priv = boot.kind === 'systemd' && boot.sudo ? ['sudo', '-n'] : [];
      const managedDb = !!ctx.envr.database && !ctx.envr.database.urlSecret;
      const dbUnit = dbUnitName(ctx.envr.app.name, ctx.envr.name);
      return {
        host,
        root,
        opts: { port: t.port, bind: t.bind, healthTimeoutMs: t.healthTimeoutMs, drainTimeoutMs: t.drainTimeoutMs, keepReleases: t.keepReleases },
        serviceUser: user,
        persistServing: true,
        where: host.name,
        address: st.address,
        async supervisorArgv(rt: MachineRuntime) {
          return uploadSupervisor(rt.host, rt.layout.bin);
        },
        ...(boot.kind === 'systemd'
          ? {
              ...(managedDb ? { pgService: systemdPgService(host, priv, ctx.envr.app.name, ctx.envr.name) } : {}),
              async launch(rt: MachineRuntime, argv: string[], now: boolean) {
                const unit = unitName(ctx.envr.app.name, ctx.envr.name);
                const text = systemdUnit({ app: ctx.envr.app.name, env: ctx.envr.name, user, node: argv[0]!, argv: [...argv.slice(1), '--resume'], ...(managedDb ? { db: dbUnit } : {}) });
                const r = await installUnit(rt.host, priv, unit, text, now);
                if (r.code !== 0) throw unitFailed(rt.host, unit, r);
              },
            }
          : {}),
      };
    },
    async statusExtra(rt) {
      const boot = await bootMode(rt.host, rt.ctx.envr.target as SshEnvironment).catch(() => ({ kind: 'none' }) as const);
      const { app, name, database } = rt.ctx.envr;
      const units = [unitName(app.name, name), ...(database && !database.urlSecret ? [dbUnitName(app.name, name)] : [])];
      // Started before its unit existed (an older slipway, `systemd: off` before): the next deploy enables it.
      const missing = boot.kind === 'systemd' ? await unitsNotEnabled(rt.host, units) : [];
      if (missing.length) return [{ key: 'status.boot', value: t('status.boot.notEnabled', { units: missing.join(', '), env: name }) }];
      return [{ key: 'status.boot', value: t(`status.boot.${boot.kind}`, { unit: units.join(', ') }) }];
    },
    destroyExtra(rt) {
      const unit = unitName(rt.ctx.envr.app.name, rt.ctx.envr.name);
      return [
        {
          id: 'remove-unit',
          titleKey: 'step.removeUnit',
          titleParams: { unit },
          needs: ['stop-releases'],
          async run() {
            const sudo = (await rt.host.exec(['id', '-u'])).stdout.trim() === '0' ? [] : ['sudo', '-n'];
            await removeUnit(rt.host, sudo, unit);
            return {};
          },
        },
      ];
    },
  });
  // `hosts:` makes the environment a fleet of such VMs (./fleet.ts).
  return fleetAware(Object.assign(target, { trustHost }));
}
