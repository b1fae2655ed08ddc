/**
 * After update-service: watch the rollout (decide.ts), verify over HTTP, record the release.
 * A failed rollout or verification saves its evidence in the ledger and puts the service
 * back on the previous revision with a direct update-service.
 */
import { SlipwayError, errorMessage } from '../../engine/errors.js';
import type { Step, StepContext, StepData } from '../../engine/step.js';
import type { AwsCtx } from './context.js';
import { outputsOf, str } from './context.js';
import { watchRollout } from './rollout.js';
import { taskLogLines } from './migrate.js';
import { findEndpoint } from './endpoint.js';
import { runChecks } from './verify.js';
import { revertService, serviceSpec } from './service-spec.js';
import { stackSpecs } from './synth.js';
import { deployStack } from './stacks.js';
import { logStackEvents, paramsFor } from './steps-infra.js';

type Reader = Pick<StepContext, 'data'>;
const skipped = (ctx: Reader, source: string) => ctx.data(source)?.unchanged === true;
const releaseOf = (ctx: Reader, source: string) => str(ctx, source, 'release');

async function failForward(a: AwsCtx, ctx: StepContext, source: string, key: string, params: Record<string, string | number>, evidence: string[]): Promise<never> {
  await ctx.record({ evidence, failure: key });
  const previous = str(ctx, 'update-service', 'previous');
  await revertService(a, ctx, previous);
  ctx.warn(previous ? 'aws.rollout.rolledBack' : 'aws.rollout.scaledDown', { revision: previous?.split('/').pop() ?? '' });
  const id = releaseOf(ctx, source);
  if (id && source === 'register-task-definition') {
    await a.ledger.update(id, { result: previous ? 'rolled-back' : 'failed', finishedAt: new Date().toISOString(), evidence }).catch(() => undefined);
  }
  throw new SlipwayError({ key, params, fix: `${key}.fix`, fixParams: { group: a.n.logGroup }, evidence });
}

export async function watchAndDecide(a: AwsCtx, ctx: StepContext, source: string): Promise<StepData> {
  if (skipped(ctx, source)) return { skipped: true };
  const target = str(ctx, source, 'taskDefinitionArn')!;
  const spec = serviceSpec(a, ctx);
  const startedAt = new Date(str(ctx, 'update-service', 'startedAt') ?? Date.now());
  const d = await watchRollout(a.c, spec, target, {
    startedAt,
    timeoutMs: a.envr.target.rolloutTimeoutSeconds * 1000,
    signal: ctx.signal,
    onProgress: (note) => ctx.log('aws.rollout.progress', { note }),
  });
  if (d.kind === 'success') {
    for (const e of d.evidence) ctx.log('aws.rollout.evidence', { line: e });
    return { evidence: d.evidence };
  }
  const logs: string[] = [];
  for (const line of d.evidence.filter((l) => l.startsWith('task ')).slice(0, 2)) {
    const id = /^task (\S+)/.exec(line)?.[1];
    if (id) logs.push(...(await taskLogLines(a.c, outputsOf(ctx, 'service').LogGroupName ?? a.n.logGroup, a.n.container, `x/${id}`, 10)).map((l) => `log ${id.slice(0, 8)}: ${l}`));
  }
  return failForward(a, ctx, source, 'aws.rollout.failed', { reason: d.reason, message: d.message }, [`${d.reason}: ${d.message}`, ...d.evidence, ...logs]);
}

export async function verifyRelease(a: AwsCtx, ctx: StepContext, source: string, opts: { allowUnverified?: boolean }): Promise<StepData> {
  if (skipped(ctx, source)) return { skipped: true };
  const alb = outputsOf(ctx, 'alb');
  const ep = await findEndpoint(a.c, { cluster: serviceSpec(a, ctx).cluster, service: a.n.service, port: a.envr.app.port, ...(alb.AlbDnsName ? { albDns: alb.AlbDnsName } : {}), https: Boolean(a.envr.target.alb?.certificateArn) });
  if ('reasonKey' in ep) {
    const allow = opts.allowUnverified ?? a.envr.target.allowUnverified;
    ctx.warn(ep.reasonKey, ep.params);
    if (allow) {
      ctx.warn('aws.verify.unverified');
      return { verified: false, reason: ep.reasonKey };
    }
    return failForward(a, ctx, source, 'aws.verify.notAllowed', {}, [`unverified: ${ep.reasonKey} ${JSON.stringify(ep.params)}`]);
  }
  const checks = [{ method: 'GET' as const, path: a.envr.app.healthPath, status: 200, timeoutMs: 5000 }, ...a.envr.verify];
  const results = await runChecks(ep.url, checks, { secrets: a.tc.secrets.values, register: (v) => a.tc.redactor.add(v) });
  for (const r of results) (r.ok ? ctx.log : ctx.warn)('aws.verify.check', { name: r.name, ok: r.ok ? 'ok' : 'FAIL', detail: r.detail });
  const bad = results.filter((r) => !r.ok);
  if (bad.length) return failForward(a, ctx, source, 'aws.verify.failed', { url: ep.url, count: bad.length }, bad.map((r) => `${r.name}: ${r.detail}`));
  return { verified: true, url: ep.url };
}

export function recordStep(a: AwsCtx, source: string, kind: 'deploy' | 'rollback'): Step {
  return {
    id: 'record-release',
    titleKey: 'aws.step.record-release',
    needs: ['verify'],
    async run(ctx): Promise<StepData> {
      if (skipped(ctx, source)) return { skipped: true };
      const id = releaseOf(ctx, source)!;
      const verified = ctx.data('verify')?.verified === true;
      const evidence = [...((ctx.data('wait-stable')?.evidence as string[] | undefined) ?? []), verified ? `verified at ${str(ctx, 'verify', 'url')}` : `unverified: ${str(ctx, 'verify', 'reason') ?? ''}`];
      if (kind === 'rollback') {
        const from = str(ctx, source, 'from');
        if (from && from !== id) await a.ledger.update(from, { result: 'rolled-back', finishedAt: new Date().toISOString() });
        const rec = await a.ledger.get(id);
        if (rec) await a.ledger.put({ ...rec, result: verified ? 'succeeded' : 'unverified', details: { ...rec.details, reactivatedAt: new Date().toISOString() } });
      } else {
        await a.ledger.update(id, { result: verified ? 'succeeded' : 'unverified', finishedAt: new Date().toISOString(), evidence });
      }
      await a.ledger.setActive(id);
      ctx.log(verified ? 'aws.release.recorded' : 'aws.release.recordedUnverified', { release: id });
      return { release: id, result: verified ? 'succeeded' : 'unverified' };
    },
  };
}

export function scalingStep(a: AwsCtx): Step[] {
  const spec = stackSpecs(a.envr, { scaling: true }).find((s) => s.layer === 'scaling');
  if (!spec) return [];
  return [
    {
      id: 'scaling',
      titleKey: 'aws.step.scaling',
      titleParams: { stack: spec.stackName },
      needs: ['wait-stable'],
      async run(ctx) {
        const r = await deployStack({ cfn: a.c.cfn, onEvent: logStackEvents(a, ctx, spec.stackName), signal: ctx.signal }, spec, paramsFor(spec, ctx, { ServiceName: a.n.service }), a.tags);
        return { outputs: r.outputs, changed: r.changed };
      },
    },
  ];
}

/** Plan-level failure hook: make sure the release record says how it ended. */
export async function recordFailure(a: AwsCtx, ctx: Reader, error: unknown): Promise<void> {
  const id = str(ctx, 'register-task-definition', 'release');
  if (!id || ctx.data('register-task-definition')?.unchanged === true) return;
  const rec = await a.ledger.get(id);
  if (!rec || rec.result !== 'pending') return;
  const evidence = [...((ctx.data('wait-stable')?.evidence as string[] | undefined) ?? []), errorMessage(error)];
  await a.ledger.put({ ...rec, result: ctx.data('update-service') ? 'rolled-back' : 'failed', finishedAt: new Date().toISOString(), evidence });
}
