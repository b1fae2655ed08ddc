/**
 * The preflight engine: run every check in parallel against a resolved environment and
 * its secrets, mark accepted risks, and decide go / no-go.
 */
import path from 'node:path';
import type { ResolvedEnvironment, SecretValues } from '../config/resolve.js';
import type { Host } from '../host/types.js';
import { appBuild } from './app.js';
import { awsChecks } from './aws/checks.js';
import { dbWindowCheck } from './aws/db-window.js';
import { configChecks } from './config.js';
import { dockerChecks } from './docker.js';
import { domainChecks } from './domains.js';
import { envContract } from './envcontract/contract.js';
import { finding, reason } from './finding.js';
import { hostChecks } from './host.js';
import { migrationLint, rehearsalRequired } from './migrations.js';
import { safetyChecks } from './safety.js';
import { storageChecks } from './storage.js';
import type { CheckContext, CheckDef, Finding, PreflightOptions, PreflightReport } from './types.js';
import type { MachineUnderCheck } from '../targets/types.js';
import { changeWindow } from './window.js';

export type { Severity, Finding, PreflightReport, PreflightOptions, CheckContext, CheckDef } from './types.js';
export { targetProvidedEnv, TARGET_BASE_ENV, TARGET_DATABASE_ENV } from './envcontract/contract.js';
export { pickEngineVersion, classifyStack } from './aws/logic.js';

/** Areas in report order. */
export const AREAS = ['config', 'env', 'app', 'docker', 'host', 'domains', 'storage', 'aws', 'safety', 'window'] as const;

export const CHECKS: readonly CheckDef[] = [...configChecks, envContract, appBuild, migrationLint, dockerChecks, ...hostChecks, domainChecks, storageChecks, ...awsChecks, dbWindowCheck, ...safetyChecks, rehearsalRequired, changeWindow];

const SEVERITY_ORDER = { blocker: 0, warning: 1, info: 2, passed: 3 } as const;

/** The CLI-side state directory of an environment. */
export function stateDirOf(envr: ResolvedEnvironment): string {
  const t = envr.target;
  if (t.target === 'local' && t.stateDir) return path.resolve(envr.configDir, t.stateDir);
  return path.join(envr.configDir, '.slipway', envr.name);
}

/** Whether an `--accept-risk` entry (`id`, `id:subject`, `area.*`) names a finding. */
export function acceptMatches(entry: string, f: Pick<Finding, 'id' | 'subject'>): boolean {
  const [id, subject] = entry.split(/:(.*)/s, 2) as [string, string | undefined];
  const idOk = id.endsWith('.*') ? f.id.startsWith(id.slice(0, -1)) || f.id === id.slice(0, -2) : f.id === id;
  return idOk && (subject === undefined || subject === '' || subject === f.subject);
}

function skipped(def: CheckDef, skip: readonly string[]): boolean {
  return skip.some((s) => acceptMatches(s, { id: def.id }));
}

export async function runCheck(def: CheckDef, ctx: CheckContext, timeoutMs: number): Promise<Finding[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Finding[]>((resolve) => {
    timer = setTimeout(() => resolve([finding({ id: def.id, area: def.area, severity: def.guard ? 'blocker' : 'warning', key: 'checks.timedOut', params: { check: def.id, ms: timeoutMs } })]), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([def.run(ctx), timeout]);
  } catch (e) {
    return [finding({ id: def.id, area: def.area, severity: def.guard ? 'blocker' : 'warning', key: 'checks.crashed', params: { check: def.id, reason: reason(e) } })];
  } finally {
    clearTimeout(timer);
  }
}

/** A check context's memo: each key's promise made once, shared by the checks that ask for it. */
function memoOf(memo: Map<string, Promise<unknown>>): CheckContext['memo'] {
  return <T>(key: string, make: () => Promise<T>): Promise<T> => {
    let p = memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = make();
      memo.set(key, p);
    }
    return p;
  };
}

async function defaultHost(envr: ResolvedEnvironment): Promise<Host | undefined> {
  if (envr.target.target !== 'local') return undefined;
  const { LocalHost } = await import('../host/local.js');
  return new LocalHost();
}

/**
 * A host check on every machine of a fleet at once, each with its own view of the environment
 * (its directory), its own pids and memo; each finding names its machine (title and subject,
 * so `--accept-risk host.disk:<machine>` accepts one machine's blocker).
 */
async function onEachMachine(def: CheckDef, ctx: CheckContext, machines: readonly MachineUnderCheck[], timeoutMs: number): Promise<Finding[]> {
  const per = await Promise.all(
    machines.map(async (m) => {
      const memo = new Map<string, Promise<unknown>>();
      const own: CheckContext = {
        ...ctx,
        envr: m.envr,
        host: m.host,
        ownPids: m.ownPids,
        memo: memoOf(memo),
      };
      const found = await runCheck(def, own, timeoutMs);
      return found.map((f) => ({ ...f, title: `${m.host.name}: ${f.title}`, subject: f.subject ?? m.host.name }));
    }),
  );
  return per.flat();
}

export async function runPreflight(envr: ResolvedEnvironment, secrets: SecretValues, opts: PreflightOptions = {}): Promise<PreflightReport> {
  const started = performance.now();
  const memo = new Map<string, Promise<unknown>>();
  const ctx: CheckContext = {
    envr,
    secrets,
    host: opts.host ?? (await defaultHost(envr)),
    now: opts.now ?? new Date(),
    processEnv: opts.processEnv ?? process.env,
    ownPids: opts.ownPids ?? [],
    stateDir: stateDirOf(envr),
    ...(opts.history ? { history: opts.history } : {}),
    memo: memoOf(memo),
  };
  const skip = envr.check.skip ?? [];
  const selected = CHECKS.filter((c) => !opts.areas || opts.areas.includes(c.area));
  const machines = opts.machines && opts.machines.length > 1 ? opts.machines : undefined;
  const results = await Promise.all(
    selected.map((c) =>
      skipped(c, skip)
        ? Promise.resolve([finding({ id: c.id, area: c.area, severity: 'info', key: 'checks.skippedByConfig', params: { check: c.id } })])
        : machines && c.area === 'host'
          ? onEachMachine(c, ctx, machines, opts.checkTimeoutMs ?? 15000)
          : runCheck(c, ctx, opts.checkTimeoutMs ?? 15000),
    ),
  );
  const findings = results.flat();
  const accepts = opts.acceptRisks ?? [];
  const used = new Set<string>();
  for (const f of findings) {
    if (f.severity !== 'blocker' && f.severity !== 'warning') continue;
    const hit = accepts.filter((a) => acceptMatches(a, f));
    if (!hit.length) continue;
    hit.forEach((h) => used.add(h));
    // An accepted warning (e.g. a migration lint finding) is kept, as information.
    if (f.severity === 'warning') f.severity = 'info';
    else f.accepted = true;
  }
  for (const a of accepts) {
    if (!used.has(a)) findings.push(finding({ id: 'preflight.accept-risk', area: 'config', severity: 'warning', key: 'checks.acceptUnused', params: { entry: a } }));
  }
  const areaIndex = (a: string) => {
    const i = (AREAS as readonly string[]).indexOf(a);
    return i < 0 ? AREAS.length : i;
  };
  findings.sort((a, b) => areaIndex(a.area) - areaIndex(b.area) || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.id.localeCompare(b.id));
  return {
    env: envr.name,
    target: envr.target.target,
    go: !findings.some((f) => f.severity === 'blocker' && !f.accepted),
    findings,
    durationMs: Math.round(performance.now() - started),
    accepted: [...used],
  };
}
