/** `slipway db rotate-password [env]`: a new database password, rolled out without a failed request. */
import { SlipwayError } from '../engine/errors.js';
import '../engine/messages/rotate.js';
import type { GlobalFlags } from './flags.js';
import { mutate, session } from './harness.js';

export async function rotatePassword(g: GlobalFlags, env: string | undefined, o: { forceUnlock: boolean }): Promise<number> {
  const s = await session(g, env, true);
  if (!s.target.rotatePasswordPlan) {
    throw new SlipwayError({ key: 'cli.notForTarget', params: { command: 'db rotate-password', target: s.envr.target.target }, fix: 'cli.notForTarget.fix', exitCode: 2 });
  }
  const refused = s.target.refusal?.(s.ctx, 'rotate-password');
  if (refused) throw refused;
  const plan = s.target.rotatePasswordPlan.bind(s.target);
  return mutate(g, s, 'rotate-password', () => plan(s.ctx), o.forceUnlock, 'rotate.succeeded');
}
