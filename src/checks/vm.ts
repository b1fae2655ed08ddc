/**
 * Checks of the machine an environment runs on that matter most on a VM (seed 003's world):
 * PostgreSQL's server binaries for a database slipway runs there (never installed by itself:
 * the finding gives the exact command for that machine's distribution), whether the port is
 * held by a PM2 app (the usual thing a VM already runs), and whether nginx sends the
 * environment's domains to its stable port.
 */
import { findPgBinaries } from '../db/binaries.js';
import { areaFinder } from './finding.js';
import { isStablePort, nginxRoute } from './nginx.js';
import type { CheckContext, Finding } from './types.js';
import type { Host } from '../host/types.js';

const f = areaFinder('host');

/** The install command for PostgreSQL `major`'s server on the machine's distribution. */
export function pgInstallCommand(osRelease: string, major: number): string {
  const id = /^(?:ID|ID_LIKE)=(.*)$/gm;
  const ids = [...osRelease.matchAll(id)].flatMap((m) => m[1]!.replace(/"/g, '').split(/\s+/));
  if (ids.some((x) => ['debian', 'ubuntu'].includes(x))) return `apt-get install -y postgresql-${major}`;
  if (ids.some((x) => ['rhel', 'fedora', 'centos', 'rocky', 'almalinux', 'amzn'].includes(x))) return `dnf install -y postgresql${major}-server`;
  if (ids.includes('alpine')) return `apk add postgresql${major}`;
  return `install the PostgreSQL ${major} server package (initdb, pg_ctl, pg_dump)`;
}

export async function postgresBinaries(ctx: CheckContext, host: Host): Promise<Finding[]> {
  const db = ctx.envr.database;
  if (!db || db.urlSecret) return [];
  try {
    const bins = await findPgBinaries(host, db.version);
    return [f('host.postgres', 'passed', 'checks.host.pgOk', { major: db.version, dir: bins.bin('initdb').replace(/\/initdb$/, ''), host: host.name })];
  } catch {
    const osRelease = (await host.readFile('/etc/os-release').catch(() => undefined)) ?? '';
    return [f('host.postgres', 'blocker', 'checks.host.pgMissing', { major: db.version, host: host.name, command: pgInstallCommand(osRelease, db.version) })];
  }
}

/** PM2 apps among the processes holding a port: PM2 puts `pm_id` and `name` in their environment. */
export async function pm2Apps(host: Host, pids: readonly number[]): Promise<string[]> {
  const out: string[] = [];
  for (const pid of pids) {
    const environ = (await host.readFile(`/proc/${pid}/environ`).catch(() => undefined)) ?? '';
    const vars = new Map(environ.split('\0').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const));
    if (vars.has('pm_id')) out.push(`${vars.get('name') ?? '?'} (pm_id ${vars.get('pm_id')})`);
  }
  return out;
}

export async function nginxProxies(ctx: CheckContext, host: Host): Promise<Finding[]> {
  const t = ctx.envr.target;
  if (t.target === 'aws') return [];
  const domains = (t.domains ?? []).filter((d) => d.role !== 'cdn');
  if (!domains.length) return [];
  const r = await host.exec(['nginx', '-T'], { timeoutMs: 10_000 }).catch(() => undefined);
  if (!r || r.code !== 0) return [f('host.nginx', 'info', 'checks.host.nginxUnread', { host: host.name })];
  return domains.map((d) => {
    const route = nginxRoute(r.stdout, d.name);
    if (!route.served) return f('host.nginx', 'warning', 'checks.host.nginxNoServer', { domain: d.name, port: t.port });
    if (route.targets.some((x) => isStablePort(x, t.port))) return f('host.nginx', 'passed', 'checks.host.nginxOk', { domain: d.name, port: t.port });
    return f('host.nginx', 'warning', 'checks.host.nginxElsewhere', { domain: d.name, port: t.port, targets: route.targets.join(', ') || '-' });
  });
}
