/**
 * Per-release steps (runbook phases 2–5, through the ECS API): image, task-definition
 * revision, snapshot, migration task, update-service (the commit point), watch, verify,
 * record in the ledger. A release identical to the active one changes nothing.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Json, Step, StepContext, StepData } from '../../engine/step.js';
import { SlipwayError } from '../../engine/errors.js';
import type { DeployOptions } from '../types.js';
import { migrationFiles, migrationPrefix } from '../../engine/migrations.js';
import { gitCommit } from '../../host/git.js';
import type { AwsCtx } from './context.js';
import { outputsOf, str } from './context.js';
import { hasManagedDb } from './synth.js';
import { buildAndPush, checkDockerfile, dockerReachable, resolveImage } from './image.js';
import { buildTaskDefinition, configHash, fingerprint } from './taskdef.js';
import { applyService, deregisterRevision, describeService, registerRevision } from './rollout.js';
import { releaseId } from './ledger.js';
import { snapshotDb } from './database.js';
import { startMigration, stopMigration, taskLogLines, waitMigration, type MigrationSpec } from './migrate.js';
import { watchAndDecide, verifyRelease } from './steps-watch.js';
import { revertService, serviceSpec } from './service-spec.js';

export { revertService, serviceSpec } from './service-spec.js';

type Reader = Pick<StepContext, 'data'>;

const unchanged = (ctx: Reader) => ctx.data('register-task-definition')?.unchanged === true;

/**
 * The migration files this release ships, as its ledger entry keeps them for the migration
 * lint of later deploys. An entry is one standard SSM parameter (4 KB, shared with the rest
 * of the record and its evidence), and a long-lived project's list of files outgrows it, so
 * the entry keeps a prefix instead: how many files, the newest, and a digest of the list
 * (~100 bytes whatever their number). Migration tools apply files in path order and projects
 * add new ones at the end, so the serving release's files are the first `count` of the next
 * deploy's list, and the digest says exactly whether they are; when they are not (a file was
 * renamed, removed, or added before the newest), the lint says so and reads every file.
 * The files are this checkout's: the image is built from it, and an image given with
 * `--image` is taken to be built from it too (as CI does, and as the preflight assumes when it
 * lints this checkout's files as the deploy's). A promoted image comes from another
 * environment's release: what that release recorded is recorded again (nothing, if it had
 * nothing: the lint then says it does not know).
 */
async function shippedMigrations(a: AwsCtx, opts: DeployOptions): Promise<StepData> {
  if (opts.promoted) return opts.promoted.migrations ? { migrations: { ...opts.promoted.migrations } } : {};
  return { migrations: { ...migrationPrefix((await migrationFiles(a.envr.appDir)).map((f) => f.rel)) } };
}

async function imageStep(a: AwsCtx, ctx: StepContext, opts: DeployOptions): Promise<StepData> {
  const reg = outputsOf(ctx, 'registry');
  const repo = { name: reg.RepositoryName ?? a.n.prefix, uri: reg.RepositoryUri ?? '' };
  if (opts.image) {
    const r = await resolveImage(a.c, repo, opts.image).catch((e: Error) => {
      throw new SlipwayError({ key: 'aws.image.notFound', params: { image: opts.image!, reason: e.message }, fix: 'aws.image.notFound.fix', exitCode: 2 });
    });
    if (!r.pinned) ctx.warn('aws.image.notPinned', { image: r.image });
    ctx.log('aws.image.using', { image: r.image });
    return { image: r.image, digest: r.digest ?? '', ...(await shippedMigrations(a, opts)) };
  }
  const dockerfile = path.resolve(a.envr.appDir, a.envr.app.dockerfile ?? 'Dockerfile');
  let text: string;
  try {
    text = await readFile(dockerfile, 'utf8');
  } catch {
    throw new SlipwayError({ key: 'aws.image.noDockerfile', params: { file: dockerfile }, fix: 'aws.image.noDocker.fix', exitCode: 2 });
  }
  const ignore = await readFile(path.join(a.envr.appDir, '.dockerignore'), 'utf8').catch(() => '');
  const typescript = await readFile(path.join(a.envr.appDir, 'tsconfig.json')).then(() => true, () => false);
  const issues = checkDockerfile(text, { port: a.envr.app.port, typescript, dockerignore: ignore, caBundlePath: a.envr.target.dbCaBundlePath });
  for (const i of issues) (i.severity === 'error' ? ctx.log : ctx.warn)(i.key, { ...i.params, file: `${dockerfile}${i.line ? `:${i.line}` : ''}` });
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length) throw new SlipwayError({ key: 'aws.dockerfile.failed', params: { count: errors.length, file: dockerfile }, place: dockerfile, fix: 'aws.dockerfile.failed.fix', exitCode: 2 });
  const docker = await dockerReachable(a.tc.localHost);
  if (!docker.ok) throw new SlipwayError({ key: 'aws.image.noDocker', params: { detail: docker.detail }, fix: 'aws.image.noDocker.fix', exitCode: 2 });
  const ref = await buildAndPush(a.c, a.tc.localHost, { dir: a.envr.appDir, dockerfile, repoUri: repo.uri, tag: ctx.runId, signal: ctx.signal, onLine: (l) => a.tc.events.text('debug', l, ctx.step) });
  const r = await resolveImage(a.c, repo, ref);
  return { image: r.image, digest: r.digest ?? '', ...(await shippedMigrations(a, opts)) };
}

export function releaseSteps(a: AwsCtx, opts: DeployOptions): Step[] {
  const managedDb = hasManagedDb(a.envr);
  const infra = ['network', 'security', 'cluster', 'service', 'registry', ...(a.envr.target.alb ? ['alb'] : []), ...(managedDb ? ['database'] : []), 'app-secrets'];
  const migrateCmd = a.envr.database?.migrate;
  return [
    { id: 'image', titleKey: 'aws.step.image', needs: ['registry'], run: (ctx) => imageStep(a, ctx, opts) },
    {
      id: 'register-task-definition',
      titleKey: 'aws.step.register-task-definition',
      needs: ['image', ...infra],
      async run(ctx): Promise<StepData> {
        const roles = outputsOf(ctx, 'service');
        const db = outputsOf(ctx, 'database');
        const secrets = ctx.data('app-secrets');
        const td = buildTaskDefinition({
          family: a.n.family,
          container: a.n.container,
          image: str(ctx, 'image', 'image')!,
          cpu: a.envr.target.cpu,
          memory: a.envr.target.memory,
          port: a.envr.app.port,
          executionRoleArn: roles.ExecutionRoleArn!,
          taskRoleArn: roles.TaskRoleArn!,
          logGroup: roles.LogGroupName ?? a.n.logGroup,
          region: a.c.region,
          env: a.envr.env,
          ...(managedDb
            ? { db: { host: db.DbEndpointAddress!, port: db.DbEndpointPort ?? '5432', name: a.envr.database!.name, user: a.envr.database!.user, secretArn: str(ctx, 'db-secret', 'arn')!, caBundlePath: a.envr.target.dbCaBundlePath } }
            : {}),
          ...(typeof secrets?.arn === 'string' ? { appSecrets: { arn: secrets.arn, versionId: String(secrets.versionId), names: [...a.tc.secrets.values.keys()] } } : {}),
          tags: a.tags.map((t) => ({ key: t.Key, value: t.Value })),
        });
        const fp = fingerprint(td);
        const activeId = await a.ledger.activeId();
        const active = activeId ? await a.ledger.get(activeId) : undefined;
        const svc = await describeService(a.c, serviceSpec(a, ctx).cluster, a.n.service);
        const running = svc?.taskDefinition ?? '';
        if (active?.details.fingerprint === fp && svc && running === active.details.taskDefinitionArn && svc.desiredCount === serviceSpec(a, ctx).desiredCount) {
          ctx.log('aws.release.unchanged', { release: active.id, revision: String(active.details.revision ?? '') });
          return { unchanged: true, taskDefinitionArn: running, release: active.id, previous: running };
        }
        // A failure returns to the last good release, never to whatever the service runs now
        // (that revision may never have worked, and may be deregistered).
        const good = await a.ledger.lastGood();
        const prev = typeof good?.details.taskDefinitionArn === 'string' ? good.details.taskDefinitionArn : '';
        const id = releaseId();
        const migrations = ctx.data('image')?.migrations;
        const shipped: Record<string, Json> = migrations === undefined ? {} : { migrations };
        await ctx.record({ release: id, previous: prev, previousRelease: active?.id ?? '' });
        // The commit of this checkout, as the machine targets record it (a promoted image comes from another release's).
        const commit = opts.promoted ? undefined : await gitCommit(a.tc.localHost, a.envr.appDir);
        const details = { ...shipped, image: str(ctx, 'image', 'image')!, imageDigest: str(ctx, 'image', 'digest') ?? '', fingerprint: fp, previous: prev };
        await a.ledger.put({ id, createdAt: new Date().toISOString(), result: 'pending', configHash: configHash(td), ...(commit ? { gitCommit: commit } : {}), details, ...(opts.acceptRisks.length ? { acceptedRisks: opts.acceptRisks } : {}), ...(opts.promoted ? { promotedFrom: opts.promoted.from } : {}) });
        const arn = await registerRevision(a.c, td);
        await ctx.record({ taskDefinitionArn: arn });
        await a.ledger.update(id, { details: { ...details, taskDefinitionArn: arn, revision: Number(arn.split(':').pop()) } });
        ctx.log('aws.release.registered', { revision: arn.split('/').pop() ?? arn, release: id });
        return { taskDefinitionArn: arn, fingerprint: fp };
      },
      async undo(ctx) {
        const arn = str(ctx, 'register-task-definition', 'taskDefinitionArn');
        if (arn && !unchanged(ctx)) await deregisterRevision(a.c, arn);
      },
    },
    {
      id: 'snapshot',
      titleKey: 'aws.step.snapshot',
      needs: ['register-task-definition'],
      async run(ctx): Promise<StepData> {
        const id = outputsOf(ctx, 'database').DbInstanceId;
        if (unchanged(ctx) || !managedDb || !migrateCmd || !id || !str(ctx, 'register-task-definition', 'previousRelease')) return { skipped: true };
        const snap = `${a.n.prefix}-pre-${str(ctx, 'register-task-definition', 'release')!.toLowerCase()}`.replace(/[^a-z0-9-]/g, '-');
        await ctx.record({ snapshotId: snap });
        await snapshotDb(a.c.rds, id, snap, ctx.signal);
        ctx.log('aws.snapshot.done', { snapshot: snap });
        return { snapshotId: snap };
      },
    },
    {
      id: 'migrate',
      titleKey: 'aws.step.migrate',
      needs: ['snapshot'],
      async run(ctx): Promise<StepData> {
        if (unchanged(ctx) || !migrateCmd) return { skipped: true };
        const spec = migrationSpec(a, ctx, migrateCmd);
        await ctx.record({ starting: true });
        const arn = await startMigration(a.c, spec, `slipway-${ctx.runId}`.slice(0, 36));
        await ctx.record({ taskArn: arn });
        const r = await waitMigration(a.c, spec, arn, ctx.signal);
        const lines = await taskLogLines(a.c, spec.logGroup, spec.container, arn);
        for (const l of lines) a.tc.events.text('info', l, ctx.step);
        if (!r.ok) throw new SlipwayError({ key: 'aws.migrate.failed', params: { reason: r.reason, task: arn.split('/').pop() ?? arn }, fix: 'aws.migrate.failed.fix', fixParams: { group: spec.logGroup } });
        return { taskArn: arn, exitCode: 0 };
      },
      async undo(ctx) {
        const arn = str(ctx, 'migrate', 'taskArn');
        if (arn) await stopMigration(a.c, serviceSpec(a, ctx).cluster, arn);
      },
    },
    {
      id: 'update-service',
      titleKey: 'aws.step.update-service',
      needs: ['migrate'],
      commit: true,
      async run(ctx): Promise<StepData> {
        if (unchanged(ctx)) return { skipped: true };
        const spec = serviceSpec(a, ctx);
        const target = str(ctx, 'register-task-definition', 'taskDefinitionArn')!;
        await ctx.record({ previous: str(ctx, 'register-task-definition', 'previous') ?? '', startedAt: new Date().toISOString() });
        const how = await applyService(a.c, spec, target);
        ctx.log('aws.service.applied', { how, service: spec.service, revision: target.split('/').pop() ?? target });
        return { how };
      },
      async undo(ctx) {
        if (unchanged(ctx)) return;
        await revertService(a, ctx, str(ctx, 'update-service', 'previous'));
      },
    },
    ...watchSteps(a, opts, 'register-task-definition'),
  ];
}

export function migrationSpec(a: AwsCtx, ctx: Reader, command: string): MigrationSpec {
  const s = serviceSpec(a, ctx);
  return {
    cluster: s.cluster,
    taskDefinitionArn: str(ctx, 'register-task-definition', 'taskDefinitionArn')!,
    container: a.n.container,
    command,
    subnets: s.subnets,
    securityGroups: s.securityGroups,
    logGroup: outputsOf(ctx, 'service').LogGroupName ?? a.n.logGroup,
    timeoutMs: a.envr.target.migrateTimeoutSeconds * 1000,
  };
}

/** wait-stable → verify → record-release (→ scaling), shared by deploy and rollback. */
export function watchSteps(a: AwsCtx, opts: { allowUnverified?: boolean }, source: string): Step[] {
  return [
    { id: 'wait-stable', titleKey: 'aws.step.wait-stable', needs: ['update-service'], run: (ctx) => watchAndDecide(a, ctx, source) },
    { id: 'verify', titleKey: 'aws.step.verify', needs: ['wait-stable'], run: (ctx) => verifyRelease(a, ctx, source, opts) },
  ];
}
