/** `slipway db open [env] --ttl 30m` and `slipway db close [env]`: a database window with an end. */
import '../engine/messages/db-window.js';
import { colors as pc } from '../report/colors.js';
import { SlipwayError } from '../engine/errors.js';
import { t } from '../engine/i18n.js';
import { parseDuration } from '../engine/duration.js';
import type { DbConnection, DbWindowCapability } from '../targets/types.js';
import type { Session } from '../session/session.js';
import type { GlobalFlags } from './flags.js';
import { session } from './harness.js';
import { print, printJson } from './output.js';

/** Longest window: 12 hours. */
const MAX_TTL_MS = 12 * 3_600_000;

export interface DbOpenFlags {
  ttl: string;
  cidr?: string;
  port?: string;
  acceptRisk?: string[];
}

function capability(s: Session, command: string): DbWindowCapability {
  if (!s.target.dbWindow) throw new SlipwayError({ key: 'cli.notForTarget', params: { command, target: s.envr.target.target }, fix: 'cli.notForTarget.fix', exitCode: 2 });
  return s.target.dbWindow;
}

/** The connection as a libpq URL — no password in it (PGPASSWORD carries that). */
export function connectionUrl(c: DbConnection): string {
  const q = [c.sslmode ? `sslmode=${c.sslmode}` : '', c.sslrootcert ? `sslrootcert=${encodeURI(c.sslrootcert)}` : ''].filter(Boolean).join('&');
  return `postgresql://${encodeURIComponent(c.user)}@${c.host}:${c.port}/${encodeURIComponent(c.database)}${q ? `?${q}` : ''}`;
}

export async function dbOpen(g: GlobalFlags, env: string | undefined, o: DbOpenFlags): Promise<number> {
  const ttlSeconds = parseDuration(o.ttl, 'm');
  const ttlMs = ttlSeconds === undefined ? undefined : ttlSeconds * 1000;
  if (!ttlMs || ttlMs > MAX_TTL_MS) throw new SlipwayError({ key: 'dbwindow.badTtl', params: { ttl: o.ttl }, fix: 'dbwindow.badTtl.fix', exitCode: 2 });
  const port = o.port === undefined ? undefined : Number(o.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new SlipwayError({ key: 'dbwindow.badPort', params: { port: o.port ?? '' }, fix: 'dbwindow.badPort.fix', exitCode: 2 });
  const s = await session(g, env, false, { sweep: false });
  const w = capability(s, 'db open');
  // Ctrl-C / SIGTERM: stop waiting and close what was opened (a second signal exits at once).
  let signals = 0;
  const onSignal = () => {
    if (++signals > 1) process.exit(130);
    s.abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    let opened;
    try {
      opened = await w.open(s.ctx, { ttlMs, acceptRisks: o.acceptRisk ?? [], ...(o.cidr ? { cidr: o.cidr } : {}), ...(port ? { port } : {}) });
    } catch (e) {
      // A half-opened window is closed now, not left to the TTL (its lease says what it covers).
      const lease = await w.current(s.ctx).catch(() => undefined);
      if (lease && lease.pid === process.pid) await w.close(s.ctx).catch(() => undefined);
      throw e;
    }
    const url = connectionUrl(opened.connection);
    const passwordHow = t(opened.password.key, opened.password.params);
    if (g.json) printJson({ type: 'db-window', env: s.envr.name, until: opened.lease.until, url, connection: opened.connection, password: passwordHow, lease: opened.lease });
    else {
      print(pc.green(`✓ ${t(opened.opened.key, opened.opened.params)}`));
      print(`  ${t('dbwindow.url')}: ${url}`);
      print(`  ${t('dbwindow.psql')}: PGPASSWORD="\${PGPASSWORD}" psql "${url}"`);
      print(`  ${t('dbwindow.passwordLabel')}: ${passwordHow}`);
      const caNote = opened.opened.params.caNote;
      if (caNote) print(pc.yellow(`  ${t('dbwindow.caMissing', { path: caNote })}`));
      print(`  ${t(opened.hold ? 'dbwindow.holdHint' : 'dbwindow.closeHint', { env: s.envr.name, until: opened.lease.until })}`);
    }
    if (!opened.hold) return 0;
    const why = await opened.hold(s.abort.signal);
    if (g.json) printJson({ type: 'db-window-closed', env: s.envr.name, reason: why });
    else print(t(`dbwindow.closed.${why}`, { env: s.envr.name }));
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export async function dbClose(g: GlobalFlags, env: string | undefined): Promise<number> {
  const s = await session(g, env, false, { sweep: false });
  const lease = await capability(s, 'db close').close(s.ctx);
  if (g.json) printJson({ type: 'db-window-closed', env: s.envr.name, closed: lease ?? null });
  else if (lease) print(pc.green(`✓ ${t('dbwindow.closedNow', { env: s.envr.name, until: lease.until, user: lease.user, machine: lease.machine })}`));
  else print(t('dbwindow.none', { env: s.envr.name }));
  return 0;
}
