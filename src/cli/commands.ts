/** Command handlers that change an environment or its setup: init, rollback, destroy, db import, lock, hosts trust. */
import { colors as pc } from '../report/colors.js';
import { lockOf } from '../session/session.js';
import { mutate, session } from './harness.js';
import { SlipwayError } from '../engine/errors.js';
import { t } from '../engine/i18n.js';
import '../engine/messages/env-releases.js';
import type { GlobalFlags } from './flags.js';
import { print, printJson } from './output.js';

export async function rollback(g: GlobalFlags, env: string | undefined, o: { to?: string; forceUnlock: boolean; allowUnverified?: boolean }): Promise<number> {
  const s = await session(g, env, true);
  // The options travel in the request (journaled with the run), never by changing the config.
  return mutate(g, s, 'rollback', () => s.target.rollbackPlan(s.ctx, { ...(o.to ? { to: o.to } : {}), ...(o.allowUnverified ? { allowUnverified: true } : {}) }), o.forceUnlock, 'rollback.succeeded');
}

export async function destroy(g: GlobalFlags, env: string | undefined, o: { yes: boolean; force: boolean; forceUnlock: boolean }): Promise<number> {
  const s = await session(g, env);
  if (!o.yes) throw new SlipwayError({ key: 'destroy.needsYes', params: { env: s.envr.name }, fix: 'destroy.needsYes.fix', fixParams: { env: s.envr.name }, exitCode: 2 });
  const code = await mutate(g, s, 'destroy', () => s.target.destroyPlan(s.ctx, { force: o.force }), o.forceUnlock, 'destroy.succeeded');
  // Nothing of the environment is left on this machine either (journal, artifacts, a lock file).
  if (code === 0) await s.ctx.localHost.rm(s.ctx.stateDir);
  return code;
}

export interface InitFlags {
  force: boolean;
  target: 'local' | 'ssh';
  host?: string;
  env?: string;
}

export async function init(g: GlobalFlags, dir: string, o: InitFlags): Promise<number> {
  const { initConfig } = await import('../session/init.js');
  const out = await initConfig(dir, { force: o.force, target: o.target, ...(o.host ? { host: o.host } : {}), ...(o.env ? { env: o.env } : {}) });
  if (g.json) printJson(out);
  else {
    print(pc.green(`✓ ${t('init.wrote', { file: out.file })}`));
    for (const note of out.notes) print(`  ${note}`);
  }
  return 0;
}

export async function dbImport(g: GlobalFlags, env: string | undefined, o: { file: string; cidr?: string; acceptRisk?: string[]; forceUnlock: boolean }): Promise<number> {
  const s = await session(g, env);
  const { resolve } = await import('node:path');
  const file = resolve(o.file);
  if (!s.target.importPlan) throw new SlipwayError({ key: 'cli.notForTarget', params: { command: 'db import', target: s.envr.target.target }, fix: 'cli.notForTarget.fix', exitCode: 2 });
  const importPlan = s.target.importPlan.bind(s.target);
  return mutate(g, s, 'import', () => importPlan(s.ctx, { file, acceptRisks: o.acceptRisk ?? [], ...(o.cidr ? { cidr: o.cidr } : {}) }), o.forceUnlock, 'import.succeeded');
}

/** `slipway lock status|release <env>`: who holds the deploy lock; remove it when its holder is gone. */
export async function lock(g: GlobalFlags, action: string, env: string | undefined): Promise<number> {
  const s = await session(g, env);
  const { readLock, breakLock, isStale } = await import('../engine/lock.js');
  const { store, file, where } = await lockOf(s);
  if (action === 'release') {
    const was = await breakLock(store, file);
    if (g.json) printJson({ env: s.envr.name, released: was ?? null });
    else print(was ? t('lock.released', { env: s.envr.name, user: was.user, machine: was.machine, command: was.command }) : t('lock.none', { env: s.envr.name, where }));
    return 0;
  }
  if (action !== 'status') throw new SlipwayError({ key: 'cli.err.unknownCommand', params: { name: `lock ${action}` }, fix: 'cli.err.fix', exitCode: 2 });
  const owner = await readLock(store, file);
  if (g.json) printJson({ env: s.envr.name, where, lock: owner ?? null, stale: owner ? isStale(owner) : null });
  else if (!owner) print(t('lock.none', { env: s.envr.name, where }));
  else print(t(isStale(owner) ? 'lock.statusExpired' : 'lock.status', { env: s.envr.name, where, user: owner.user, machine: owner.machine, pid: owner.pid, command: owner.command, since: owner.startedAt, expires: owner.expiresAt }));
  return 0;
}

/** `slipway hosts trust <env>`: show each host's key (every host of a fleet) and add it to known_hosts when confirmed. */
export async function trustHost(g: GlobalFlags, env: string | undefined, o: { fingerprint?: string[]; yes: boolean }): Promise<number> {
  const s = await session(g, env);
  if (!s.target.trustHost) throw new SlipwayError({ key: 'cli.notForTarget', params: { command: 'hosts trust', target: s.envr.target.target }, fix: 'cli.notForTarget.fix', exitCode: 2 });
  await import('../engine/messages/hosts.js');
  const all = await s.target.trustHost(s.ctx, { fingerprints: o.fingerprint ?? [], yes: o.yes });
  if (g.json) printJson(all.length === 1 ? all[0] : all);
  const pending = all.filter((r) => !r.added && !r.known);
  for (const r of g.json ? [] : all) {
    if (r.added) print(pc.green(`✓ ${t('hosts.trusted', { host: r.host, fingerprint: r.fingerprint, file: r.file })}`));
    else if (r.known) print(t('hosts.alreadyKnown', { host: r.host, fingerprint: r.fingerprint, file: r.file }));
    else if (all.length === 1) print(t('hosts.confirm', { host: r.host, fingerprint: r.fingerprint, env: s.envr.name }));
    else print(t('hosts.confirmPair', { host: r.host, address: r.host.replace(/:22$/, ''), fingerprint: r.fingerprint, env: s.envr.name }));
  }
  if (!g.json && pending.length > 1) print(t('hosts.confirmAll', { env: s.envr.name }));
  return pending.length ? 1 : 0;
}
