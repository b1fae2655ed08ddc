/**
 * The target interface: one small contract that `local`, `ssh` and `aws` implement.
 * A target turns a resolved environment into plans (deploy, rollback, destroy) of named
 * steps, and answers status / releases / logs / endpoint. The engine runs the plans
 * (lock, journal, parallelism, undo, events, redaction) the same way for every target.
 */
import path from 'node:path';
import type { ResolvedEnvironment, SecretValues } from '../config/resolve.js';
import type { EventBus } from '../engine/events.js';
import type { JournalStore, LockStore } from '../engine/ports.js';
import type { Plan, Json, StepData } from '../engine/step.js';
import type { Redactor } from '../engine/redact.js';
import type { Host } from '../host/types.js';

export interface TargetContext {
  envr: ResolvedEnvironment;
  secrets: SecretValues;
  events: EventBus;
  redactor: Redactor;
  /** This machine's directory for the environment (`.slipway/<env>` beside the config). */
  stateDir: string;
  /** This machine, where the CLI runs (builds, docker, local files). */
  localHost: Host;
  signal: AbortSignal;
}

/** Where an environment keeps its deploy lock and journal. */
export interface EnvState {
  /** Holds the journal (and the lock unless `lock` is given). */
  store: JournalStore & LockStore;
  /** Directory in `store`: `lock.json` and `journal/` live in it. */
  dir: string;
  /** A lock kept elsewhere (e.g. SSM Parameter Store in the account). */
  lock?: LockStore;
  /** For messages: `local`, `deploy@vm:22`, `ssm:/slipway/…`. */
  where: string;
}

/** This machine's state directory of an environment. */
export function defaultStateDir(envr: ResolvedEnvironment): string {
  const t = envr.target as { stateDir?: string };
  return path.resolve(envr.configDir, t.stateDir ?? path.join('.slipway', envr.name));
}

export interface DeployOptions {
  /** Prebuilt image (container targets). */
  image?: string;
  acceptRisks: string[];
  allowUnverified?: boolean;
}

export interface RollbackOptions {
  /** A release id; default the last good release before the current one. */
  to?: string;
  /** Accept a release that cannot be verified (container targets without a reachable endpoint). */
  allowUnverified?: boolean;
}

export interface TrustResult {
  host: string;
  fingerprint: string;
  file: string;
  /** Added to known_hosts now. */
  added: boolean;
  /** Was already trusted. */
  known: boolean;
}

export type ReleaseResult = 'pending' | 'succeeded' | 'failed' | 'rolled-back' | 'unverified';

/** One entry of the release ledger. Never holds a secret value. */
export interface ReleaseRecord {
  id: string;
  createdAt: string;
  finishedAt?: string;
  result: ReleaseResult;
  configHash: string;
  gitCommit?: string;
  /** Target specifics: task-definition revision, image digest, port, … */
  details: Record<string, Json>;
  acceptedRisks?: string[];
  /** Why it failed: stopped reasons, exit codes, last log lines. */
  evidence?: string[];
  active?: boolean;
}

export interface StatusReport {
  env: string;
  target: string;
  /** Overall: serving (healthy), degraded, stopped, not-deployed. */
  state: 'serving' | 'degraded' | 'stopped' | 'not-deployed';
  url?: string;
  activeRelease?: string;
  /** Target-specific rows, rendered as a table (label key → value). */
  rows: { key: string; value: string }[];
  lastRun?: { kind: string; outcome: string; at: string };
}

/** What a release left behind that shows why it failed: for `slipway diagnose`. */
export interface EvidenceReport {
  release: string;
  result: ReleaseResult;
  /** Where the lines came from: files on the machine, log groups, the ECS API. */
  sources: string[];
  /** Redacted. */
  lines: string[];
}

export interface LogOptions {
  follow: boolean;
  lines: number;
  signal: AbortSignal;
}

/** A report a command prints: as data for `--json`, as text otherwise. */
export interface Rendered<T> {
  data: T;
  text: string;
}

/** One thing of an environment's architecture (a subnet, a security group, a release, the database). */
export interface ArchNode {
  /** Unique in the view; edges refer to it. */
  id: string;
  /** `vpc`, `subnet`, `security-group`, `rds`, `ecs-service`, `alb`, `ecr`, `host`, `proxy`, `release`, `database`, … */
  kind: string;
  label: string;
  /** Facts shown under the label (a zone and CIDR, the rules of a security group, a port). Never a secret. */
  detail?: string[];
  /** Drawn highlighted (the serving release, the stable port). */
  emphasis?: boolean;
}

/** A box of nodes: a CloudFormation stack, a machine. */
export interface ArchGroup {
  id: string;
  kind: string;
  label: string;
  detail?: string;
  nodes: ArchNode[];
}

/** What an environment is made of, as far as slipway knows it, for the report's drawing. */
export interface ArchitectureView {
  target: string;
  groups: ArchGroup[];
  /** Traffic and dependencies between nodes (ids of nodes). */
  edges: { from: string; to: string; label?: string }[];
  /** Parts that could not be read (a stack that does not exist yet), as short notes. */
  notes?: string[];
}

/** Infrastructure-as-code verbs of a target that provisions infrastructure (aws). */
export interface InfraCapability {
  /** What a deploy would change, and what it costs per month. */
  plan(ctx: TargetContext, opts: { image?: string }): Promise<Rendered<Record<string, unknown>>>;
  /** Write the templates to `outDir`; returns the files written. */
  synth(ctx: TargetContext, outDir: string): Promise<string[]>;
  /** The monthly cost estimate. */
  cost(ctx: TargetContext): Rendered<Record<string, unknown>>;
}

/** A backup of the environment's database (a dump file, an RDS snapshot). */
export interface BackupRecord {
  id: string;
  createdAt: string;
}

/**
 * What the preflight's safety checks ask of the target, read where the environment keeps
 * it (this machine, the VM, the cloud account). A part that could not be read says why.
 */
export interface TargetHistory {
  /** `where`: for messages, e.g. `rds:shop-api-production-db`, `deploy@vm:22:/srv/…/backups`. */
  backups: { where: string; items: BackupRecord[] } | { where: string; error: string };
  /** `count`: every release recorded; `good`: ids a failed deploy or `rollback` may return to, newest first. */
  releases: { where: string; count: number; good: string[] } | { where: string; error: string };
}

/** `db rehearse`: which backup, and what counts as a long lock. */
export interface RehearsalOptions {
  /** Take a new backup of the live database first (read-only for it). */
  fresh: boolean;
  lockThresholdMs: number;
}

/** A rehearsal's result: the backup restored, how the migrations went, the long locks. */
export interface RehearsalOutcome {
  /** The backup's name and where it was (`local:/…/x.dump`). */
  backup: string;
  ok: boolean;
  restoreMs: number;
  /** The migrate command's run time. */
  durationMs: number;
  /** The statement PostgreSQL rejected and its error, from the throwaway server's log. */
  statement?: string;
  dbError?: string;
  /** The migrate command's failure, explained (redacted). */
  error?: string;
  /** The failure's evidence lines (redacted), for the knowledge base. */
  evidence: string[];
  locks: { relation: string; mode: string; seconds: number; query: string }[];
}

export interface Target {
  readonly name: string;
  deployPlan(ctx: TargetContext, opts: DeployOptions): Promise<Plan>;
  rollbackPlan(ctx: TargetContext, opts: RollbackOptions): Promise<Plan>;
  destroyPlan(ctx: TargetContext, opts: { force: boolean }): Promise<Plan>;
  /** Rebuild the plan of an interrupted run from its journal meta, for recovery. */
  planFor(ctx: TargetContext, kind: string, meta: StepData): Promise<Plan>;
  status(ctx: TargetContext): Promise<StatusReport>;
  releases(ctx: TargetContext): Promise<ReleaseRecord[]>;
  logs(ctx: TargetContext, opts: LogOptions): AsyncIterable<string>;
  endpoint(ctx: TargetContext): Promise<string | undefined>;
  /** Replace the database's contents with a pg_dump archive (backup/snapshot first). */
  importPlan?(ctx: TargetContext, opts: { file: string; cidr?: string; acceptRisks?: readonly string[] }): Promise<Plan>;
  /** Where the lock and journal live when not in this machine's state dir (the VM, the cloud account). */
  state?(ctx: TargetContext): Promise<EnvState>;
  /** ssh: show the VM's host key and add it to known_hosts when confirmed (`--fingerprint` or `--yes`). */
  trustHost?(ctx: TargetContext, opts: { fingerprint?: string; yes: boolean }): Promise<TrustResult>;
  /** The machine the environment runs on, for the preflight's host checks (local, the VM). */
  host?(ctx: TargetContext): Promise<Host>;
  /** Pids of the environment's own processes on the host checked by the preflight (they may hold its port). */
  ownPids?(ctx: TargetContext): Promise<number[]>;
  /** The evidence of a release (default: the newest): its record, command and app logs, stop reasons. */
  evidence?(ctx: TargetContext, opts: { release?: string }): Promise<EvidenceReport>;
  /** The environment's backups and the releases it may return to, for the preflight's safety checks. */
  history?(ctx: TargetContext): Promise<TargetHistory>;
  /** Restore the latest backup into a throwaway PostgreSQL on this machine and run the pending migrations there. */
  rehearse?(ctx: TargetContext, opts: RehearsalOptions): Promise<RehearsalOutcome>;
  /** Close what the target opened (SSH connections). */
  close?(ctx: TargetContext): Promise<void>;
  /** What the environment is made of, for `slipway report` (optional: a target without it has no drawing). */
  architecture?(ctx: TargetContext): Promise<ArchitectureView>;
  /** plan / synth / cost: only targets that provision infrastructure. */
  infra?: InfraCapability;
}

export type TargetFactory = () => Promise<Target>;
