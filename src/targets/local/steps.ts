/**
 * The local target's steps. Each maps to a line of the runbooks: build once, back up,
 * migrate, start the new release, health-check it, switch traffic, verify, drain the
 * old one, record the result. Undo data is recorded before each side effect.
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { SlipwayError } from '../../engine/errors.js';
import { freePort, httpRequest } from '../../engine/net.js';
import { runVerify } from '../../engine/verify.js';
import type { Step, StepContext, StepData } from '../../engine/step.js';
import { dumpDatabase, restoreDatabase } from '../../db/backup.js';
import { stopGroup } from './host.js';
import { appDatabase, ensureSupervisor, processEnv, releaseEnvFor, type LocalRuntime } from './runtime.js';
import { lastLines } from '../../db/local-server.js';
import { findPgBinaries } from '../../db/binaries.js';

/** Never copied into a release; `dist` too when the release builds it itself. */
const EXCLUDE = new Set(['node_modules', '.git', '.slipway']);

async function shell(rt: LocalRuntime, ctx: StepContext, command: string, cwd: string, env: Record<string, string>, what: string): Promise<void> {
  const r = await rt.host.exec(['/bin/sh', '-c', command], {
    cwd,
    env,
    signal: ctx.signal,
    onLine: (line) => ctx.events.text('debug', line, ctx.step),
    // Journaled, so an undo after kill -9 can stop a command still running (e.g. a migration).
    onGroup: (pgid) => void ctx.record({ childGroup: pgid }).catch(() => undefined),
  });
  if (r.code !== 0) {
    throw new SlipwayError({
      key: 'local.commandFailed',
      params: { what, command, code: r.code, output: rt.ctx.redactor.redact(lastLines(r.stderr || r.stdout, 8)) },
      place: cwd,
      fix: `local.${what}Failed.fix`,
      fixParams: { command, dir: cwd },
    });
  }
}

async function fileHash(file: string): Promise<string | undefined> {
  try {
    return createHash('sha256').update(await readFile(file)).digest('hex').slice(0, 16);
  } catch {
    return undefined;
  }
}

async function appLogTail(rt: LocalRuntime, release: string, n = 8): Promise<string> {
  const text = await readFile(path.join(rt.layout.logs, `app-${release}.log`), 'utf8').catch(() => '');
  return lastLines(text, n);
}

export function databaseStep(rt: LocalRuntime): Step {
  return {
    id: 'database',
    titleKey: 'step.database',
    async run(): Promise<StepData> {
      const conn = await appDatabase(rt);
      return conn ? { host: conn.host, port: conn.port, database: conn.database } : { none: true };
    },
  };
}

export function supervisorStep(rt: LocalRuntime): Step {
  return {
    id: 'supervisor',
    titleKey: 'step.supervisor',
    titleParams: { port: rt.opts.port },
    async run() {
      const { fresh, status } = await ensureSupervisor(rt);
      return { fresh, pid: status.pid };
    },
  };
}

export function buildStep(rt: LocalRuntime, release: string, meta: { configHash: string; gitCommit?: string; acceptedRisks: string[] }): Step {
  return {
    id: 'build',
    titleKey: 'step.build',
    titleParams: { release },
    async run(ctx): Promise<StepData> {
      await ctx.record({ release });
      const app = rt.store.appDir(release);
      await rt.store.write({
        id: release,
        createdAt: new Date().toISOString(),
        result: 'pending',
        configHash: meta.configHash,
        ...(meta.gitCommit ? { gitCommit: meta.gitCommit } : {}),
        details: {},
        acceptedRisks: meta.acceptedRisks,
      });
      await rt.store.writeEnv(release, releaseEnvFor(rt));
      await rm(app, { recursive: true, force: true });
      await mkdir(app, { recursive: true });
      // Never copy .env files: secrets do not belong in a release.
      for (const entry of await readdir(rt.ctx.envr.appDir)) {
        if (EXCLUDE.has(entry) || /^\.env(\.|$)/.test(entry) || (entry === 'dist' && rt.ctx.envr.app.build)) continue;
        await cp(path.join(rt.ctx.envr.appDir, entry), path.join(app, entry), {
          recursive: true,
          filter: (src) => !/^\.env(\.|$)/.test(path.basename(src)) && path.basename(src) !== 'node_modules',
        });
      }
      const lockHash = await fileHash(path.join(app, 'package-lock.json'));
      let reused = false;
      const env = { NODE_ENV: 'development' };
      if (rt.ctx.envr.app.install) await shell(rt, ctx, rt.ctx.envr.app.install, app, env, 'install');
      else {
        const prev = (await rt.store.list()).find((r) => r.id !== release && r.details.lockHash === lockHash && lockHash);
        const prevModules = prev ? path.join(rt.store.appDir(prev.id), 'node_modules') : undefined;
        if (prevModules && (await rt.host.exists(prevModules))) {
          const r = await rt.host.exec(['cp', '-al', prevModules, path.join(app, 'node_modules')]);
          reused = r.code === 0;
        }
        if (!reused) await shell(rt, ctx, lockHash ? 'npm ci --no-audit --no-fund' : 'npm install --no-audit --no-fund', app, env, 'install');
      }
      if (rt.ctx.envr.app.build) await shell(rt, ctx, rt.ctx.envr.app.build, app, env, 'build');
      await rt.store.update(release, { details: { ...(lockHash ? { lockHash } : {}), reusedModules: reused } });
      return { release, reusedModules: reused };
    },
    async undo(ctx) {
      await stopGroup(ctx.data('build')?.childGroup);
      const id = (ctx.data('build')?.release as string | undefined) ?? release;
      if ((await rt.store.current()) === id) return;
      await rm(rt.store.appDir(id), { recursive: true, force: true });
      await rt.store.update(id, { result: 'failed', finishedAt: new Date().toISOString() });
    },
  };
}

export function backupStep(rt: LocalRuntime, release: string): Step {
  return {
    id: 'backup',
    titleKey: 'step.backup',
    needs: ['database'],
    async run(ctx): Promise<StepData> {
      const conn = await appDatabase(rt);
      if (!conn) return { skipped: true };
      await mkdir(rt.layout.backups, { recursive: true, mode: 0o700 });
      const file = path.join(rt.layout.backups, `${release}.dump`);
      const info = await dumpDatabase(rt.host, rt.ctx.envr.database!.version, conn, file);
      ctx.log('log.backupDone', { file, kb: Math.ceil(info.bytes / 1024), entries: info.entries });
      return { backup: file, bytes: info.bytes };
    },
  };
}

export function migrateStep(rt: LocalRuntime, release: string): Step {
  return {
    id: 'migrate',
    titleKey: 'step.migrate',
    needs: ['build', 'backup'],
    async run(ctx): Promise<StepData> {
      const cmd = rt.ctx.envr.database?.migrate;
      if (!cmd) return { skipped: true };
      const conn = await appDatabase(rt);
      await ctx.record({ started: true });
      await shell(rt, ctx, cmd, rt.store.appDir(release), processEnv(rt, releaseEnvFor(rt), conn, release), 'migrate');
      return { migrated: true };
    },
    async undo(ctx) {
      await stopGroup(ctx.data('migrate')?.childGroup);
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

export function startStep(rt: LocalRuntime, release: string, needs: string[]): Step {
  return {
    id: 'start',
    titleKey: 'step.start',
    titleParams: { release },
    needs,
    async run(ctx): Promise<StepData> {
      const env = (await rt.store.readEnv(release)) ?? releaseEnvFor(rt);
      const conn = await appDatabase(rt);
      const port = await freePort();
      await ctx.record({ release, port });
      const secretNames = [...env.secretNames, ...(conn ? ['DB_PASSWORD', 'DATABASE_URL'] : [])];
      await rt.client.start({ release, cwd: rt.store.appDir(release), command: rt.ctx.envr.app.start, env: processEnv(rt, env, conn, release), secretNames, port });
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

export function healthStep(rt: LocalRuntime, release: string): Step {
  return {
    id: 'health',
    titleKey: 'step.health',
    titleParams: { path: rt.ctx.envr.app.healthPath },
    needs: ['start'],
    async run(ctx): Promise<StepData> {
      const port = ctx.data('start')!.port as number;
      const url = `http://127.0.0.1:${port}${rt.ctx.envr.app.healthPath}`;
      const deadline = Date.now() + rt.opts.healthTimeoutMs;
      let last = '';
      while (Date.now() < deadline && !ctx.signal.aborted) {
        const st = await rt.client.status();
        const proc = st.processes.find((p) => p.release === release);
        if (!proc || proc.state !== 'running') {
          throw new SlipwayError({
            key: 'local.crashedOnStart',
            params: { release, code: proc?.exitCode ?? '?', log: await appLogTail(rt, release) },
            place: path.join(rt.layout.logs, `app-${release}.log`),
            fix: 'local.crashedOnStart.fix',
            fixParams: { env: rt.ctx.envr.name },
          });
        }
        try {
          const r = await httpRequest(url, { timeoutMs: 2000 });
          if (r.status >= 200 && r.status < 300) return { url, status: r.status };
          last = `HTTP ${r.status} ${r.body.slice(0, 200)}`;
        } catch (e) {
          last = e instanceof Error ? e.message : String(e);
        }
        await new Promise((r) => setTimeout(r, 150));
      }
      throw new SlipwayError({
        key: 'local.healthFailed',
        params: { url, seconds: Math.round(rt.opts.healthTimeoutMs / 1000), last, log: await appLogTail(rt, release) },
        place: `app.healthPath (${rt.ctx.envr.app.healthPath})`,
        fix: 'local.healthFailed.fix',
      });
    },
  };
}

export function switchStep(rt: LocalRuntime, release: string): Step {
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

export function verifyStep(rt: LocalRuntime): Step {
  return {
    id: 'verify',
    titleKey: 'step.verify',
    needs: ['switch'],
    async run(ctx): Promise<StepData> {
      const base = `http://${rt.opts.host}:${rt.opts.port}`;
      const results = await runVerify(base, rt.ctx.envr.verify);
      for (const r of results) ctx.events.text(r.ok ? 'info' : 'error', `${r.ok ? '✓' : '✗'} ${r.name} ${r.status ?? ''} ${r.problem ?? ''}`.trim(), ctx.step);
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

export function drainStep(rt: LocalRuntime, release: string): Step {
  return {
    id: 'drain',
    titleKey: 'step.drain',
    needs: ['verify'],
    async run(ctx): Promise<StepData> {
      const previous = ctx.data('switch')?.previous as string | null | undefined;
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

export function finalizeStep(rt: LocalRuntime, release: string, kind: 'deploy' | 'rollback'): Step {
  return {
    id: 'finalize',
    titleKey: 'step.finalize',
    needs: ['drain'],
    async run(ctx): Promise<StepData> {
      const from = await rt.store.current();
      if (kind === 'deploy') await rt.store.update(release, { result: 'succeeded', finishedAt: new Date().toISOString() });
      else if (from && from !== release) await rt.store.update(from, { result: 'rolled-back' });
      await rt.store.setCurrent(release);
      const pruned = await rt.store.prune(rt.ctx.envr.target.keepReleases);
      for (const id of pruned) await rm(path.join(rt.layout.backups, `${id}.dump`), { force: true });
      if (pruned.length) ctx.log('log.pruned', { count: pruned.length });
      return { current: release, pruned: pruned.length };
    },
  };
}

/** `db import`: replace the database's contents with a pg_dump archive, atomically, after a backup. */
export function importSteps(rt: LocalRuntime, file: string, release: string): Step[] {
  return [
    databaseStep(rt),
    {
      id: 'check-dump',
      titleKey: 'step.checkDump',
      titleParams: { file },
      async run(): Promise<StepData> {
        const bins = await findPgBinaries(rt.ctx.envr.database?.version ?? 15);
        const r = await rt.host.exec([bins.bin('pg_restore'), '--list', file]);
        if (r.code !== 0) throw new SlipwayError({ key: 'db.dumpUnreadable', params: { file, reason: lastLines(r.stderr) }, place: file, fix: 'aws.import.badDump.fix' });
        return { entries: r.stdout.split('\n').filter((l) => l && !l.startsWith(';')).length };
      },
    },
    { ...backupStep(rt, release), needs: ['database', 'check-dump'] },
    {
      id: 'import',
      titleKey: 'step.import',
      titleParams: { file },
      needs: ['backup'],
      async run(): Promise<StepData> {
        const conn = await appDatabase(rt);
        // One transaction: the serving release sees the old data or the imported data, never half.
        await restoreDatabase(rt.host, rt.ctx.envr.database!.version, conn!, file);
        return { imported: file };
      },
    },
  ];
}
