/**
 * The target interface: one small contract that `local`, `ssh` and `aws` implement.
 * A target turns a resolved environment into plans (deploy, rollback, destroy) of named
 * steps, and answers status / releases / logs / endpoint. The engine runs the plans
 * (lock, journal, parallelism, undo, events, redaction) the same way for every target.
 */
import type { ResolvedEnvironment, SecretValues } from '../config/resolve.js';
import type { EventBus } from '../engine/events.js';
import type { Plan, Json, StepData } from '../engine/step.js';
import type { Redactor } from '../engine/redact.js';
import type { Host } from './host.js';
import type { LockStore } from '../engine/lock.js';

export interface TargetContext {
  envr: ResolvedEnvironment;
  secrets: SecretValues;
  events: EventBus;
  redactor: Redactor;
  /** Local directory for this environment's CLI-side state (journal, lock for local). */
  stateDir: string;
  /** Host that holds the deploy lock (local machine, or the SSH host). */
  lockHost: Host;
  signal: AbortSignal;
}

export interface DeployOptions {
  /** Prebuilt image (container targets). */
  image?: string;
  acceptRisks: string[];
  allowUnverified?: boolean;
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

export interface LogOptions {
  follow: boolean;
  lines: number;
  signal: AbortSignal;
}

export interface Target {
  readonly name: string;
  deployPlan(ctx: TargetContext, opts: DeployOptions): Promise<Plan>;
  rollbackPlan(ctx: TargetContext, to: string | undefined): Promise<Plan>;
  destroyPlan(ctx: TargetContext, opts: { force: boolean }): Promise<Plan>;
  /** Rebuild the plan of an interrupted run from its journal meta, for recovery. */
  planFor(ctx: TargetContext, kind: string, meta: StepData): Promise<Plan>;
  status(ctx: TargetContext): Promise<StatusReport>;
  releases(ctx: TargetContext): Promise<ReleaseRecord[]>;
  logs(ctx: TargetContext, opts: LogOptions): AsyncIterable<string>;
  endpoint(ctx: TargetContext): Promise<string | undefined>;
  /** Replace the database's contents with a pg_dump archive (backup/snapshot first). */
  importPlan?(ctx: TargetContext, opts: { file: string; cidr?: string }): Promise<Plan>;
  /** Where the deploy lock lives when not in the local state dir (e.g. in the cloud account, shared by every machine). */
  lockStore?(ctx: TargetContext): LockStore;
}

export type TargetFactory = () => Promise<Target>;
