/**
 * What a machine environment (local, ssh) is made of, for the report's drawing: the machine,
 * the stable port and its switching proxy, the supervisor, the releases it keeps (which one
 * serves, on which port) and the database (slipway's PostgreSQL or an external one).
 */
import { t } from '../../engine/i18n.js';
import '../../engine/messages/report-html.js';
import type { ArchNode, ArchitectureView } from '../types.js';
import type { MachineRuntime } from './runtime.js';

export async function machineArchitecture(rt: MachineRuntime, targetName: string): Promise<ArchitectureView> {
  const alive = await rt.client.alive().catch(() => false);
  const [sup, releases, dbInfo, dbRunning] = await Promise.all([
    alive ? rt.client.status().catch(() => undefined) : undefined,
    rt.store.list(),
    rt.pg ? rt.pg.info().catch(() => undefined) : undefined,
    rt.pg ? rt.pg.isRunning().catch(() => false) : undefined,
  ]);
  const serving = sup?.active ?? (await rt.store.current());
  const stable: ArchNode = {
    id: 'stable-port',
    kind: 'proxy',
    label: `${rt.opts.bind}:${rt.opts.port}`,
    detail: [t('arch.stablePort', { port: rt.opts.port }), serving ? `→ ${serving}` : t('arch.noServing')],
    emphasis: true,
  };
  const supervisor: ArchNode = {
    id: 'supervisor',
    kind: 'supervisor',
    label: sup ? t('arch.supervisor', { pid: sup.pid }) : t('arch.supervisorStopped'),
    detail: sup ? [t('arch.since', { at: sup.startedAt })] : [],
  };
  const kept = releases.slice(0, 6);
  const releaseNodes: ArchNode[] = kept.map((r) => {
    const proc = sup?.processes.find((p) => p.release === r.id);
    return {
      id: `release-${r.id}`,
      kind: 'release',
      label: r.id,
      detail: [t(r.id === serving ? 'arch.releaseServing' : 'arch.release', { result: t(`report.release.${r.result}`) }), ...(proc ? [t('arch.process', { pid: proc.pid, port: proc.port, state: proc.state })] : [])],
      ...(r.id === serving ? { emphasis: true } : {}),
    };
  });
  const db = rt.ctx.envr.database;
  const database: ArchNode | undefined = db
    ? rt.pg
      ? {
          id: 'database',
          kind: 'database',
          label: `PostgreSQL ${dbInfo?.major ?? db.version}`,
          detail: [t(dbRunning ? 'arch.dbManagedRunning' : 'arch.dbManagedStopped'), ...(dbInfo ? [`127.0.0.1:${dbInfo.port}`] : []), t('arch.dbName', { name: db.name, user: db.user })],
        }
      : { id: 'database', kind: 'database', label: t('arch.dbExternal'), detail: [t('arch.dbUrlSecret', { name: db.urlSecret ?? 'DATABASE_URL' })] }
    : undefined;
  const edges: ArchitectureView['edges'] = [];
  if (serving && kept.some((r) => r.id === serving)) edges.push({ from: 'stable-port', to: `release-${serving}`, label: t('arch.traffic') });
  if (database) for (const r of kept) if (sup?.processes.some((p) => p.release === r.id && p.state === 'running')) edges.push({ from: `release-${r.id}`, to: 'database', label: 'SQL' });
  const machine = { id: 'machine', kind: 'host', label: `${targetName}: ${rt.setup.where}`, detail: rt.layout.root, nodes: [stable, supervisor] };
  return {
    target: targetName,
    groups: [machine, { id: 'releases', kind: 'releases', label: t('arch.releases', { count: releases.length }), nodes: releaseNodes }, ...(database ? [{ id: 'data', kind: 'database', label: t('arch.database'), nodes: [database] }] : [])],
    edges,
    ...(releases.length > kept.length ? { notes: [t('arch.olderReleases', { count: releases.length - kept.length })] } : {}),
  };
}
