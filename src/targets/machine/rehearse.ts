/**
 * `db rehearse` on a machine environment (local, ssh): take the newest backup that
 * `pg_restore --list` can read (on a VM: streamed here through the Host, never held in
 * memory), restore it into a throwaway PostgreSQL on this machine, build the release here
 * the way a deploy builds it, and run its migrate command against the copy — with the
 * same environment a deploy gives it, the database variables pointing at the copy —
 * while sampling the locks it holds. The throwaway cluster and build are removed after.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SlipwayError, isSlipwayError } from '../../engine/errors.js';
import type { StepContext } from '../../engine/step.js';
import { dumpDatabase, listArchive, restoreDatabase } from '../../db/backup.js';
import { appDbEnv, pgEnv, pgUrl } from '../../db/conn.js';
import { failedStatement, sampleLocks, startThrowaway } from '../../db/rehearsal.js';
import type { RehearsalOptions, RehearsalOutcome } from '../types.js';
import { installRelease, unpackRelease } from './build.js';
import { appDatabase, machineRuntime, processEnv, releaseEnvFor, type MachineRuntime } from './runtime.js';
import { shell } from './shell.js';

const j = path.posix.join;

/** A step context for machinery run outside a plan (nothing to journal, nothing to undo). */
function looseContext(rt: MachineRuntime, step: string): StepContext {
  const ev = rt.ctx.events;
  return {
    step,
    runId: 'rehearse',
    events: ev,
    signal: rt.ctx.signal,
    record: async () => undefined,
    data: () => undefined,
    isDone: () => false,
    log: (key, params) => ev.log('info', key, params, step),
    warn: (key, params) => ev.log('warn', key, params, step),
  };
}

/** The newest dump in the environment's backups that pg_restore can read. */
async function latestBackup(rt: MachineRuntime, major: number): Promise<{ file: string; bytes: number; entries: number } | undefined> {
  const names = (await rt.host.list(rt.layout.backups)).filter((n) => n.endsWith('.dump'));
  const files = names.map((n) => j(rt.layout.backups, n));
  const stats = (await rt.host.statFiles(files)).map((st, i) => ({ file: files[i]!, st }));
  const candidates = stats.filter((s) => s.st && s.st.size > 0).sort((a, b) => b.st!.mtimeMs - a.st!.mtimeMs);
  for (const c of candidates) {
    const entries = await listArchive(rt.host, major, c.file).catch(() => undefined);
    if (entries !== undefined) return { file: c.file, bytes: c.st!.size, entries };
  }
  return undefined;
}

/**
 * On this machine, the serving release's node_modules are hard-linked in when its lockfile
 * is the same (what a deploy does between releases); elsewhere the build installs.
 */
async function reuseServingModules(rt: MachineRuntime, build: MachineRuntime, release: string): Promise<boolean> {
  if (!rt.host.local) return false;
  const current = await rt.store.current();
  if (!current) return false;
  const from = rt.store.appDir(current);
  const to = build.store.appDir(release);
  for (const lock of ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml']) {
    const [a, b] = await Promise.all([rt.host.readFile(j(from, lock)), build.host.readFile(j(to, lock))]);
    if (a === undefined && b === undefined) continue;
    if (a !== b || !(await rt.host.exists(j(from, 'node_modules')))) return false;
    return (await build.host.exec(['cp', '-al', j(from, 'node_modules'), j(to, 'node_modules')])).code === 0;
  }
  return false;
}

export async function rehearseOnMachine(rt: MachineRuntime, opts: RehearsalOptions): Promise<RehearsalOutcome> {
  const { ctx } = rt;
  const db = ctx.envr.database;
  if (!db) throw new SlipwayError({ key: 'rehearse.noDatabase', params: { env: ctx.envr.name }, place: 'database', fix: 'rehearse.noDatabase.fix', exitCode: 2 });
  const major = db.version;
  const log = (key: string, params?: Record<string, string | number>) => ctx.events.log('info', key, params, 'rehearse');

  let backup: { file: string; bytes: number; entries: number } | undefined;
  if (opts.fresh) {
    const conn = await appDatabase(rt);
    await rt.host.mkdir(rt.layout.backups, { mode: 0o700 });
    const stamp = new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14);
    for (const old of (await rt.host.list(rt.layout.backups)).filter((n) => n.startsWith('rehearse-'))) await rt.host.rm(j(rt.layout.backups, old));
    const info = await dumpDatabase(rt.host, major, conn!, j(rt.layout.backups, `rehearse-${stamp}.dump`));
    backup = info;
    log('rehearse.freshBackup', { file: `${rt.setup.where}:${info.file}` });
  } else backup = await latestBackup(rt, major);
  if (!backup) {
    throw new SlipwayError({ key: 'rehearse.noBackup', params: { env: ctx.envr.name, where: `${rt.setup.where}:${rt.layout.backups}` }, fix: 'rehearse.noBackup.fix', fixParams: { env: ctx.envr.name }, exitCode: 2 });
  }
  const backupName = `${rt.setup.where}:${backup.file}`;
  log('rehearse.backup', { file: path.posix.basename(backup.file), where: rt.setup.where, kb: Math.ceil(backup.bytes / 1024), entries: backup.entries });

  const local = ctx.localHost;
  const work = await mkdtemp(path.join(os.tmpdir(), 'slipway-rehearse-build-'));
  let dumpHere = backup.file;
  let throwaway: Awaited<ReturnType<typeof startThrowaway>> | undefined;
  try {
    if (!rt.host.local) {
      // A VM's backup comes here as a stream into a file: pg_restore reads it from disk.
      if (!rt.host.readStream) throw new Error(`${rt.host.name} cannot stream files`);
      dumpHere = path.join(work, 'backup.dump');
      await pipeline(await rt.host.readStream(backup.file), createWriteStream(dumpHere, { mode: 0o600 }));
    }
    // The build (install, build) and the restore run side by side.
    const build = machineRuntime(ctx, {
      host: local,
      root: work,
      opts: rt.opts,
      supervisorArgv: async () => [],
      where: 'local',
      address: '127.0.0.1',
    });
    const release = 'rehearsal';
    const bctx = looseContext(build, 'rehearse');
    const built = (async () => {
      await unpackRelease(build, bctx, release);
      if (!(await reuseServingModules(rt, build, release))) await installRelease(build, bctx, release);
      if (ctx.envr.app.build) await shell(build, bctx, ctx.envr.app.build, build.store.appDir(release), { NODE_ENV: 'development' }, 'build', release);
      log('rehearse.build', { dir: build.store.appDir(release) });
    })();
    const restored = (async () => {
      throwaway = await startThrowaway(local, major, db.name, db.user);
      ctx.redactor.add(throwaway.superConn.password);
      ctx.redactor.add(throwaway.conn.password);
      log('rehearse.cluster', { major, port: throwaway.conn.port });
      const t0 = Date.now();
      // A local dump is read by the postgres user's tools only through this process's pg_restore (as us).
      await restoreDatabase(local, major, throwaway.conn, dumpHere);
      const ms = Date.now() - t0;
      log('rehearse.restored', { seconds: (ms / 1000).toFixed(1) });
      return ms;
    })();
    // Both settle before anything is cleaned up (a failed build never removes a cluster being started).
    const [r, b] = await Promise.allSettled([restored, built]);
    if (r.status === 'rejected') throw r.reason;
    if (b.status === 'rejected') throw b.reason;
    const restoreMs = r.value;
    const tw = throwaway!;
    const cmd = db.migrate!;
    build.db = Promise.resolve(tw.conn);
    // Whatever the environment's own settings say, every database variable points at the copy.
    const env: Record<string, string> = { ...processEnv(build, releaseEnvFor(build), tw.conn, release), ...appDbEnv(tw.conn), ...pgEnv(tw.conn) };
    delete env.PGCONNECT_TIMEOUT;
    if (db.urlSecret) env[db.urlSecret] = pgUrl(tw.conn);
    log('rehearse.migrating', { command: cmd });
    const sampler = sampleLocks(tw.superConn, tw.conn.database, opts.lockThresholdMs);
    const t1 = Date.now();
    let failure: unknown;
    await shell(build, bctx, cmd, build.store.appDir(release), env, 'migrate', release).catch((e: unknown) => (failure = e));
    const durationMs = Date.now() - t1;
    const locks = await sampler.stop();
    if (!failure) return { backup: backupName, ok: true, restoreMs, durationMs, evidence: [], locks };
    const why = failedStatement(await tw.log());
    const error = isSlipwayError(failure) ? failure.text() : failure instanceof Error ? failure.message : String(failure);
    const evidence = [why.error, why.statement, error].filter((x): x is string => !!x).flatMap((x) => x.split('\n'));
    return {
      backup: backupName,
      ok: false,
      restoreMs,
      durationMs,
      ...(why.statement ? { statement: ctx.redactor.redact(why.statement) } : {}),
      ...(why.error ? { dbError: ctx.redactor.redact(why.error) } : {}),
      error: ctx.redactor.redact(error),
      evidence: evidence.map((l) => ctx.redactor.redact(l)),
      locks,
    };
  } finally {
    await throwaway?.destroy();
    await local.rm(work);
    log('rehearse.removed');
  }
}
