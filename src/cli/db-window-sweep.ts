/**
 * Run on every command against an environment (cli/harness.ts): close a `db open` window
 * whose TTL passed, or that a killed `db open` left half-open. One read of the lease (aws:
 * one SSM GetParameter); a failure to read it never stops the command itself.
 */
import '../engine/messages/db-window.js';
import { t } from '../engine/i18n.js';
import { colors as pc } from '../report/colors.js';
import type { Session } from '../session/session.js';

export async function sweepDbWindow(s: Session): Promise<void> {
  const sweep = s.target.dbWindow?.sweep;
  if (!sweep) return;
  try {
    const closed = await sweep(s.ctx);
    if (closed) process.stderr.write(pc.yellow(`! ${t('dbwindow.swept', { env: s.envr.name, until: closed.until, user: closed.user, machine: closed.machine })}`) + '\n');
  } catch (e) {
    process.stderr.write(pc.yellow(`! ${t('dbwindow.sweepFailed', { env: s.envr.name, reason: s.ctx.redactor.redact(e instanceof Error ? e.message : String(e)) })}`) + '\n');
  }
}
