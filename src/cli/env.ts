/**
 * `slipway env set <env> KEY=value … [--unset KEY]` and `slipway rollback <env> --set KEY=value`:
 * releases with the same code and changed env, through the target's plan and the normal
 * mutation path (lock, journal, health-gated cutover, automatic undo).
 */
import path from 'node:path';
import { SlipwayError } from '../engine/errors.js';
import { parseAssignments } from '../engine/env-diff.js';
import '../engine/messages/env-releases.js';
import { TARGET_BASE_ENV, TARGET_DATABASE_ENV } from '../config/provided.js';
import type { Session } from '../session/session.js';
import type { EnvReleaseOptions } from '../targets/types.js';
import type { GlobalFlags } from './flags.js';
import { mutate, session } from './harness.js';

/** Names slipway sets for every release itself. */
function reserved(s: Session): Set<string> {
  const own = TARGET_BASE_ENV.filter((n) => n !== 'NODE_ENV');
  return new Set([...own, ...(s.envr.database ? TARGET_DATABASE_ENV : [])]);
}

/** Parse and check the changes: no secrets (by name or by value), no names slipway owns, nothing both set and unset. */
export function envChanges(s: Session, assignments: readonly string[], unset: readonly string[], command: string): { set: Record<string, string>; unset: string[] } {
  const env = s.envr.name;
  const { set, bad } = parseAssignments(assignments);
  if (bad.length) throw new SlipwayError({ key: 'envRelease.badAssignment', params: { name: bad[0]! }, place: command, fix: 'envRelease.badAssignment.fix', fixParams: { env }, exitCode: 2 });
  const secretFix = (name: string) =>
    new SlipwayError({ key: 'envRelease.secretInArgv', params: { name, env }, place: command, fix: 'envRelease.secretInArgv.fix', fixParams: { name, env, file: path.join(s.envr.configDir, `.env.${env}`) }, exitCode: 2 });
  const secretValues = new Set([...s.ctx.secrets.values.values()].filter((v) => v.length >= 4));
  const own = reserved(s);
  for (const [name, value] of Object.entries(set)) {
    if (s.envr.secretNames.includes(name) || secretValues.has(value)) throw secretFix(name);
    if (own.has(name)) throw new SlipwayError({ key: 'envRelease.reserved', params: { name }, place: command, fix: 'envRelease.reserved.fix', exitCode: 2 });
    if (value.includes('${secret:')) throw new SlipwayError({ key: 'envRelease.secretRef', params: { name }, place: command, fix: 'envRelease.secretRef.fix', fixParams: { env }, exitCode: 2 });
  }
  for (const name of unset) {
    if (name in set) throw new SlipwayError({ key: 'envRelease.bothSetUnset', params: { name }, place: command, fix: 'envRelease.bothSetUnset.fix', fixParams: { name }, exitCode: 2 });
    if (s.envr.secretNames.includes(name)) throw secretFix(name);
  }
  return { set, unset: [...new Set(unset)] };
}

function envPlanOf(s: Session, command: string): NonNullable<Session['target']['envPlan']> {
  if (!s.target.envPlan) {
    throw new SlipwayError({ key: 'envRelease.notForTarget', params: { command, target: s.envr.target.target }, place: `environments.${s.envr.name}.target`, fix: 'envRelease.notForTarget.fix', fixParams: { env: s.envr.name }, exitCode: 2 });
  }
  return s.target.envPlan.bind(s.target);
}

export interface EnvSetFlags {
  unset: string[];
  forceUnlock: boolean;
}

/** `slipway env set [env] KEY=value … [--unset KEY]`: the env name may be left out (then the first word has an `=`). */
export async function envSet(g: GlobalFlags, env: string | undefined, assignments: string[], o: EnvSetFlags): Promise<number> {
  const args = env?.includes('=') ? [env, ...assignments] : assignments;
  const s = await session(g, env?.includes('=') ? undefined : env, true);
  const plan = envPlanOf(s, 'slipway env set');
  const changes = envChanges(s, args, o.unset, `slipway env set ${s.envr.name}`);
  return mutate(g, s, 'env', () => plan(s.ctx, changes), o.forceUnlock, 'envRelease.succeeded');
}

export interface RollbackSetFlags {
  to?: string;
  set: string[];
  unset: string[];
  forceUnlock: boolean;
}

/** `slipway rollback [env] --set KEY=value [--to id]`: the older release's code and env, with the changes, in one cutover. */
export async function rollbackSet(g: GlobalFlags, env: string | undefined, o: RollbackSetFlags): Promise<number> {
  const s = await session(g, env, true);
  const plan = envPlanOf(s, 'slipway rollback --set');
  const changes = envChanges(s, o.set, o.unset, `slipway rollback ${s.envr.name} --set`);
  const opts: EnvReleaseOptions = { ...changes, rollback: o.to ? { to: o.to } : {} };
  return mutate(g, s, 'rollback', () => plan(s.ctx, opts), o.forceUnlock, 'rollback.succeeded');
}
