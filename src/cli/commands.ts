/** Command handlers: each opens a session, calls the engine or target, prints. */
import { colorEnabled, colors as pc } from '../report/colors.js';
import { history as readHistory, lockOf, releaseEvidence, targetHistory, type Session } from '../session/session.js';
import { attach, mutate, printDiagnosis, session, trapSignals } from './harness.js';
export { closeSessions } from '../session/session.js';
import { SlipwayError, isSlipwayError } from '../engine/errors.js';
import { getLang, t } from '../engine/i18n.js';
import '../engine/messages/env-releases.js';
import { formatChange } from '../engine/env-diff.js';
import '../engine/messages/promote.js';
import type { PreflightReport } from '../checks/types.js';
import type { Host } from '../host/types.js';
import type { InfraCapability, PromotedArtifact, TargetHistory, MachineUnderCheck } from '../targets/types.js';
import type { DeployFlags, GlobalFlags } from './flags.js';
import { print, printJson, handleError } from './output.js';

/** `slipway deploy`; `slipway promote` comes through here too, with the artifact it fetched (no build, same pipeline). */
export async function deploy(g: GlobalFlags, env: string | undefined, o: DeployFlags, promoted?: PromotedArtifact): Promise<number> {
  const s = await session(g, env, true);
  const accept = o.acceptRisk ?? [];
  const renderer = await attach(s, g);
  const go = await preflightGate(g, s, accept).catch((e: unknown) => {
    renderer.close();
    throw e;
  });
  if (go !== 0) {
    renderer.close();
    if (o.report) await reportAfterDeploy(g, s, o.report);
    return go;
  }
  const deployed = await mutate(
    g,
    s,
    promoted ? 'promote' : 'deploy',
    () => s.target.deployPlan(s.ctx, { acceptRisks: accept, ...(o.image ? { image: o.image } : {}), ...(o.allowUnverified ? { allowUnverified: true } : {}), ...(promoted ? { promoted } : {}) }),
    o.forceUnlock,
    promoted ? 'promote.succeeded' : 'deploy.succeeded',
    renderer,
  ).catch(async (e: unknown) => {
    if (o.report) await reportAfterDeploy(g, s, o.report);
    throw e;
  });
  // `--watch 5m` overrides the environment's `verify.window`; 0 turns watching off.
  const { durationFlag, watchWindow } = await import('./verify.js');
  const watch = o.watch !== undefined ? durationFlag('--watch', o.watch) : s.envr.verifyWindowSeconds;
  // Machine targets watch each host (health, the proxy's 5xx share, log patterns); others their health.
  const code = deployed === 0 && watch !== undefined && watch !== 0 ? await (s.target.observe ? watchWindow(g, s, watch) : watchAfterDeploy(g, s, watch)) : deployed;
  if (o.report) await reportAfterDeploy(g, s, o.report);
  return code;
}

/** `deploy --report <file>`: the report is written whatever the outcome; failing to write it only warns. */
async function reportAfterDeploy(g: GlobalFlags, s: Session, out: string): Promise<void> {
  const { writeReport } = await import('../session/report.js');
  try {
    const file = await writeReport(s, { out, lang: getLang() });
    if (g.json) printJson({ type: 'report', file });
    else print(t('report.written', { file }));
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    if (g.json) printJson({ type: 'report', file: out, error: reason });
    else print(pc.yellow(`! ${t('report.writeFailed', { file: out, reason })}`));
  }
}

/** `slipway report [env]`: the HTML report of the environment; prints the file written. */
export async function report(g: GlobalFlags, env: string | undefined, o: { out?: string }): Promise<number> {
  const s = await session(g, env);
  const { writeReport } = await import('../session/report.js');
  const renderer = await attach(s, g); // a target may say why a part could not be read
  let file: string;
  try {
    file = await writeReport(s, { ...(o.out ? { out: o.out } : {}), lang: getLang() });
  } catch (e) {
    if (isSlipwayError(e)) throw e;
    const target = o.out ?? 'report.html';
    throw new SlipwayError({ key: 'report.writeFailed', params: { file: target, reason: e instanceof Error ? e.message : String(e) }, fix: 'report.writeFailed.fix' });
  } finally {
    renderer.close();
  }
  if (g.json) printJson({ type: 'report', env: s.envr.name, file });
  else print(file);
  return 0;
}

/** `--watch N`: keep checking the new release for N seconds; on repeated failure roll back automatically. */
async function watchAfterDeploy(g: GlobalFlags, s: Session, seconds: number): Promise<number> {
  if (!Number.isFinite(seconds) || seconds <= 0) throw new SlipwayError({ key: 'watch.badSeconds', params: { value: String(seconds) }, fix: 'watch.badSeconds.fix', exitCode: 2 });
  const renderer = await attach(s, g);
  const untrap = trapSignals(s);
  try {
    const url = await s.target.endpoint(s.ctx).catch(() => undefined);
    s.bus.log('info', 'watch.start', { seconds, url: url ?? '-' });
    const { watchRelease } = await import('../engine/watch.js');
    const verdict = await watchRelease(
      { state: async () => (await s.target.status(s.ctx)).state, healthUrl: url ? url.replace(/\/$/, '') + s.envr.app.healthPath : undefined },
      {
        seconds,
        signal: s.abort.signal,
        onObservation: (ob) => {
          if (ob.state !== 'serving' || ob.error || (ob.health !== undefined && (ob.health < 200 || ob.health >= 300)))
            s.bus.log('warn', 'watch.bad', { state: ob.state, health: ob.health ?? '-', error: ob.error ?? '' });
        },
      },
    );
    renderer.close();
    if (verdict.kind !== 'rollback') {
      print(t(verdict.kind === 'healthy' ? 'watch.healthy' : 'watch.stopped', { seconds }));
      return 0;
    }
    s.bus.log('warn', 'watch.rollingBack', { reason: verdict.reason });
    // What the watched release left behind (its logs, stop reasons), diagnosed before it is rolled back.
    const watched = (await s.target.status(s.ctx).catch(() => undefined))?.activeRelease;
    const left = s.target.evidence ? await s.target.evidence(s.ctx, watched ? { release: watched } : {}).catch(() => undefined) : undefined;
    await printDiagnosis(g, [verdict.reason, ...(left?.lines ?? [])]);
    untrap();
    const code = await mutate(g, s, 'rollback', () => s.target.rollbackPlan(s.ctx, {}), false, 'rollback.succeeded');
    handleError(new SlipwayError({ key: 'watch.rolledBack', params: { reason: verdict.reason, env: s.envr.name }, fix: 'watch.rolledBack.fix', fixParams: { env: s.envr.name } }), g.json, 1);
    return code === 0 ? 1 : code;
  } finally {
    renderer.close();
    untrap();
  }
}

/** Where the preflight's host checks run (the environment's machine), the pids that are its own there, and its history as the target keeps it. */
async function preflightHost(s: Session): Promise<{ host?: Host; ownPids: number[]; history?: TargetHistory; machines?: MachineUnderCheck[] }> {
  const [host, ownPids, history, machines] = await Promise.all([s.target.host?.(s.ctx), s.target.ownPids?.(s.ctx).catch(() => []), targetHistory(s), s.target.machines?.(s.ctx)]);
  return { ...(host ? { host } : {}), ownPids: ownPids ?? [], ...(history ? { history } : {}), ...(machines ? { machines } : {}) };
}

/** The last preflight is kept for `slipway report`; failing to keep it never stops a check or a deploy. */
async function keepPreflight(s: Session, report: PreflightReport): Promise<void> {
  const { recordPreflight } = await import('../session/report.js');
  await recordPreflight(s, report).catch(() => undefined);
}

/** Run the preflight before a deploy; a blocker that was not accepted stops it. */
async function preflightGate(g: GlobalFlags, s: Session, accept: string[]): Promise<number> {
  const { runPreflight } = await import('../checks/index.js');
  const report = await runPreflight(s.envr, s.ctx.secrets, { acceptRisks: accept, ...(await preflightHost(s)) });
  await keepPreflight(s, report);
  if (report.go) {
    const warnings = report.findings.filter((f) => f.severity === 'warning');
    s.bus.log('info', 'preflight.go', { warnings: warnings.length, ms: report.durationMs });
    for (const f of warnings) s.bus.log('warn', 'preflight.warning', { id: f.id, title: f.title });
    for (const f of report.findings.filter((x) => x.accepted)) s.bus.log('warn', 'preflight.accepted', { id: f.id, title: f.title });
    return 0;
  }
  if (g.json) printJson({ type: 'preflight', ...report });
  else {
    const { renderPreflight } = await import('../report/preflight.js');
    process.stdout.write(s.ctx.redactor.redact(renderPreflight(report, { color: colorEnabled(process.stdout, process.env) })) + '\n');
  }
  const blockers = report.findings.filter((f) => f.severity === 'blocker' && !f.accepted).map((f) => f.id);
  handleError(new SlipwayError({ key: 'preflight.blocked', params: { ids: blockers.join(', ') }, fix: 'preflight.blocked.fix', fixParams: { id: blockers[0] ?? '' } }), g.json);
  return 1;
}

export async function check(g: GlobalFlags, env: string | undefined, o: { acceptRisk?: string[] }): Promise<number> {
  const s = await session(g, env);
  const { runPreflight } = await import('../checks/index.js');
  const report = await runPreflight(s.envr, s.ctx.secrets, { acceptRisks: o.acceptRisk ?? [], ...(await preflightHost(s)) });
  await keepPreflight(s, report);
  if (g.json) printJson(report);
  else {
    const { renderPreflight } = await import('../report/preflight.js');
    print(renderPreflight(report, { color: colorEnabled(process.stdout, process.env) }));
  }
  return report.go ? 0 : 1;
}

export async function rollback(g: GlobalFlags, env: string | undefined, o: { to?: string; forceUnlock: boolean; allowUnverified?: boolean }): Promise<number> {
  const s = await session(g, env, true);
  // The options travel in the request (journaled with the run), never by changing the config.
  return mutate(g, s, 'rollback', () => s.target.rollbackPlan(s.ctx, { ...(o.to ? { to: o.to } : {}), ...(o.allowUnverified ? { allowUnverified: true } : {}) }), o.forceUnlock, 'rollback.succeeded');
}

export async function destroy(g: GlobalFlags, env: string | undefined, o: { yes: boolean; force: boolean; forceUnlock: boolean }): Promise<number> {
  const s = await session(g, env);
  if (!o.yes) throw new SlipwayError({ key: 'destroy.needsYes', params: { env: s.envr.name }, fix: 'destroy.needsYes.fix', fixParams: { env: s.envr.name }, exitCode: 2 });
  const code = await mutate(g, s, 'destroy', () => s.target.destroyPlan(s.ctx, { force: o.force }), o.forceUnlock, 'destroy.succeeded');
  // Nothing of the environment is left on this machine either (journal, artifacts, a lock file).
  if (code === 0) await s.ctx.localHost.rm(s.ctx.stateDir);
  return code;
}

export async function status(g: GlobalFlags, env: string | undefined): Promise<number> {
  const s = await session(g, env);
  const report = await s.target.status(s.ctx);
  if (g.json) {
    printJson(report);
    return 0;
  }
  const color = { serving: pc.green, degraded: pc.yellow, stopped: pc.red, 'not-deployed': pc.dim }[report.state];
  print(`${pc.bold(report.env)} (${report.target}): ${color(t(`status.state.${report.state}`))}`);
  const width = Math.max(...report.rows.map((r) => t(r.key).length));
  for (const r of report.rows) print(`  ${t(r.key).padEnd(width)}  ${r.value}`);
  return 0;
}

export async function releases(g: GlobalFlags, env: string | undefined): Promise<number> {
  const s = await session(g, env);
  const list = await s.target.releases(s.ctx);
  if (g.json) {
    printJson(list);
    return 0;
  }
  if (!list.length) {
    print(t('releases.none', { env: s.envr.name }));
    return 0;
  }
  for (const r of list) {
    const mark = r.active ? pc.green('●') : ' ';
    const res = r.result === 'succeeded' ? pc.green(r.result) : r.result === 'failed' ? pc.red(r.result) : pc.yellow(r.result);
    print(`${mark} ${r.id}  ${res.padEnd(20)} ${r.createdAt}  ${t('releases.config')} ${r.configHash}${r.gitCommit ? `  git ${r.gitCommit}` : ''}`);
    for (const line of envLines(r)) print(`    ${line}`);
    if (r.promotedFrom) print(pc.dim(`    ${t('releases.promotedFrom', { from: `${r.promotedFrom.env}/${r.promotedFrom.release}` })}`));
    for (const ev of r.evidence ?? []) print(pc.dim(`    ${ev}`));
  }
  return 0;
}

/** A release's env lines: what it was made from, what changed since the one before, the overrides in force. */
function envLines(r: import('../targets/types.js').ReleaseRecord): string[] {
  const out: string[] = [];
  if (typeof r.details.envFrom === 'string') out.push(pc.dim(t('releases.envFrom', { from: r.details.envFrom })));
  if (r.envChanges?.length) out.push(r.envChanges.map((c) => formatChange(c, t('releases.envChanged'), t('releases.envSecret'))).join(', '));
  if (r.envOverrides) out.push(pc.dim(t('releases.envOverrides', { list: Object.entries(r.envOverrides).map(([k, v]) => `${k}=${v}`).join(', ') })));
  return out;
}

export async function logs(g: GlobalFlags, env: string | undefined, o: { follow: boolean; lines: string }): Promise<number> {
  const s = await session(g, env);
  const untrap = trapSignals(s);
  try {
    for await (const line of s.target.logs(s.ctx, { follow: o.follow, lines: Number(o.lines) || 100, signal: s.abort.signal })) {
      if (g.json) printJson({ type: 'log', line });
      else print(line);
    }
  } finally {
    untrap();
  }
  return 0;
}

export async function endpoint(g: GlobalFlags, env: string | undefined): Promise<number> {
  const s = await session(g, env);
  const renderer = await attach(s, g); // the target says why there is no endpoint
  const url = await s.target.endpoint(s.ctx).finally(() => renderer.close());
  if (g.json) printJson({ env: s.envr.name, url: url ?? null });
  else print(url ?? t('endpoint.none'));
  return url ? 0 : 1;
}

export interface InitFlags {
  force: boolean;
  target: 'local' | 'ssh';
  host?: string;
  env?: string;
}

export async function init(g: GlobalFlags, dir: string, o: InitFlags): Promise<number> {
  const { initConfig } = await import('../session/init.js');
  const out = await initConfig(dir, { force: o.force, target: o.target, ...(o.host ? { host: o.host } : {}), ...(o.env ? { env: o.env } : {}) });
  if (g.json) printJson(out);
  else {
    print(pc.green(`✓ ${t('init.wrote', { file: out.file })}`));
    for (const note of out.notes) print(`  ${note}`);
  }
  return 0;
}

/** plan / synth / cost: targets that provision infrastructure; others say it does not apply. */
function infraOf(s: Session, command: string): InfraCapability {
  if (!s.target.infra) {
    throw new SlipwayError({ key: 'cli.awsOnly', params: { command, env: s.envr.name, target: s.envr.target.target }, place: `environments.${s.envr.name}.target`, fix: 'cli.awsOnly.fix', fixParams: { command }, exitCode: 2 });
  }
  return s.target.infra;
}

export async function plan(g: GlobalFlags, env: string | undefined, o: { image?: string }): Promise<number> {
  const s = await session(g, env);
  const infra = infraOf(s, 'plan');
  const renderer = await attach(s, g);
  try {
    const report = await infra.plan(s.ctx, o.image ? { image: o.image } : {});
    renderer.close();
    if (g.json) printJson({ type: 'plan', ...report.data });
    else print(report.text);
    return 0;
  } finally {
    renderer.close();
  }
}

export async function synth(g: GlobalFlags, env: string | undefined, o: { out: string }): Promise<number> {
  const s = await session(g, env, false, { sweep: false });
  const files = await infraOf(s, 'synth').synth(s.ctx, o.out);
  if (g.json) printJson({ type: 'synth', files });
  else for (const f of files) print(f);
  return 0;
}

export async function cost(g: GlobalFlags, env: string | undefined): Promise<number> {
  const s = await session(g, env, false, { sweep: false });
  const report = infraOf(s, 'cost').cost(s.ctx);
  if (g.json) printJson(report.data);
  else print(report.text);
  return 0;
}

export async function dbImport(g: GlobalFlags, env: string | undefined, o: { file: string; cidr?: string; acceptRisk?: string[]; forceUnlock: boolean }): Promise<number> {
  const s = await session(g, env);
  const { resolve } = await import('node:path');
  const file = resolve(o.file);
  if (!s.target.importPlan) throw new SlipwayError({ key: 'cli.notForTarget', params: { command: 'db import', target: s.envr.target.target }, fix: 'cli.notForTarget.fix', exitCode: 2 });
  const importPlan = s.target.importPlan.bind(s.target);
  return mutate(g, s, 'import', () => importPlan(s.ctx, { file, acceptRisks: o.acceptRisk ?? [], ...(o.cidr ? { cidr: o.cidr } : {}) }), o.forceUnlock, 'import.succeeded');
}

/** `slipway lock status|release <env>`: who holds the deploy lock; remove it when its holder is gone. */
export async function lock(g: GlobalFlags, action: string, env: string | undefined): Promise<number> {
  const s = await session(g, env);
  const { readLock, breakLock, isStale } = await import('../engine/lock.js');
  const { store, file, where } = await lockOf(s);
  if (action === 'release') {
    const was = await breakLock(store, file);
    if (g.json) printJson({ env: s.envr.name, released: was ?? null });
    else print(was ? t('lock.released', { env: s.envr.name, user: was.user, machine: was.machine, command: was.command }) : t('lock.none', { env: s.envr.name, where }));
    return 0;
  }
  if (action !== 'status') throw new SlipwayError({ key: 'cli.err.unknownCommand', params: { name: `lock ${action}` }, fix: 'cli.err.fix', exitCode: 2 });
  const owner = await readLock(store, file);
  if (g.json) printJson({ env: s.envr.name, where, lock: owner ?? null, stale: owner ? isStale(owner) : null });
  else if (!owner) print(t('lock.none', { env: s.envr.name, where }));
  else print(t(isStale(owner) ? 'lock.statusExpired' : 'lock.status', { env: s.envr.name, where, user: owner.user, machine: owner.machine, pid: owner.pid, command: owner.command, since: owner.startedAt, expires: owner.expiresAt }));
  return 0;
}

/** `slipway history <env>`: every mutating command run against the environment (who, from where, what, result). */
export async function history(g: GlobalFlags, env: string | undefined, o: { lines: string }): Promise<number> {
  const s = await session(g, env);
  const all = (await readHistory(s)).slice(-(Number(o.lines) || 50));
  if (g.json) {
    printJson(all);
    return 0;
  }
  if (!all.length) print(t('history.none', { env: s.envr.name }));
  for (const r of all) print(`${r.at}  ${r.user}@${r.machine}  ${r.command.padEnd(8)} ${(r.release ?? '-').padEnd(22)} ${r.outcome.padEnd(9)} ${(r.durationMs / 1000).toFixed(1)}s`);
  return 0;
}

/** `slipway hosts trust <env>`: show each host's key (every host of a fleet) and add it to known_hosts when confirmed. */
export async function trustHost(g: GlobalFlags, env: string | undefined, o: { fingerprint?: string[]; yes: boolean }): Promise<number> {
  const s = await session(g, env);
  if (!s.target.trustHost) throw new SlipwayError({ key: 'cli.notForTarget', params: { command: 'hosts trust', target: s.envr.target.target }, fix: 'cli.notForTarget.fix', exitCode: 2 });
  await import('../engine/messages/hosts.js');
  const all = await s.target.trustHost(s.ctx, { fingerprints: o.fingerprint ?? [], yes: o.yes });
  if (g.json) printJson(all.length === 1 ? all[0] : all);
  const pending = all.filter((r) => !r.added && !r.known);
  for (const r of g.json ? [] : all) {
    if (r.added) print(pc.green(`✓ ${t('hosts.trusted', { host: r.host, fingerprint: r.fingerprint, file: r.file })}`));
    else if (r.known) print(t('hosts.alreadyKnown', { host: r.host, fingerprint: r.fingerprint, file: r.file }));
    else if (all.length === 1) print(t('hosts.confirm', { host: r.host, fingerprint: r.fingerprint, env: s.envr.name }));
    else print(t('hosts.confirmPair', { host: r.host, address: r.host.replace(/:22$/, ''), fingerprint: r.fingerprint, env: s.envr.name }));
  }
  if (!g.json && pending.length > 1) print(t('hosts.confirmAll', { env: s.envr.name }));
  return pending.length ? 1 : 0;
}

/** `slipway diagnose <env> [--release <id>]`: the evidence a release left behind, through the knowledge base. */
export async function diagnoseEnv(g: GlobalFlags, env: string | undefined, o: { release?: string }): Promise<number> {
  const s = await session(g, env);
  const { diagnose } = await import('../knowledge/diagnose.js');
  const ev = await releaseEvidence(s, o.release);
  const d = diagnose(ev.lines);
  const clean = !d.findings.length && (ev.result === 'succeeded' || !ev.lines.length);
  if (g.json) {
    printJson({ type: 'diagnosis', env: s.envr.name, release: ev.release, result: ev.result, sources: ev.sources, findings: d.findings, unmatched: clean ? [] : d.unmatched });
    return 0;
  }
  if (clean) {
    print(t('knowledge.none', { env: s.envr.name, release: ev.release }));
    return 0;
  }
  const { renderDiagnosis } = await import('../report/diagnosis.js');
  const header = t('knowledge.header', { env: s.envr.name, release: ev.release, result: ev.result, sources: ev.sources.join(', ') || '-' });
  print(renderDiagnosis(d, ev.lines, { color: colorEnabled(process.stdout, process.env), header }));
  return 0;
}

/** `slipway ci github [env]`: the deploy workflow (and with --setup-aws the OIDC role it assumes). */
export async function ciGithub(g: GlobalFlags, env: string | undefined, o: import('../ci/github.js').CiGithubOptions): Promise<number> {
  const s = await session(g, env, false, { sweep: false });
  const { ciGithub: write, ROLE_VARIABLE } = await import('../ci/github.js');
  const r = await write(s.envr, s.ctx.localHost, o, (e) => s.bus.log('info', 'aws.stack.event', { stack: 'ci', resource: e.LogicalResourceId ?? '', type: '', status: e.ResourceStatus ?? '', reason: e.ResourceStatusReason ?? '' }));
  if (g.json) printJson({ type: 'ci', ...r });
  else {
    if (r.stack) print(t('ci.setupDone', { stack: r.stack, role: r.roleArn ?? '-', repo: r.repo ?? '-', branch: r.branch, provider: r.oidcProviderArn ?? '-' }));
    print(pc.green(`✓ ${t('ci.wrote', { file: r.file, env: s.envr.name, branch: r.branch, node: r.nodeVersion })}`));
    if (r.roleArn?.startsWith('arn:')) print(`  ${t('ci.role', { role: r.roleArn })}`);
    else if (r.roleArn) print(`  ${t('ci.roleVariable', { name: ROLE_VARIABLE, env: s.envr.name })}`);
    if (r.secrets.length) print(`  ${t('ci.secrets', { names: r.secrets.join(', ') })}`);
    if (!r.slipwayDependency) print(`  ${t('ci.devDependency')}`);
  }
  return 0;
}

/** `slipway iam policy [env]`: the CI deploy role's policy, as JSON. */
export async function iamPolicy(g: GlobalFlags, env: string | undefined): Promise<number> {
  const s = await session(g, env, false, { sweep: false });
  const { iamPolicy: policyOf } = await import('../ci/github.js');
  print(JSON.stringify(await policyOf(s.envr), null, 2));
  return 0;
}
