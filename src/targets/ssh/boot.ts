/**
 * How an environment on a VM comes back after a reboot: systemd units, installed over the
 * connection (as root, or with passwordless sudo). The app's unit starts the supervisor
 * with `--resume`; slipway's PostgreSQL has a unit of its own, ordered before it.
 */
import type { SshEnvironment } from '../../config/schema.js';
import type { PgService, PgServiceSpec } from '../../db/host.js';
import { SlipwayError } from '../../engine/errors.js';
import type { ExecResult } from '../../engine/ports.js';
import type { Host } from '../../host/types.js';
import { dbUnit, dbUnitName } from './systemd.js';

export type Boot = { kind: 'systemd'; sudo: boolean } | { kind: 'none' } | { kind: 'off' };

/**
 * How the supervisor comes back after a reboot: a systemd unit when the VM runs systemd
 * and `systemd: auto` (installing it needs root: the login user, or passwordless sudo —
 * anything else is refused with the fix rather than failing half-way), else nothing.
 */
export async function bootMode(host: Host, t: SshEnvironment): Promise<Boot> {
  if (t.systemd === 'off') return { kind: 'off' };
  if ((await host.exec(['test', '-d', '/run/systemd/system'])).code !== 0) return { kind: 'none' };
  if ((await host.exec(['id', '-u'])).stdout.trim() === '0') return { kind: 'systemd', sudo: false };
  if ((await host.exec(['sudo', '-n', 'true'])).code === 0) return { kind: 'systemd', sudo: true };
  const login = (await host.exec(['id', '-un'])).stdout.trim();
  throw new SlipwayError({ key: 'ssh.systemdNeedsRoot', params: { login, host: host.name }, place: 'systemd', fix: 'ssh.systemdNeedsRoot.fix', fixParams: { login }, exitCode: 2 });
}

/**
 * Writes the unit (only when its text changed), enables it, and with `now` restarts it — one
 * command on the VM. The text goes on stdin.
 */
export const INSTALL_UNIT = [
  'umask 022; t=$(cat); f="/etc/systemd/system/$1"',
  'if [ "$(cat "$f" 2>/dev/null)" != "$t" ]; then printf "%s\\n" "$t" > "$f" && systemctl daemon-reload || exit 1; fi',
  'systemctl is-enabled --quiet "$1" || systemctl enable --quiet "$1" || exit 1',
  '[ "$2" = now ] || exit 0',
  // A unit that failed too often in a row refuses to start until its failure count is reset.
  'systemctl reset-failed "$1" 2>/dev/null; exec systemctl restart "$1"',
].join('\n');

export const REMOVE_UNIT = '[ -e "/etc/systemd/system/$1" ] || exit 0; systemctl disable --now --quiet "$1"; rm -f "/etc/systemd/system/$1"; systemctl daemon-reload; exit 0';

export function installUnit(host: Host, priv: string[], unit: string, text: string, now: boolean): Promise<ExecResult> {
  return host.exec([...priv, 'sh', '-c', INSTALL_UNIT, 'sh', unit, now ? 'now' : 'boot'], { input: text });
}

export async function removeUnit(host: Host, priv: string[], unit: string): Promise<void> {
  await host.exec([...priv, 'sh', '-c', REMOVE_UNIT, 'sh', unit]);
}

/** The units of `units` systemd would not start at boot (not installed or not enabled): one command. */
export async function unitsNotEnabled(host: Host, units: string[]): Promise<string[]> {
  const r = await host.exec(['sh', '-c', 'for u; do systemctl is-enabled --quiet "$u" 2>/dev/null || echo "$u"; done', 'sh', ...units]);
  return r.stdout.split('\n').filter(Boolean);
}

/** A unit that could not be installed or started, with what systemctl said. */
export function unitFailed(host: Host, unit: string, r: ExecResult): SlipwayError {
  return new SlipwayError({ key: 'ssh.systemdFailed', params: { unit, reason: (r.stderr || r.stdout).trim() }, place: `${host.name}:/etc/systemd/system/${unit}`, fix: 'ssh.systemdFailed.fix', fixParams: { unit } });
}

/** slipway's PostgreSQL on the VM, owned by its systemd unit. */
export function systemdPgService(host: Host, priv: string[], app: string, env: string): PgService {
  const unit = dbUnitName(app, env);
  return {
    async install(spec: PgServiceSpec, now: boolean) {
      const r = await installUnit(host, priv, unit, dbUnit(app, env, spec), now);
      // A failed start is explained by the server's log (the caller reads it); a failed install only here.
      if (!now && r.code !== 0) throw unitFailed(host, unit, r);
      return r;
    },
    remove: () => removeUnit(host, priv, unit),
  };
}
