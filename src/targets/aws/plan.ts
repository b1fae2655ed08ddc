/**
 * `slipway plan` for AWS: per stack, per resource, what a deploy would change (change sets
 * against live stacks, all resources for new ones), plus the release side.
 */
import type { Parameter } from '@aws-sdk/client-cloudformation';
import type { TargetContext } from '../types.js';
import { t } from '../../engine/i18n.js';
import { awsCtx } from './context.js';
import { stackSpecs } from './synth.js';
import { describeStack, outputsOf, previewStack, type Outputs, type ResourceChange } from './stacks.js';
import { offeredVersions, resolveEngineVersion } from './database.js';
import type { Layer } from './names.js';
import { sdk } from '../../engine/aws-sdk.js';

export interface PlanReport {
  env: string;
  region: string;
  stacks: { layer: Layer; stack: string; exists: boolean; changes: ResourceChange[] }[];
  release: { active?: { id: string; result: string; revision: string; image: string }; image?: string };
}

export async function planChanges(tc: TargetContext, opts: { image?: string } = {}): Promise<PlanReport> {
  const { DescribeSecretCommand } = sdk.sm();
  const a = awsCtx(tc);
  const outputs = new Map<Layer, Outputs>();
  const params = new Map<Layer, Parameter[]>();
  const report: PlanReport = { env: a.envr.name, region: a.c.region, stacks: [], release: {} };
  let dbSecretArn: string | undefined;
  try {
    dbSecretArn = (await a.c.sm.send(new DescribeSecretCommand({ SecretId: a.n.dbSecret }))).ARN;
  } catch {
    dbSecretArn = undefined;
  }
  for (const spec of stackSpecs(a.envr)) {
    const live = await describeStack(a.c.cfn, spec.stackName);
    outputs.set(spec.layer, outputsOf(live));
    let engine = live?.Parameters?.find((p) => p.ParameterKey === 'EngineVersion')?.ParameterValue;
    if (spec.layer === 'database' && !engine && a.envr.database) engine = resolveEngineVersion(a.envr.database.version, await offeredVersions(a.c.rdsOnce, a.envr.database.version)).version;
    const inputs: Record<string, string | undefined> = { DbSecretArn: dbSecretArn, EngineVersion: engine, ServiceName: a.n.service };
    const ps: Parameter[] = [];
    let complete = true;
    for (const [key, src] of Object.entries(spec.parameters)) {
      const v = 'stack' in src ? outputs.get(src.stack)?.[src.output] : inputs[src.input];
      if (v === undefined) complete = false;
      else ps.push({ ParameterKey: key, ParameterValue: v });
    }
    params.set(spec.layer, ps);
    const p = await previewStack({ cfn: a.c.cfn }, spec, complete ? ps : undefined, a.tags);
    report.stacks.push({ layer: spec.layer, stack: spec.stackName, exists: p.exists, changes: p.changes });
  }
  const active = (await a.ledger.list()).find((r) => r.active);
  if (active) report.release.active = { id: active.id, result: active.result, revision: String(active.details.revision ?? ''), image: String(active.details.image ?? '') };
  if (opts.image) report.release.image = opts.image;
  return report;
}

export function renderPlan(r: PlanReport): string {
  const lines = [t('aws.plan.title', { env: r.env, region: r.region })];
  for (const s of r.stacks) {
    if (!s.changes.length) {
      lines.push(`  = ${s.stack}  ${t('aws.plan.noChange')}`);
      continue;
    }
    lines.push(`  ${s.exists ? '~' : '+'} ${s.stack}  ${t(s.exists ? 'aws.plan.update' : 'aws.plan.create', { count: s.changes.length })}`);
    for (const c of s.changes) {
      const mark = c.action === 'Add' ? '+' : c.action === 'Remove' ? '-' : '~';
      const repl = c.replacement === 'True' ? `  ${t('aws.plan.replacement')}` : c.replacement === 'Conditional' ? `  ${t('aws.plan.maybeReplacement')}` : '';
      lines.push(`      ${mark} ${c.logicalId.padEnd(22)} ${c.type}${repl}`);
    }
  }
  const act = r.release.active;
  lines.push(act ? t('aws.plan.release', { id: act.id, revision: act.revision, result: act.result, image: act.image }) : t('aws.plan.firstRelease'));
  lines.push(t('aws.plan.newRevision', { image: r.release.image ?? t('aws.plan.imageFromBuild') }));
  return lines.join('\n');
}
