/** What every AWS step needs, derived once from the TargetContext. */
import type { TargetContext } from '../types.js';
import type { StepContext } from '../../engine/step.js';
import { clientsFor, type AwsClients } from './clients.js';
import { Ledger } from './ledger.js';
import { asAws, names, type AwsEnv, type Layer, type Names } from './names.js';
import type { Outputs } from './stacks.js';

export interface AwsCtx {
  tc: TargetContext;
  envr: AwsEnv;
  c: AwsClients;
  n: Names;
  ledger: Ledger;
  tags: { Key: string; Value: string }[];
}

export function awsCtx(tc: TargetContext): AwsCtx {
  const envr = asAws(tc.envr);
  const c = clientsFor(envr);
  const n = names(envr);
  return {
    tc,
    envr,
    c,
    n,
    ledger: new Ledger(c.ssm, n.ledgerPath, tc.redactor),
    tags: [
      { Key: 'slipway:app', Value: envr.app.name },
      { Key: 'slipway:env', Value: envr.name },
    ],
  };
}

type DataReader = Pick<StepContext, 'data'>;

/** Outputs a stack step recorded. */
export function outputsOf(ctx: DataReader, layer: Layer): Outputs {
  const own = ctx.data(layer)?.outputs;
  if (own) return own as Outputs;
  // Plans without infra steps (rollback) read every stack's outputs in one `stack-outputs` step.
  return ((ctx.data('stack-outputs')?.[layer] ?? {}) as Outputs);
}

export function str(ctx: DataReader, step: string, key: string): string | undefined {
  const v = ctx.data(step)?.[key];
  return typeof v === 'string' ? v : undefined;
}
