/** Running one of the app's commands on the machine: as the service user, journaled, explained when it fails. */
import path from 'node:path';
import { SlipwayError } from '../../engine/errors.js';
import type { StepContext } from '../../engine/step.js';
import { explain, type FailureKind } from '../../knowledge/explain.js';
import { asService, type MachineRuntime } from './runtime.js';

const j = path.posix.join;

/** The fix follows the cause: a migration that cannot log in is not a bad migration. */
function fixFor(what: string, kind: FailureKind): string {
  if ((kind === 'connection' || kind === 'auth') && what === 'migrate') return 'local.migrateConnection.fix';
  if (kind === 'config') return 'local.commandConfig.fix';
  return `local.${what}Failed.fix`;
}

/** Run one of the app's commands (install, build, migrate) on the machine, as the service user. */
export async function shell(rt: MachineRuntime, ctx: StepContext, command: string, cwd: string, env: Record<string, string>, what: string, release: string): Promise<void> {
  const r = await rt.host.exec(['/bin/sh', '-c', command], {
    cwd,
    env,
    signal: ctx.signal,
    ...asService(rt),
    onLine: (line) => ctx.events.text('debug', line, ctx.step),
    // Journaled, so an undo after kill -9 can stop a command still running (e.g. a migration).
    onGroup: (pgid) => void ctx.record({ childGroup: pgid }).catch(() => undefined),
  });
  if (r.code === 0) return;
  // The whole output goes to the release's logs; the message quotes the line that explains.
  const full = rt.ctx.redactor.redact(`$ ${command}\n${r.stdout}\n${r.stderr}`);
  const logFile = j(rt.store.releaseDir(release), `${what}.log`);
  await rt.host.writeFile(logFile, full, 0o600).catch(() => undefined);
  const why = explain(r.stderr + '\n' + r.stdout);
  throw new SlipwayError({
    key: 'local.commandFailed',
    params: { what, command, code: r.code, output: rt.ctx.redactor.redact(why.text), log: `${rt.setup.where}:${logFile}` },
    place: `${rt.setup.where}:${cwd}`,
    fix: fixFor(what, why.kind),
    fixParams: { command, dir: cwd, log: logFile },
  });
}

