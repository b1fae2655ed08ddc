/**
 * What a release runs with, as its ledger entry keeps it (`releases/<id>/env.json`): the
 * config's plain env with the overrides in force (`slipway env set`) on top, the secrets'
 * names, and a keyed digest of each secret's value, so `releases` can say that a secret
 * changed without ever storing or showing it. The digest key is random per machine and
 * lives in the environment's secrets directory (0600), not beside the digests.
 */
import { createHmac, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { EnvOverrides, EnvSnapshot } from '../../engine/env-diff.js';
import type { MachineRuntime } from './runtime.js';
import type { ReleaseEnv } from './releases.js';

async function digestKey(rt: MachineRuntime): Promise<string> {
  const file = path.posix.join(rt.layout.secrets, 'env-digest.key');
  const have = (await rt.host.readFile(file).catch(() => undefined))?.trim();
  if (have) return have;
  const key = randomBytes(32).toString('hex');
  await rt.host.mkdir(rt.layout.secrets, { mode: 0o700 });
  await rt.host.writeFile(file, key + '\n', 0o600);
  return key;
}

/** The secrets' digests under this machine's key. */
export async function secretDigests(rt: MachineRuntime, names: readonly string[]): Promise<Record<string, string>> {
  const key = await digestKey(rt);
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = rt.ctx.secrets.values.get(n);
    out[n] = v === undefined ? '' : createHmac('sha256', key).update(v).digest('hex').slice(0, 16);
  }
  return out;
}

/** Overrides that still apply: a name the config now declares a secret is no longer overridden. */
export function applicableOverrides(rt: MachineRuntime, o: EnvOverrides | undefined): { kept: EnvOverrides | undefined; dropped: string[] } {
  if (!o || !Object.keys(o.set).length) return { kept: undefined, dropped: [] };
  const secret = new Set(rt.ctx.envr.secretNames);
  const set = Object.fromEntries(Object.entries(o.set).filter(([k]) => !secret.has(k)));
  const dropped = Object.keys(o.set).filter((k) => secret.has(k));
  return { kept: Object.keys(set).length ? { set } : undefined, dropped };
}

/** A release's env: `base` plain values (the config's, or an older release's before its overrides) with `overrides` on top. */
export async function composeEnv(rt: MachineRuntime, base: Readonly<Record<string, string>>, overrides: EnvOverrides | undefined): Promise<ReleaseEnv> {
  const secretNames = [...rt.ctx.envr.secretNames];
  const set = overrides && Object.keys(overrides.set).length ? overrides : undefined;
  return {
    plain: { ...base, ...(set?.set ?? {}) },
    secretNames,
    secretDigests: await secretDigests(rt, secretNames),
    ...(set ? { overrides: set, base: { ...base } } : {}),
  };
}

/** The plain values of a release before its overrides were applied. */
export function baseOf(env: ReleaseEnv): Record<string, string> {
  return { ...(env.base ?? env.plain) };
}

/**
 * The env of a new deploy: the config's env with the overrides of the serving release
 * carried over (until `slipway env set <env> --unset KEY`).
 */
export async function deployEnv(rt: MachineRuntime): Promise<{ env: ReleaseEnv; carried: EnvOverrides | undefined; dropped: string[] }> {
  const current = await rt.store.current();
  const prev = current ? await rt.store.readEnv(current) : undefined;
  const { kept, dropped } = applicableOverrides(rt, prev?.overrides);
  return { env: await composeEnv(rt, rt.ctx.envr.env, kept), carried: kept, dropped };
}

/** A release's env as the diff sees it. */
export function snapshotOf(env: ReleaseEnv | undefined): EnvSnapshot {
  if (!env) return { plain: {}, secrets: {} };
  const secrets = Object.fromEntries(env.secretNames.map((n) => [n, env.secretDigests?.[n] ?? '']));
  return { plain: env.plain, secrets };
}
