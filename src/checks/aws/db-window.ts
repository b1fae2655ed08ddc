/**
 * `aws.db-window`: a deploy does not start while a `slipway db open` window is open (its
 * lease in SSM says until when, and who opened it). An expired window is closed by the
 * command's own start (cli/db-window-sweep.ts) before the preflight runs.
 */
import '../../engine/messages/db-window.js';
import { areaFinder } from '../finding.js';
import type { CheckDef } from '../types.js';
import { awsCheck } from './checks.js';
import { sdk } from '../../engine/aws-sdk.js';

const f = areaFinder('aws');

interface Lease {
  until?: string;
  user?: string;
  machine?: string;
  state?: string;
  window?: { cidr?: string };
}

export const dbWindowCheck: CheckDef = awsCheck('aws.db-window', async (ctx, cfg) => {
  const { SSMClient, GetParameterCommand } = sdk.ssm();
  const name = `/slipway/${ctx.envr.app.name}-${ctx.envr.name}/db-window`;
  let lease: Lease | undefined;
  try {
    const r = await new SSMClient(cfg).send(new GetParameterCommand({ Name: name }));
    lease = r.Parameter?.Value ? (JSON.parse(r.Parameter.Value) as Lease) : undefined;
  } catch (e) {
    if ((e as { name?: string }).name !== 'ParameterNotFound') throw e;
  }
  if (!lease) return [f('aws.db-window', 'passed', 'checks.aws.dbWindowNone')];
  const params = { env: ctx.envr.name, until: lease.until ?? '?', user: lease.user ?? '?', machine: lease.machine ?? '?', cidr: lease.window?.cidr ?? '?', lease: name };
  return [f('aws.db-window', 'blocker', 'checks.aws.dbWindowOpen', params, { subject: name })];
}, { guard: true });
