/**
 * The release machinery's steps, on any machine a `Host` reaches. Each maps to a line of
 * the runbooks: build once, back up, migrate, start the new release, health-check it,
 * switch traffic, verify, drain the old one, record the result. Undo data is recorded
 * before each side effect.
 */
import path from 'node:path';
import { SlipwayError } from '../../engine/errors.js';
import { httpRequest } from '../../engine/net.js';
import { poll } from '../../engine/poll.js';
import { runVerify } from '../../engine/verify.js';
import type { Step, StepContext, StepData } from '../../engine/step.js';
import { dumpDatabase, listArchive, restoreDatabase } from '../../db/backup.js';
import { explain } from '../../knowledge/explain.js';
import { getLang } from '../../engine/i18n.js';
import { shell } from './shell.js';
import { appDatabase, ensureSupervisor, processEnv, releaseEnvFor, servingFile, type MachineRuntime } from './runtime.js';
import { installRelease, unpackRelease, type BuildMeta, type PackedApp } from './build.js';
import { deployEnv } from './release-env.js';
import { listReleaseMigrations } from './migrations.js';
import '../../engine/messages/env-releases.js';

const j = path.posix.join;

async function appLogTail(rt: MachineRuntime, release: string, n = 8): Promise<string> {
  const text = (await rt.host.readFile(j(rt.layout.logs, `app-${release}.log`)).catch(() => undefined)) ?? '';
  return explain(text, n).text;
}

/** Stop a command group a step started (journaled), if it still runs. */
async function stopChild(rt: MachineRuntime, pgid: unknown): Promise<void> {
  if (typeof pgid === 'number') await rt.host.stopGroup(pgid);
}

export function databaseStep(rt: MachineRuntime): Step {
  return {
    id: 'database',
    titleKey: 'step.database',
    async run(): Promise<StepData> {
      const conn = await appDatabase(rt);
      return conn ? { host: conn.host, port: conn.port, database: conn.database } : { none: true };
    },
  };
}

export function supervisorStep(rt: MachineRuntime): Step {
  return {
    id: 'supervisor',
    titleKey: 'step.supervisor',
    titleParams: { port: rt.opts.port },
    async run(ctx) {
      const { fresh, status } = await ensureSupervisor(rt);
      await ctx.record({ fresh, pid: status.pid });
      return { fresh, pid: status.pid };
    },
    async undo(ctx) {
      // A supervisor this run started, that serves nothing: stop it, so a failed first deploy leaves the port free.
      if (!ctx.data('supervisor')?.fresh || !(await rt.client.alive())) return;
      const st = await rt.client.status();
      if (!st.active && (await rt.store.current()) === undefined) await rt.client.shutdown().catch(() => undefined);
    },
  };
}

export function buildStep(rt: MachineRuntime, release: string, meta: BuildMeta, packed?: () => Promise<PackedApp>): Step {
  return {
    id: 'build',
    titleKey: 'step.build',
    titleParams: { release },
    async run(ctx): Promise<StepData> {
      await ctx.record({ release });
      await rt.store.write({
        id: release,
        createdAt: new Date().toISOString(),
        result: 'pending',
        configHash: meta.configHash,
        ...(meta.gitCommit ? { gitCommit: meta.gitCommit } : {}),
        details: {},
        acceptedRisks: meta.acceptedRisks,
        ...(meta.promotedFrom ? { promotedFrom: meta.promotedFrom } : {}),
      });
      // The config's env, with the overrides in force (`slipway env set`) carried over.
      const { env, carried, dropped } = await deployEnv(rt);
      if (carried) ctx.warn('envRelease.carried', { names: Object.entries(carried.set).map(([k, v]) => `${k}=${v}`).join(', '), env: rt.ctx.envr.name });
      for (const name of dropped) ctx.warn('envRelease.overrideDropped', { name });
      await rt.store.writeEnv(release, env);
      const artifact = await unpackRelease(rt, ctx, release, packed);
      const installed = await installRelease(rt, ctx, release);
      if (rt.ctx.envr.app.build) await shell(rt, ctx, rt.ctx.envr.app.build, rt.store.appDir(release), { NODE_ENV: 'development' }, 'build', release);
      const details = { artifact: artifact.sha256, ...installed };
      // What the migration lint of later deploys compares with (not in the journal: it can be long).
      const migrations = await listReleaseMigrations(rt, release).catch(() => undefined);
      await rt.store.update(release, { details: { ...details, ...(migrations ? { migrations } : {}) } });
      return { release, ...details };
    },
    async undo(ctx) {
      await stopChild(rt, ctx.data('build')?.childGroup);
      const id = (ctx.data('build')?.release as string | undefined) ?? release;
      if ((await rt.store.current()) === id) return;
      await rt.host.rm(rt.store.appDir(id));
      await rt.store.update(id, { result: 'failed', finishedAt: new Date().toISOString() });
    },
  };
}

export function backupStep(rt: MachineRuntime, release: string): Step {
  return {
    id: 'backup',
    titleKey: 'step.backup',
    needs: ['database'],
    async run(ctx): Promise<StepData> {
      const conn = await appDatabase(rt);
      if (!conn) return { skipped: true };
      await rt.host.mkdir(rt.layout.backups, { mode: 0o700 });
      const file = j(rt.layout.backups, `${release}.dump`);
      const info = await dumpDatabase(rt.host, rt.ctx.envr.database!.version, conn, file);
      ctx.log('log.backupDone', { file: `${rt.setup.where}:${file}`, kb: Math.ceil(info.bytes / 1024), entries: info.entries });
      return { backup: file, bytes: info.bytes };
    },
  };
}

export function migrateStep(rt: MachineRuntime, release: string): Step {
  return {
    id: 'migrate',
    titleKey: 'step.migrate',
    needs: ['build', 'backup'],
    async run(ctx): Promise<StepData> {
      const cmd = rt.ctx.envr.database?.migrate;
      if (!cmd) {
        ctx.log('log.noMigrate');
        return { skipped: true };
      }
      const conn = await appDatabase(rt);
      await ctx.record({ started: true });
      const env = (await rt.store.readEnv(release)) ?? releaseEnvFor(rt);
      await shell(rt, ctx, cmd, rt.store.appDir(release), processEnv(rt, env, conn, release), 'migrate', release);
      return { migrated: true };
    },
    async undo(ctx) {
      await stopChild(rt, ctx.data('migrate')?.childGroup);
      if (!ctx.data('migrate')?.started) return;
      const backup = ctx.data('backup')?.backup as string | undefined;
      if (ctx.isDone('switch')) {
        // Traffic reached the new release: its writes must not be lost. Keep the data.
        ctx.warn('log.restoreSkipped', { file: backup ?? '-' });
        return;
      }
      if (!backup) throw new SlipwayError({ key: 'db.noBackup', fix: 'db.restoreFailed.fix', fixParams: { file: '-' } });
      const conn = await appDatabase(rt);
      await restoreDatabase(rt.host, rt.ctx.envr.database!.version, conn!, backup);
      ctx.warn('log.restored', { file: backup });
    },
  };
}

export function startStep(rt: MachineRuntime, release: string, needs: string[]): Step {
  return {
    id: 'start',
    titleKey: 'step.start',
    titleParams: { release },
    needs,
    async run(ctx): Promise<StepData> {
      const env = (await rt.store.readEnv(release)) ?? releaseEnvFor(rt);
      const conn = await appDatabase(rt);
      const port = await rt.host.freePort();
      await ctx.record({ release, port });
      const secretNames = [...env.secretNames, ...(conn ? ['DB_PASSWORD', 'DATABASE_URL'] : [])];
      const req = { release, cwd: rt.store.appDir(release), command: rt.ctx.envr.app.start, env: processEnv(rt, env, conn, release), secretNames, lang: getLang() };
      await rt.client.start({ ...req, port });
      return { release, port };
    },
    async undo(ctx) {
      const id = (ctx.data('start')?.release as string | undefined) ?? release;
      if (!(await rt.client.alive())) return;
      const st = await rt.client.status();
      if (st.active === id) return; // the switch undo runs first; never stop what serves
      await rt.client.stop(id, 0);
    },
  };
}

export function healthStep(rt: MachineRuntime, release: string): Step {
  return {
    id: 'health',
    titleKey: 'step.health',
    titleParams: { path: rt.ctx.envr.app.healthPath },
    needs: ['start'],
    async run(ctx): Promise<StepData> {
      const port = ctx.data('start')!.port as number;
      const url = `http://127.0.0.1:${port}${rt.ctx.envr.app.healthPath}`;
      let last = '';
      // A fresh process answers within tens of milliseconds: re-check after 25 ms, growing to at most 250 ms.
      const r = await poll(async () => {
        const st = await rt.client.status();
        const proc = st.processes.find((p) => p.release === release);
        if (!proc || proc.state !== 'running') {
          throw new SlipwayError({
            key: 'local.crashedOnStart',
            params: { release, code: proc?.exitCode ?? '?', log: await appLogTail(rt, release) },
            place: `${rt.setup.where}:${j(rt.layout.logs, `app-${release}.log`)}`,
            fix: 'local.crashedOnStart.fix',
            fixParams: { env: rt.ctx.envr.name },
          });
        }
        try {
          const r = await httpRequest(url, { timeoutMs: 2000, connect: () => rt.host.connect({ port }) });
          if (r.status >= 200 && r.status < 300) return { done: { url, status: r.status } };
          last = `HTTP ${r.status} ${r.body.slice(0, 200)}`;
        } catch (e) {
          last = e instanceof Error ? e.message : String(e);
        }
        return undefined;
      }, { initialMs: 25, maxMs: 250, factor: 1.5, timeoutMs: rt.opts.healthTimeoutMs, signal: ctx.signal });
      if (r.kind === 'done') return r.value;
      throw new SlipwayError({
        key: 'local.healthFailed',
        params: { url, seconds: Math.round(rt.opts.healthTimeoutMs / 1000), last, log: await appLogTail(rt, release) },
        place: `app.healthPath (${rt.ctx.envr.app.healthPath})`,
        fix: 'local.healthFailed.fix',
      });
    },
  };
}

export function switchStep(rt: MachineRuntime, release: string): Step {
  return {
    id: 'switch',
    titleKey: 'step.switch',
    titleParams: { port: rt.opts.port },
    needs: ['health'],
    commit: true,
    async run(ctx): Promise<StepData> {
      const st = await rt.client.status();
      const previous = st.active && st.active !== release ? st.active : null;
      await ctx.record({ previous });
      await rt.client.switchTo(release);
      return { previous };
    },
    async undo(ctx) {
      if (!(await rt.client.alive())) return;
      const previous = ctx.data('switch')?.previous as string | null | undefined;
      const st = await rt.client.status();
      const prevRunning = previous && st.processes.some((p) => p.release === previous && p.state === 'running');
      if (st.active !== release && st.active === previous) return;
      await rt.client.switchTo(prevRunning ? previous! : null);
    },
  };
}

export function verifyStep(rt: MachineRuntime, release?: string): Step {
  return {
    id: 'verify',
    titleKey: 'step.verify',
    needs: ['switch'],
    async run(ctx): Promise<StepData> {
      const base = `http://${rt.opts.bind === '0.0.0.0' ? '127.0.0.1' : rt.opts.bind}:${rt.opts.port}`;
      // Through the stable port, as users reach it (over the SSH connection for a VM).
      const results = await runVerify(base, rt.ctx.envr.verify, {
        connect: () => rt.host.connect({ port: rt.opts.port }),
        secrets: rt.ctx.secrets.values,
        register: (v) => rt.ctx.redactor.add(v),
      });
      for (const r of results) ctx.events.text(r.ok ? 'info' : 'error', `${r.ok ? '✓' : '✗'} ${r.name} ${r.status ?? ''} ${r.problem ?? ''}`.trim(), ctx.step);
      // The release keeps its verification results (the report's release history shows them).
      if (release) await recordVerification(rt, release, results).catch(() => undefined);
      const bad = results.filter((r) => !r.ok);
      if (bad.length) {
        throw new SlipwayError({
          key: 'verify.failed',
          params: { url: base, details: bad.map((b) => `${b.name}: ${b.problem}`).join('; ') },
          place: `environments.${rt.ctx.envr.name}.verify`,
          fix: 'verify.failed.fix',
        });
      }
      return { url: base, checks: results.length };
    },
  };
}

async function recordVerification(rt: MachineRuntime, release: string, results: { name: string; ok: boolean; status?: number; problem?: string }[]): Promise<void> {
  const rec = await rt.store.get(release);
  if (!rec) return;
  const verify = results.map((r) => ({ name: r.name, ok: r.ok, ...(r.status !== undefined ? { status: r.status } : {}), ...(r.problem ? { problem: rt.ctx.redactor.redact(r.problem) } : {}) }));
  await rt.store.update(release, { details: { ...rec.details, verify } });
}

export function drainStep(rt: MachineRuntime, release: string): Step {
  return {
    id: 'drain',
    titleKey: 'step.drain',
    needs: ['verify'],
    async run(ctx): Promise<StepData> {
      const previous = ctx.data('switch')?.previous as string | null | undefined;
      // A release an earlier failed run started here and could not stop (the host was cut off during its undo)
      // serves nothing: it goes too, so the host runs one release again.
      const st = await rt.client.status().catch(() => undefined);
      const strays = (st?.processes ?? []).map((p) => p.release).filter((r) => r !== release && r !== previous && r !== st?.active);
      await Promise.all(strays.map((r) => rt.client.stop(r, 0).catch((e: unknown) => ctx.warn('log.stopFailed', { release: r, reason: e instanceof Error ? e.message : String(e) }))));
      if (!previous || previous === release) return { stopped: null };
      // The new release is verified and serving: a problem stopping the old one is a warning, not a rollback.
      try {
        const r = await rt.client.stop(previous, rt.opts.drainTimeoutMs);
        if (!r.drained) ctx.warn('log.drainTimeout', { release: previous });
      } catch (e) {
        ctx.warn('log.stopFailed', { release: previous, reason: e instanceof Error ? e.message : String(e) });
      }
      return { stopped: previous };
    },
  };
}

export function finalizeStep(rt: MachineRuntime, release: string, kind: 'deploy' | 'rollback'): Step {
  return {
    id: 'finalize',
    titleKey: 'step.finalize',
    needs: ['drain'],
    async run(ctx): Promise<StepData> {
      const from = await rt.store.current();
      if (kind === 'deploy') await rt.store.update(release, { result: 'succeeded', finishedAt: new Date().toISOString() });
      else if (from && from !== release) await rt.store.update(from, { result: 'rolled-back' });
      await rt.store.setCurrent(release);
      if (rt.setup.persistServing) await persistServing(rt, release);
      const pruned = await rt.store.prune(rt.opts.keepReleases);
      await Promise.all(pruned.map((id) => rt.host.rm(j(rt.layout.backups, `${id}.dump`))));
      if (pruned.length) ctx.log('log.pruned', { count: pruned.length });
      return { current: release, pruned: pruned.length };
    },
  };
}

/** What the serving release runs with, for a supervisor restarted after a reboot (never in a log or the journal). */
async function persistServing(rt: MachineRuntime, release: string): Promise<void> {
  const env = (await rt.store.readEnv(release)) ?? releaseEnvFor(rt);
  const conn = await appDatabase(rt);
  const secretNames = [...env.secretNames, ...(conn ? ['DB_PASSWORD', 'DATABASE_URL'] : [])];
  const req = { release, cwd: rt.store.appDir(release), command: rt.ctx.envr.app.start, env: processEnv(rt, env, conn, release), secretNames, lang: getLang() };
  const file = servingFile(rt);
  await rt.host.writeFile(file, JSON.stringify(req) + '\n', 0o600);
  if (rt.setup.serviceUser) await rt.host.exec(['chown', rt.setup.serviceUser, file]);
}

/** `db import`: replace the database's contents with a pg_dump archive, atomically, after a backup. */
export function importSteps(rt: MachineRuntime, file: string, release: string): Step[] {
  const major = rt.ctx.envr.database?.version ?? 15;
  return [
    databaseStep(rt),
    {
      id: 'check-dump',
      titleKey: 'step.checkDump',
      titleParams: { file },
      async run(ctx): Promise<StepData> {
        // The archive is read where the database is: uploaded (sha256 checked) unless that is here.
        let there = file;
        if (!rt.host.local) {
          const { createReadStream } = await import('node:fs');
          there = j(rt.layout.backups, `import-${release}.dump`);
          await rt.host.mkdir(rt.layout.backups, { mode: 0o700 });
          await ctx.record({ uploaded: there });
          await rt.host.upload(createReadStream(file), there, { mode: 0o600 });
        }
        const entries = await listArchive(rt.host, major, there).catch((e: unknown) => {
          throw e instanceof SlipwayError ? new SlipwayError({ key: 'db.dumpUnreadable', params: e.params, place: file, fix: 'aws.import.badDump.fix' }) : e;
        });
        return { entries, archive: there };
      },
    },
    { ...backupStep(rt, release), needs: ['database', 'check-dump'] },
    {
      id: 'import',
      titleKey: 'step.import',
      titleParams: { file },
      needs: ['backup'],
      async run(ctx): Promise<StepData> {
        const conn = await appDatabase(rt);
        // One transaction: the serving release sees the old data or the imported data, never half.
        await restoreDatabase(rt.host, major, conn!, String(ctx.data('check-dump')?.archive ?? file));
        return { imported: file };
      },
    },
  ];
}
