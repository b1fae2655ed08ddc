/** `slipway db rehearse [env]`: try the pending migrations on a throwaway copy of the latest backup. */
import { SlipwayError } from '../engine/errors.js';
import { t } from '../engine/i18n.js';
import '../engine/messages/rehearse.js';
import { colors as pc } from '../report/colors.js';
import type { GlobalFlags } from './flags.js';
import { attach, printDiagnosis, session, trapSignals } from './harness.js';
import { handleError, print, printJson } from './output.js';

export interface RehearseFlags {
  fresh: boolean;
  lockThreshold?: string;
}

export async function dbRehearse(g: GlobalFlags, env: string | undefined, o: RehearseFlags): Promise<number> {
  const lockSeconds = o.lockThreshold === undefined ? undefined : Number(o.lockThreshold);
  if (lockSeconds !== undefined && !(lockSeconds > 0)) {
    throw new SlipwayError({ key: 'cli.err.invalidArgument', params: { name: '--lock-threshold', value: o.lockThreshold ?? '' }, fix: 'cli.err.fix', exitCode: 2 });
  }
  const s = await session(g, env);
  const { rehearse } = await import('../session/rehearse.js');
  const renderer = await attach(s, g);
  const untrap = trapSignals(s);
  let result;
  try {
    result = await rehearse(s, { fresh: o.fresh, ...(lockSeconds !== undefined ? { lockSeconds } : {}) });
  } finally {
    renderer.close();
    untrap();
  }
  const { outcome, record, file } = result;
  const seconds = (outcome.durationMs / 1000).toFixed(1);
  if (g.json) printJson({ type: 'rehearsal', ...record, restoreMs: outcome.restoreMs, file });
  else {
    const threshold = record.lockThresholdSeconds;
    const lines = [
      outcome.ok
        ? pc.green(`✓ ${t('rehearse.passed', { seconds, backup: record.backup, set: record.set })}`)
        : pc.red(`✗ ${t('rehearse.failedTitle', { seconds, backup: record.backup })}`),
      ...(outcome.statement ? [`  ${t('rehearse.statement', { statement: outcome.statement })}`] : []),
      ...(outcome.dbError ? [`  ${t('rehearse.dbError', { error: outcome.dbError })}`] : []),
      record.locks.length ? pc.yellow(t('rehearse.locksHeader', { threshold })) : t('rehearse.locksNone', { threshold }),
      ...record.locks.map((l) => pc.yellow(t('rehearse.lock', { mode: l.mode, relation: l.relation, seconds: l.seconds, query: l.query }))),
      t(outcome.ok ? 'rehearse.recorded' : 'rehearse.recordedFailed', { file }),
    ];
    print(lines.join('\n'));
  }
  if (outcome.ok) return 0;
  await printDiagnosis(g, outcome.evidence);
  handleError(
    new SlipwayError({
      key: 'rehearse.failed',
      params: { backup: record.backup, reason: outcome.statement ? `${outcome.dbError ?? ''} (${outcome.statement})` : outcome.error ?? '' },
      place: outcome.statement ?? s.envr.database?.migrate ?? '',
      fix: 'rehearse.failed.fix',
      fixParams: { env: s.envr.name },
    }),
    g.json,
    1,
  );
  return 1;
}
