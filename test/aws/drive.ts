/**
 * Drives the AWS target the way the CLI does (runPlan / recoverRun with a journal), in its
 * own process so tests can SIGKILL it at a failpoint. Usage:
 *   tsx test/aws/drive.ts <config> <stateDir> <deploy|rollback|destroy|recover> [json options]
 * Prints events as NDJSON on stderr and `RESULT <json>` as the last stdout line.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config/load.js';
import { readSecrets, resolveEnvironment } from '../../src/config/resolve.js';
import { EventBus } from '../../src/engine/events.js';
import { Journal } from '../../src/engine/journal.js';
import { Redactor } from '../../src/engine/redact.js';
import { recoverRun, runPlan } from '../../src/engine/runner.js';
import { errorMessage } from '../../src/engine/errors.js';
import { LocalHost } from '../../src/host/local.js';
import { createTarget } from '../../src/targets/aws/index.js';
import type { TargetContext } from '../../src/targets/types.js';

const [config, stateDir, action, optsJson] = process.argv.slice(2);
const opts = JSON.parse(optsJson ?? '{}') as { image?: string; to?: string; force?: boolean; allowUnverified?: boolean };
const envr = resolveEnvironment(await loadConfig({ file: config! }), 'production');
const secrets = await readSecrets(envr);
const redactor = new Redactor(secrets.values.values());
const events = new EventBus(redactor);
events.on((e) => process.stderr.write(JSON.stringify(e) + '\n'));
const tc: TargetContext = { envr, secrets, events, redactor, stateDir: stateDir!, localHost: new LocalHost(), signal: new AbortController().signal };
const target = createTarget();
const journal = new Journal(new LocalHost(), stateDir!, redactor);

let out: { ok: boolean; error?: string; mode?: string; data?: Record<string, unknown> };
if (action === 'recover') {
  const state = await journal.current();
  if (!state || state.outcome) {
    out = { ok: true, mode: 'nothing' };
  } else {
    const plan = await target.planFor(tc, state.kind, state.meta);
    const r = await recoverRun({ plan, journal, events }, state);
    out = { ok: r.result.ok, mode: r.mode, ...(r.result.ok ? {} : { error: errorMessage(r.result.error) }) };
  }
} else {
  const plan =
    action === 'deploy'
      ? await target.deployPlan(tc, { ...(opts.image ? { image: opts.image } : {}), acceptRisks: [], ...(opts.allowUnverified !== undefined ? { allowUnverified: opts.allowUnverified } : {}) })
      : action === 'rollback'
        ? await target.rollbackPlan(tc, opts.to ? { to: opts.to } : {})
        : await target.destroyPlan(tc, { force: opts.force === true });
  const meta = { ...(opts.image ? { image: opts.image } : {}), ...(opts.to ? { to: opts.to } : {}), ...(opts.force ? { force: true } : {}) };
  const r = await runPlan({ plan, journal, events, runId: randomUUID().slice(0, 8), meta });
  out = { ok: r.ok, ...(r.ok ? {} : { error: errorMessage(r.error) }), data: Object.fromEntries(r.data) };
}
await journal.close();
process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
