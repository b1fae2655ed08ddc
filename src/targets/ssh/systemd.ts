/**
 * The systemd unit that brings an environment's supervisor back after a reboot, serving
 * the current release (`--resume`). Pure text, checked with `systemd-analyze verify` in tests.
 */
export interface UnitSpec {
  app: string;
  env: string;
  user: string;
  node: string;
  argv: string[];
}

export function unitName(app: string, env: string): string {
  return `slipway-${app}-${env}.service`;
}

/** systemd's own quoting for ExecStart words. */
function q(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `"${word.replace(/(["\\])/g, '\\$1')}"`;
}

export function systemdUnit(u: UnitSpec): string {
  return [
    '[Unit]',
    `Description=slipway supervisor for ${u.app} (${u.env})`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `User=${u.user}`,
    `ExecStart=${[u.node, ...u.argv].map(q).join(' ')}`,
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
