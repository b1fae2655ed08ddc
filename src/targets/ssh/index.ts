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
import { SshHost } from '../../host/ssh.js';
import type { Host } from '../../host/types.js';
import { MachineTarget } from '../machine/target.js';
import type { MachineRuntime } from '../machine/runtime.js';
import type { Target, TargetContext } from '../types.js';
import { remoteRoot, sshTarget } from './address.js';
import { uploadSupervisor } from './supervisor-code.js';
import { systemdUnit, unitName } from './systemd.js';

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

async function hasSystemd(host: Host, t: SshEnvironment): Promise<boolean> {
  return t.systemd === 'auto' && (await host.exec(['test', '-d', '/run/systemd/system'])).code === 0;
}

export function createTarget(): Target {
  return new MachineTarget('ssh', {
    stateOnMachine: true,
    async connect(ctx: TargetContext) {
      const t = ctx.envr.target as SshEnvironment;
      const st = sshTarget(t, os.homedir());
      const host = new SshHost(st);
      const root = remoteRoot(t, ctx.envr.app.name, ctx.envr.name);
      await host.mkdir(root, { mode: 0o755 });
      const user = await serviceUser(host, t, root);
      // The service user owns what the supervisor and app write; the lock, journal and database stay with the login user.
      await host.exec(['sh', '-c', 'mkdir -p "$1/releases" "$1/logs" "$1/run" && chown "$2" "$1/releases" "$1/logs" "$1/run" && chmod 700 "$1/run"', 'sh', root, user]);
      const systemd = await hasSystemd(host, t);
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
        ...(systemd
          ? {
              async launch(rt: MachineRuntime, argv: string[]) {
                const unit = unitName(ctx.envr.app.name, ctx.envr.name);
                const text = systemdUnit({ app: ctx.envr.app.name, env: ctx.envr.name, user, node: argv[0]!, argv: [...argv.slice(1), '--resume'] });
                await rt.host.writeFile(`/etc/systemd/system/${unit}`, text, 0o644);
                const r = await rt.host.exec(['sh', '-c', 'systemctl daemon-reload && systemctl enable "$1" && systemctl restart "$1"', 'sh', unit]);
                if (r.code !== 0) throw new SlipwayError({ key: 'ssh.systemdFailed', params: { unit, reason: r.stderr.trim() }, place: `${host.name}:/etc/systemd/system/${unit}`, fix: 'ssh.systemdFailed.fix', fixParams: { unit } });
              },
            }
          : {}),
      };
    },
    async statusExtra(rt) {
      const systemd = await hasSystemd(rt.host, rt.ctx.envr.target as SshEnvironment);
      const unit = unitName(rt.ctx.envr.app.name, rt.ctx.envr.name);
      return [{ key: 'status.boot', value: systemd ? `systemd ${unit}` : 'not restarted after a reboot (no systemd on the VM)' }];
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
            await rt.host.exec(['sh', '-c', '[ -e "/etc/systemd/system/$1" ] || exit 0; systemctl disable --now "$1"; rm -f "/etc/systemd/system/$1"; systemctl daemon-reload; exit 0', 'sh', unit]);
            return {};
          },
        },
      ];
    },
  });
}
