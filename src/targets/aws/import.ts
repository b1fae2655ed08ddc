/**
 * `slipway db import` on aws: the runbook's stage 3 (temporary public access + a /32
 * security-group rule → pg_restore over verified TLS → close it again) as a plan whose
 * window is an undoable step. The rule and the public flag are recorded *before* they are
 * opened, so a failure, Ctrl-C or `kill -9` anywhere leaves them to be closed by the undo
 * (at once, or by the next command's recovery). The preflight's `aws.public-db` check
 * flags any `slipway-temp` rule that is still open.
 */
import { SlipwayError } from '../../engine/errors.js';
import type { Plan, Step, StepContext } from '../../engine/step.js';
import { findPgBinaries } from '../../db/binaries.js';
import { lastLines } from '../../engine/text.js';
import { cidrPrefix, isIpv4Cidr } from '../../config/aws-values.js';
import { LocalHost } from '../../host/local.js';
import type { AwsCtx } from './context.js';
import { describeDb, snapshotDb, type DbSecretValue } from './database.js';
import { importMeta } from './request.js';
import { authorizeRule, closeWindow, makePublic, TEMP, windowTarget } from './window.js';
import { sdk } from '../../engine/aws-sdk.js';

export interface ImportOptions {
  file: string;
  cidr: string;
}

/** The risk id that lets `db import` open a window wider than one address. */
export const WIDE_WINDOW_RISK = 'import-wide-cidr';

/**
 * The window must be one IPv4 address (/32) unless `--accept-risk import-wide-cidr` names
 * the wider range; anything that is not a CIDR is refused (exit 2) before AWS sees it.
 */
export function checkImportWindow(cidr: string, acceptRisks: readonly string[]): void {
  if (!isIpv4Cidr(cidr)) throw new SlipwayError({ key: 'aws.import.badCidr', params: { cidr }, fix: 'aws.import.ownAddress.fix', exitCode: 2 });
  const prefix = cidrPrefix(cidr);
  if (prefix < 32 && !acceptRisks.includes(WIDE_WINDOW_RISK)) {
    throw new SlipwayError({ key: 'aws.import.wideCidr', params: { cidr, addresses: 2 ** (32 - prefix) }, fix: 'aws.import.wideCidr.fix', fixParams: { risk: WIDE_WINDOW_RISK }, exitCode: 2 });
  }
}

/** Close the window recorded by `open-window`: idempotent, tolerant of a half-opened one. */
async function closeRecorded(a: AwsCtx, ctx: StepContext): Promise<void> {
  const w = ctx.data('open-window');
  if (!w?.sg || !w.cidr) return;
  await closeWindow(a, { id: String(w.id), sg: String(w.sg), cidr: String(w.cidr), description: String(w.description), wasPublic: w.wasPublic !== false });
  ctx.log('aws.import.closed', { sg: String(w.sg), cidr: String(w.cidr), id: String(w.id) });
}

export function importPlan(a: AwsCtx, opts: ImportOptions): Plan {
  const host = a.tc.localHost;
  const steps: Step[] = [
    {
      id: 'check-dump',
      titleKey: 'aws.import.step.check',
      titleParams: { file: opts.file },
      async run() {
        const bins = await findPgBinaries(host, a.envr.database?.version ?? 15);
        const r = await host.exec([bins.bin('pg_restore'), '--list', opts.file]);
        if (r.code !== 0) throw new SlipwayError({ key: 'db.dumpUnreadable', params: { file: opts.file, reason: lastLines(r.stderr) }, place: opts.file, fix: 'aws.import.badDump.fix' });
        if (!process.env.PGSSLROOTCERT) throw new SlipwayError({ key: 'aws.import.noCa', fix: 'aws.import.noCa.fix', exitCode: 2 });
        return { entries: r.stdout.split('\n').filter((l) => l && !l.startsWith(';')).length };
      },
    },
    {
      id: 'snapshot',
      titleKey: 'aws.import.step.snapshot',
      needs: ['check-dump'],
      async run(ctx) {
        const { id } = await windowTarget(a);
        const snap = `${a.n.prefix}-before-import-${ctx.runId}`.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 255);
        await snapshotDb(a.c.rds, id, snap, ctx.signal);
        return { snapshot: snap };
      },
    },
    {
      id: 'open-window',
      titleKey: 'aws.import.step.open',
      titleParams: { cidr: opts.cidr },
      needs: ['snapshot'],
      async run(ctx) {
        const { id, sg } = await windowTarget(a);
        const db = await describeDb(a.c.rds, id);
        const w = { id, sg, cidr: opts.cidr, description: `${TEMP} import ${ctx.runId}`, wasPublic: !!db?.PubliclyAccessible };
        // Record first: if we die between the two calls below, the undo still knows what to close.
        await ctx.record({ ...w });
        await authorizeRule(a, w);
        await makePublic(a, w, ctx.signal);
        ctx.warn('aws.import.opened', { cidr: opts.cidr, id });
        return { host: db?.Endpoint?.Address ?? '', port: db?.Endpoint?.Port ?? 5432 };
      },
      undo: (ctx) => closeRecorded(a, ctx),
    },
    {
      id: 'restore',
      titleKey: 'aws.import.step.restore',
      needs: ['open-window'],
      async run(ctx) {
        const { GetSecretValueCommand } = sdk.sm();
        const w = ctx.data('open-window')!;
        const secret = JSON.parse((await a.c.sm.send(new GetSecretValueCommand({ SecretId: a.n.dbSecret }))).SecretString ?? '{}') as DbSecretValue;
        a.tc.redactor.add(secret.password);
        const bins = await findPgBinaries(host, a.envr.database?.version ?? 15);
        const r = await host.exec([bins.bin('pg_restore'), '--no-owner', '--no-acl', '--clean', '--if-exists', '--exit-on-error', '--dbname', secret.dbname, opts.file], {
          env: {
            PGHOST: String(w.host),
            PGPORT: String(w.port),
            PGUSER: secret.username,
            PGPASSWORD: secret.password,
            // TLS verified against the RDS CA bundle — never NODE_TLS_REJECT_UNAUTHORIZED=0 (pitfall 11).
            PGSSLMODE: 'verify-full',
            PGSSLROOTCERT: process.env.PGSSLROOTCERT ?? '',
            PGCONNECT_TIMEOUT: '15',
          },
          signal: ctx.signal,
          onLine: (l) => ctx.events.text('debug', l, ctx.step),
        });
        if (r.code !== 0) throw new SlipwayError({ key: 'aws.import.restoreFailed', params: { reason: a.tc.redactor.redact(lastLines(r.stderr)) }, fix: 'aws.import.restoreFailed.fix', fixParams: { snapshot: String(ctx.data('snapshot')?.snapshot ?? '-') } });
        return { restored: true };
      },
    },
    {
      id: 'close-window',
      titleKey: 'aws.import.step.close',
      needs: ['restore'],
      async run(ctx) {
        await closeRecorded(a, ctx);
        return { closed: true };
      },
    },
  ];
  return { kind: 'import', meta: importMeta(opts), steps };
}
