/**
 * The systemd units that bring an environment back after a reboot: its managed PostgreSQL
 * (`-db`), then the supervisor serving the current release (`--resume`). Pure text,
 * checked with `systemd-analyze verify` in tests.
 */
import type { PgServiceSpec } from '../../db/host.js';

export interface UnitSpec {
  app: string;
  env: string;
  user: string;
  node: string;
  argv: string[];
  /** The environment's database unit, when slipway runs its PostgreSQL: started first. */
  db?: string;
}

export function unitName(app: string, env: string): string {
  return `slipway-${app}-${env}.service`;
}

export function dbUnitName(app: string, env: string): string {
  return `slipway-${app}-${env}-db.service`;
}

/** systemd's own quoting for Exec words: `%` and `$` are specifiers and variables there, doubled to stay literal. */
function q(word: string): string {
  const w = word.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return /^[A-Za-z0-9_@%+=:,./$-]+$/.test(w) ? w : `"${w.replace(/(["\\])/g, '\\$1')}"`;
}

const line = (argv: readonly string[]) => argv.map(q).join(' ');

export function systemdUnit(u: UnitSpec): string {
  return [
    '[Unit]',
    `Description=slipway supervisor for ${u.app} (${u.env})`,
    `After=network-online.target${u.db ? ` ${u.db}` : ''}`,
    // Ordered after the database at boot, not pulling it in: a server started before its unit existed keeps running.
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `User=${u.user}`,
    `ExecStart=${line([u.node, ...u.argv])}`,
    'Restart=always',
    'RestartSec=2',
    // The CLI may already run a supervisor it started itself; the new one takes over its port after it exits.
    'KillMode=control-group',
    'NoNewPrivileges=true',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/**
 * The environment's PostgreSQL as a unit of its own: it runs as `postgres` (or the login
 * user), which the app's unit does not, and in its own cgroup, so restarting the supervisor
 * never stops the database. pg_ctl forks the server and waits until it accepts connections.
 */
export function dbUnit(app: string, env: string, s: PgServiceSpec): string {
  return [
    '[Unit]',
    `Description=slipway PostgreSQL for ${app} (${env})`,
    'After=network.target',
    `Before=${unitName(app, env)}`,
    '',
    '[Service]',
    'Type=forking',
    `User=${s.user}`,
    `WorkingDirectory=${s.cwd}`,
    `PIDFile=${s.pidFile}`,
    `ExecStart=${line(s.start)}`,
    `ExecStop=${line(s.stop)}`,
    // A crash is restarted; a stop by pg_ctl (destroy) exits 0 and is not.
    'Restart=on-failure',
    'RestartSec=2',
    'TimeoutStartSec=90',
    'TimeoutStopSec=90',
    // PostgreSQL's postmaster ends its own children; systemd signals only it first.
    'KillMode=mixed',
    'KillSignal=SIGINT',
    'OOMScoreAdjust=-900',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}
