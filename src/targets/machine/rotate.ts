/**
 * `slipway db rotate-password` on a machine (local, ssh) with the PostgreSQL slipway owns.
 *
 * Two logins share the owner's rights: `database.user` and `<user>_alt` (a member of the
 * owner that starts each session as the owner). A rotation gives the login *not* in use a
 * new password, makes it the live one, starts a copy of the serving release with it,
 * health-gates and switches traffic the way a deploy does, drains the old release, and only
 * then takes the old login's password away. The old release's new connections keep working
 * until it has stopped, so no request fails; afterwards the old password is rejected.
 *
 * Crash-safety: the new password is written (0600, the environment's secrets dir, where the
 * live password already lives) before the database changes, never to the journal or a log.
 * Before the switch an interrupted rotation is undone (old login live again, new one
 * disabled); after it, finished forward (old login disabled) by the next mutating command.
 */
import { generatePassword } from '../../db/password.js';
import type { PendingRotation } from '../../db/managed-server.js';
import { SlipwayError } from '../../engine/errors.js';
import '../../engine/messages/rotate.js';
import type { Step, StepData } from '../../engine/step.js';
import { asService, type MachineRuntime } from './runtime.js';
import { databaseStep, drainStep, finalizeStep, healthStep, startStep, supervisorStep, switchStep, verifyStep } from './steps.js';

/** The alternate login of an owner role. */
export function altLogin(owner: string): string {
  return `${owner}_alt`;
}

/** The environment has no database slipway runs (none, or an external URL): nothing here to rotate (exit 2). */
export function notManaged(env: string): SlipwayError {
  return new SlipwayError({ key: 'rotate.notManaged', params: { env }, place: 'database', fix: 'rotate.notManaged.fix', exitCode: 2 });
}

function managed(rt: MachineRuntime) {
  const db = rt.ctx.envr.database;
  if (!rt.pg || !db) throw notManaged(rt.ctx.envr.name);
  return { pg: rt.pg, owner: db.user };
}

async function superConn(rt: MachineRuntime) {
  const c = await managed(rt).pg.ensureRunning();
  rt.ctx.redactor.add(c.password);
  return c;
}

/**
 * The pending rotation: a new one from the live login, or (`resume`, a step rerun after a
 * crash) the one already recorded, whichever login is live by now.
 */
async function pending(rt: MachineRuntime, resume: boolean): Promise<PendingRotation> {
  const { pg, owner } = managed(rt);
  const live = await pg.login(owner);
  const existing = await pg.rotation();
  if (existing && (existing.from.login === live || (resume && existing.to.login === live))) return existing;
  const from = { login: live, password: await pg.secret('db-password') };
  const to = { login: live === owner ? altLogin(owner) : owner, password: generatePassword() };
  const r = { from, to };
  await pg.saveRotation(r);
  return r;
}

function forget(rt: MachineRuntime): void {
  rt.db = undefined; // the next step resolves the connection (and its login) again
}

export function rotateSteps(rt: MachineRuntime, release: string): Step[] {
  const secret: Step = {
    id: 'rotate-secret',
    titleKey: 'rotate.step.secret',
    needs: ['database'],
    async run(): Promise<StepData> {
      const r = await pending(rt, false);
      rt.ctx.redactor.add(r.to.password);
      rt.ctx.redactor.add(r.from.password);
      return { from: r.from.login, to: r.to.login };
    },
    async undo() {
      const { pg, owner } = managed(rt);
      const r = await pg.rotation();
      if (r && (await pg.login(owner)) !== r.to.login) await pg.clearRotation();
    },
  };
  const grant: Step = {
    id: 'rotate-grant',
    titleKey: 'rotate.step.grant',
    needs: ['rotate-secret'],
    async run(ctx): Promise<StepData> {
      const { pg, owner } = managed(rt);
      const r = await pending(rt, true);
      await ctx.record({ granting: r.to.login });
      await pg.setLogin(await superConn(rt), r.to.login, owner, r.to.password);
      // Both logins work now; new processes use the new one.
      await pg.setLive(r.to.login, r.to.password);
      forget(rt);
      return { live: r.to.login };
    },
    async undo(ctx) {
      if (!ctx.data('rotate-grant')?.granting) return;
      const { pg } = managed(rt);
      const r = await pg.rotation();
      if (!r) return;
      await pg.setLive(r.from.login, r.from.password);
      forget(rt);
      if (r.to.login !== r.from.login) await pg.disableLogin(await superConn(rt), r.to.login);
    },
  };
  const revoke: Step = {
    id: 'rotate-revoke',
    titleKey: 'rotate.step.revoke',
    needs: release ? ['finalize'] : ['rotate-grant'],
    async run(ctx): Promise<StepData> {
      const { pg, owner } = managed(rt);
      const r = await pg.rotation();
      if (!r) return { revoked: ctx.data('rotate-secret')?.from ?? null };
      if ((await pg.login(owner)) === r.to.login && r.from.login !== r.to.login) await pg.disableLogin(await superConn(rt), r.from.login);
      await pg.clearRotation();
      ctx.log('rotate.revoked', { login: r.from.login });
      return { revoked: r.from.login, live: r.to.login };
    },
  };
  if (!release) return [databaseStep(rt), secret, grant, { ...revoke, commit: true }];
  return [
    databaseStep(rt),
    supervisorStep(rt),
    secret,
    grant,
    cloneStep(rt, release),
    startStep(rt, release, ['clone', 'supervisor']),
    healthStep(rt, release),
    switchStep(rt, release),
    verifyStep(rt, release),
    drainStep(rt, release),
    finalizeStep(rt, release, 'deploy'),
    revoke,
  ];
}

/** A new release: the serving one's files and settings, started with the new password. */
function cloneStep(rt: MachineRuntime, release: string): Step {
  return {
    id: 'clone',
    titleKey: 'rotate.step.clone',
    titleParams: { release },
    needs: ['rotate-grant'],
    async run(ctx): Promise<StepData> {
      const from = await rt.store.current();
      const rec = from ? await rt.store.get(from) : undefined;
      const env = from ? await rt.store.readEnv(from) : undefined;
      if (!from || !rec || !env) throw new SlipwayError({ key: 'rotate.noRelease', params: { env: rt.ctx.envr.name }, fix: 'rotate.noRelease.fix', fixParams: { env: rt.ctx.envr.name } });
      await ctx.record({ release, from });
      const { finishedAt: _f, evidence: _e, ...base } = rec;
      await rt.store.write({ ...base, id: release, createdAt: new Date().toISOString(), result: 'pending', details: { ...rec.details, rotatedFrom: from } });
      await rt.store.writeEnv(release, env);
      await rt.host.rm(rt.store.appDir(release));
      // The record was written as the connecting user (root on a VM); the copy runs as the service user.
      if (rt.setup.serviceUser) await rt.host.exec(['chown', '-R', rt.setup.serviceUser, rt.store.releaseDir(release)]);
      const r = await rt.host.exec(['cp', '-a', rt.store.appDir(from), rt.store.appDir(release)], asService(rt));
      if (r.code !== 0) throw new SlipwayError({ key: 'rotate.copyFailed', params: { release: from, reason: r.stderr.trim() }, place: `${rt.setup.where}:${rt.store.appDir(from)}`, fix: 'rotate.copyFailed.fix' });
      return { release, from };
    },
    async undo() {
      if ((await rt.store.current()) === release) return;
      await rt.host.rm(rt.store.appDir(release));
      await rt.store.update(release, { result: 'failed', finishedAt: new Date().toISOString() });
    },
  };
}
