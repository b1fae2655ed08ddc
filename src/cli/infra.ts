/** plan / synth / cost, for targets that provision infrastructure (aws); `ci github` and `iam policy`, the CI role that deploys to it. */
import { colors as pc } from '../report/colors.js';
import type { Session } from '../session/session.js';
import { attach, session } from './harness.js';
import { SlipwayError } from '../engine/errors.js';
import { t } from '../engine/i18n.js';
import type { InfraCapability } from '../targets/types.js';
import type { GlobalFlags } from './flags.js';
import { print, printJson } from './output.js';

/** plan / synth / cost: targets that provision infrastructure; others say it does not apply. */
function infraOf(s: Session, command: string): InfraCapability {
  if (!s.target.infra) {
    throw new SlipwayError({ key: 'cli.awsOnly', params: { command, env: s.envr.name, target: s.envr.target.target }, place: `environments.${s.envr.name}.target`, fix: 'cli.awsOnly.fix', fixParams: { command }, exitCode: 2 });
  }
  return s.target.infra;
}

export async function plan(g: GlobalFlags, env: string | undefined, o: { image?: string }): Promise<number> {
  const s = await session(g, env);
  const infra = infraOf(s, 'plan');
  const renderer = await attach(s, g);
  try {
    const report = await infra.plan(s.ctx, o.image ? { image: o.image } : {});
    renderer.close();
    if (g.json) printJson({ type: 'plan', ...report.data });
    else print(report.text);
    return 0;
  } finally {
    renderer.close();
  }
}

export async function synth(g: GlobalFlags, env: string | undefined, o: { out: string }): Promise<number> {
  const s = await session(g, env, false, { sweep: false });
  const files = await infraOf(s, 'synth').synth(s.ctx, o.out);
  if (g.json) printJson({ type: 'synth', files });
  else for (const f of files) print(f);
  return 0;
}

export async function cost(g: GlobalFlags, env: string | undefined): Promise<number> {
  const s = await session(g, env, false, { sweep: false });
  const report = infraOf(s, 'cost').cost(s.ctx);
  if (g.json) printJson(report.data);
  else print(report.text);
  return 0;
}

/** `slipway ci github [env]`: the deploy workflow (and with --setup-aws the OIDC role it assumes). */
export async function ciGithub(g: GlobalFlags, env: string | undefined, o: import('../ci/github.js').CiGithubOptions): Promise<number> {
  const s = await session(g, env, false, { sweep: false });
  const { ciGithub: write, ROLE_VARIABLE } = await import('../ci/github.js');
  const r = await write(s.envr, s.ctx.localHost, o, (e) => s.bus.log('info', 'aws.stack.event', { stack: 'ci', resource: e.LogicalResourceId ?? '', type: '', status: e.ResourceStatus ?? '', reason: e.ResourceStatusReason ?? '' }));
  if (g.json) printJson({ type: 'ci', ...r });
  else {
    if (r.stack) print(t('ci.setupDone', { stack: r.stack, role: r.roleArn ?? '-', repo: r.repo ?? '-', branch: r.branch, provider: r.oidcProviderArn ?? '-' }));
    print(pc.green(`✓ ${t('ci.wrote', { file: r.file, env: s.envr.name, branch: r.branch, node: r.nodeVersion })}`));
    if (r.roleArn?.startsWith('arn:')) print(`  ${t('ci.role', { role: r.roleArn })}`);
    else if (r.roleArn) print(`  ${t('ci.roleVariable', { name: ROLE_VARIABLE, env: s.envr.name })}`);
    if (r.secrets.length) print(`  ${t('ci.secrets', { names: r.secrets.join(', ') })}`);
    if (!r.slipwayDependency) print(`  ${t('ci.devDependency')}`);
  }
  return 0;
}

/** `slipway iam policy [env]`: the CI deploy role's policy, as JSON. */
export async function iamPolicy(g: GlobalFlags, env: string | undefined): Promise<number> {
  const s = await session(g, env, false, { sweep: false });
  const { iamPolicy: policyOf } = await import('../ci/github.js');
  print(JSON.stringify(await policyOf(s.envr), null, 2));
  return 0;
}
