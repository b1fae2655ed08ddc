/** Shared by the targets' `evidence()` (slipway diagnose): which release to look at. */
import { SlipwayError } from '../engine/errors.js';
import { registerCatalog } from '../engine/i18n.js';
import { knowledge } from '../engine/messages/knowledge.js';
import type { ReleaseRecord, TargetContext } from './types.js';

registerCatalog(knowledge);

/** The release named, or the newest; a usage error naming the fix otherwise. */
export function pickRelease(ctx: TargetContext, all: readonly ReleaseRecord[], id: string | undefined): ReleaseRecord {
  const rec = id ? all.find((r) => r.id === id) : all[0];
  if (rec) return rec;
  const env = ctx.envr.name;
  throw new SlipwayError({
    key: id ? 'knowledge.unknownRelease' : 'knowledge.noRelease',
    params: { env, release: id ?? '' },
    fix: 'knowledge.noRelease.fix',
    fixParams: { env },
    exitCode: 2,
  });
}
