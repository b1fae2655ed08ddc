/**
 * The target interface: one small contract that `local`, `ssh` and `aws` implement.
 * A target turns a resolved environment into plans (deploy, rollback, destroy) of named
 * steps, and answers status / releases / logs / endpoint. The engine runs the plans
 * (lock, journal, parallelism, undo, events, redaction) the same way for every target.
 */
import path from 'node:path';
import type { ResolvedEnvironment, SecretValues } from '../config/resolve.js';
import type { SlipwayError } from '../engine/errors.js';
import type { EventBus } from '../engine/events.js';
import type { JournalStore, LockStore } from '../engine/ports.js';
import type { Plan, Json, StepData } from '../engine/step.js';
import type { Redactor } from '../engine/redact.js';
import type { HostSample } from '../engine/window.js';
import type { Host } from '../host/types.js';
import type { DbWindowLease, DbWindowOptions } from './db-lease.js';
import type { EnvChange } from '../engine/env-diff.js';
import type { MigrationPrefix } from '../engine/migrations.js';

/** One machine of an environment as the preflight's host checks see it. */
export interface MachineUnderCheck {
  host: Host;
  ownPids: number[];
  /** The environment as this machine runs it (its own `dir`). */
  envr: ResolvedEnvironment;
}

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
  /** `slipway promote`: deploy the artifact another environment verified instead of building one. */
  promoted?: PromotedArtifact;
}

/** Which environment and release a promoted release came from. */
export interface PromotedFrom {
  env: string;
  release: string;
}

/**
 * The artifact of a release another environment verified, as `slipway promote` hands it to
 * the target it deploys to: an archive already on this machine (machine targets), or an
 * image by digest (container targets). Never rebuilt.
 */
export interface PromotedArtifact {
  from: PromotedFrom;
  /** Machine targets: the archive's sha256 and where it is on this machine. */
  sha256?: string;
  file?: string;
  /** Container targets: `repo@sha256:…`. */
  image?: string;
  gitCommit?: string;
  /** Container targets: the migration files the image shipped, as the source release recorded them (for the migration lint). */
  migrations?: MigrationPrefix;
}

/** A release of an environment that `slipway promote` may take elsewhere, and where its artifact is. */
export interface PromotableRelease {
  record: ReleaseRecord;
  /** `archive`: a content-addressed app archive on the machine; `image`: a container image by digest. */
  kind: 'archive' | 'image';
  /** The archive's sha256 or the image's digest (`sha256:…`). */
  digest?: string;
  /** `repo@sha256:…` for an image. */
  image?: string;
  /** An image's migration files, when its release recorded them. */
  migrations?: MigrationPrefix;
  /** Where the artifact is (for messages), and whether it is still there. */
  where: string;
  present: boolean;
}

export interface RollbackOptions {
  /** A release id; default the last good release before the current one. */
  to?: string;
  /** Accept a release that cannot be verified (container targets without a reachable endpoint). */
  allowUnverified?: boolean;
}

/** `slipway env set` / `rollback --set`: a new release of an existing release's code with env changes. */
export interface EnvReleaseOptions {
  set: Record<string, string>;
  /** Names whose override is dropped (back to the config's value). */
  unset: string[];
  /** From `rollback`: start from the release rolled back to (`to`, default the last good one) instead of the serving one. */
  rollback?: { to?: string };
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
  /** What changed in env since the release before it (secrets by name only). */
  envChanges?: EnvChange[];
  /** Values set with `slipway env set` that this release runs with (never secrets). */
  envOverrides?: Record<string, string>;
  /** Deployed by `slipway promote` from this environment's release. */
  promotedFrom?: PromotedFrom;
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
  /**
   * The release serving now and the migration files it shipped, for the migration lint (which
   * reports only the others). `migrations` is absent when its record does not say (a release
   * recorded by an older slipway, an image deployed from elsewhere); `none`: nothing serves yet.
   * Absent altogether: the target cannot tell (the lint then reads every file).
   */
  serving?: { id: string; migrations?: ShippedMigrations } | { none: true } | { where: string; error: string };
}

/**
 * The migration files a release shipped, as paths relative to the app with `/` (as
 * `migrationFiles` names them): every one (machine targets, where the record lives in a file),
 * or a prefix of the sorted list (aws, where it lives in a 4 KB SSM parameter).
 */
export type ShippedMigrations = { files: string[] } | { prefix: MigrationPrefix };

/** One look of the verification window (see `engine/window.ts`). */
export interface WindowLook {
  /** `verify.logPatterns`. */
  patterns: readonly string[];
  /** Run the environment's verify checks too (`slipway verify`). */
  checks: boolean;
  /** Where each host's log was read up to, kept by the caller between looks. */
  cursors: Map<string, number>;
  signal?: AbortSignal;
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
  /** A release with the same code and changed env (machine targets); absent where not supported. */
  envPlan?(ctx: TargetContext, opts: EnvReleaseOptions): Promise<Plan>;
  destroyPlan(ctx: TargetContext, opts: { force: boolean }): Promise<Plan>;
  /** Rebuild the plan of an interrupted run from its journal meta, for recovery. */
  planFor(ctx: TargetContext, kind: string, meta: StepData): Promise<Plan>;
  status(ctx: TargetContext): Promise<StatusReport>;
  releases(ctx: TargetContext): Promise<ReleaseRecord[]>;
  logs(ctx: TargetContext, opts: LogOptions): AsyncIterable<string>;
  endpoint(ctx: TargetContext): Promise<string | undefined>;
  /** Replace the database's contents with a pg_dump archive (backup/snapshot first). */
  importPlan?(ctx: TargetContext, opts: { file: string; cidr?: string; acceptRisks?: readonly string[] }): Promise<Plan>;
  /** `db rotate-password`: a new database password, rolled out to the service with no request failing. */
  rotatePasswordPlan?(ctx: TargetContext): Promise<Plan>;
  /** Why the environment cannot run `command` (`rotate-password`, `rehearse`), known from its config alone: asked before any host is contacted. */
  refusal?(ctx: TargetContext, command: string): SlipwayError | undefined;
  /** Where the lock and journal live when not in this machine's state dir (the VM, the cloud account). */
  state?(ctx: TargetContext): Promise<EnvState>;
  /**
   * ssh: show each host's key and add it to known_hosts when confirmed (`--yes`, or a
   * `--fingerprint` naming it: `SHA256:…` when one host is unknown, `host=SHA256:…` for any).
   */
  trustHost?(ctx: TargetContext, opts: { fingerprints: string[]; yes: boolean }): Promise<TrustResult[]>;
  /** `slipway promote`: the release (default the active one) and its artifact, read where the environment keeps them. */
  promotable?(ctx: TargetContext, opts: { release?: string }): Promise<PromotableRelease>;
  /** `slipway promote`: copy a release's archive from the machine to `dest` on this machine (streamed, sha256 checked). */
  fetchArtifact?(ctx: TargetContext, sha256: string, dest: string): Promise<void>;
  /** The machine the environment runs on, for the preflight's host checks (local, the VM). */
  host?(ctx: TargetContext): Promise<Host>;
  /** Pids of the environment's own processes on the host checked by the preflight (they may hold its port). */
  ownPids?(ctx: TargetContext): Promise<number[]>;
  /** Every machine of an environment that has several (a fleet), each with its own view of the environment, for the preflight's host checks. */
  machines?(ctx: TargetContext): Promise<MachineUnderCheck[]>;
  /** The evidence of a release (default: the newest): its record, command and app logs, stop reasons. */
  evidence?(ctx: TargetContext, opts: { release?: string }): Promise<EvidenceReport>;
  /** The environment's backups and the releases it may return to, for the preflight's safety checks. */
  history?(ctx: TargetContext): Promise<TargetHistory>;
  /** Restore the latest backup into a throwaway PostgreSQL on this machine and run the pending migrations there. */
  rehearse?(ctx: TargetContext, opts: RehearsalOptions): Promise<RehearsalOutcome>;
  /** Close what the target opened (SSH connections). */
  close?(ctx: TargetContext): Promise<void>;
  /** `slipway db open|close`: a database window for a limited time. */
  dbWindow?: DbWindowCapability;
  /** What the environment is made of, for `slipway report` (optional: a target without it has no drawing). */
  architecture?(ctx: TargetContext): Promise<ArchitectureView>;
  /** plan / synth / cost: only targets that provision infrastructure. */
  infra?: InfraCapability;
  /** The verification window's look at each host: health, the proxy's 5xx counts, matching log lines (machine targets). */
  observe?(ctx: TargetContext, look: WindowLook): Promise<HostSample[]>;
  /** Record a release the window found bad as failed, with the evidence, on every host. */
  markFailed?(ctx: TargetContext, release: string, evidence: string[]): Promise<void>;
}

/** A connection without its password. */
export interface DbConnection {
  host: string;
  port: number;
  user: string;
  database: string;
  sslmode?: 'verify-full';
  sslrootcert?: string;
}

export interface DbWindowOpened {
  lease: DbWindowLease;
  connection: DbConnection;
  /** How to get the password (a message key and its params) — the password itself is never printed. */
  password: { key: string; params: Record<string, string | number> };
  /** A message saying what was opened (key + params). */
  opened: { key: string; params: Record<string, string | number> };
  /** Foreground windows (port-forward): resolves when the window closes (TTL, `db close`, the signal). */
  hold?: (signal: AbortSignal) => Promise<'ttl' | 'closed' | 'interrupted'>;
}

/** `slipway db open|close` of a target (the lease: ./db-lease.ts). */
export interface DbWindowCapability {
  open(ctx: TargetContext, opts: DbWindowOptions): Promise<DbWindowOpened>;
  /** Close the window whatever its state; the lease that was closed, if any. */
  close(ctx: TargetContext): Promise<DbWindowLease | undefined>;
  /** Cheap, on every command: close a window whose lease expired, or whose opener died half-way. */
  sweep?(ctx: TargetContext): Promise<DbWindowLease | undefined>;
  current(ctx: TargetContext): Promise<DbWindowLease | undefined>;
}
