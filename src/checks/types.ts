/**
 * Types of the preflight engine: findings, the report, the options and the small
 * context every check receives. A check is a function of the context returning findings.
 */
import type { ResolvedEnvironment, SecretValues } from '../config/resolve.js';
import type { Host } from '../host/types.js';
import type { MachineUnderCheck, TargetHistory } from '../targets/types.js';

export type Severity = 'blocker' | 'warning' | 'info' | 'passed';

export interface Finding {
  /** Stable dotted id, e.g. `tls.expiry`; what `--accept-risk` names. */
  id: string;
  severity: Severity;
  /** Area the finding belongs to, e.g. `host`, `domains`. */
  area: string;
  /** Translated into the current language. */
  title: string;
  /** What was observed; names secrets, never their values. */
  evidence: string;
  fix?: string;
  /** A blocker the operator accepted with `--accept-risk <id>`. */
  accepted?: boolean;
  /** What the finding is about when a check runs per item (a domain, a variable). */
  subject?: string;
}

export interface PreflightReport {
  env: string;
  target: string;
  /** False iff an un-accepted blocker exists. */
  go: boolean;
  findings: Finding[];
  durationMs: number;
  /** Check ids that accepted at least one blocker. */
  accepted: string[];
}

export interface PreflightOptions {
  /** Where host checks run; default a LocalHost for local targets. */
  host?: Host;
  /** Several machines (a fleet): the host checks run on each, in parallel, and their findings name the machine. */
  machines?: MachineUnderCheck[];
  /** Check ids (or `id:subject`, or `area.*`) whose blockers are accepted. */
  acceptRisks?: string[];
  /** The time used by the change-window checks (default: now). */
  now?: Date;
  /** Environment used for AWS credentials, NODE_EXTRA_CA_CERTS and the like (default process.env). */
  processEnv?: NodeJS.ProcessEnv;
  /** Pids of this environment's own processes (stable-port holder, supervisor). */
  ownPids?: number[];
  /** Only run checks of these areas (default all). */
  areas?: string[];
  /** Per-check time limit (default 15 s); a check that overruns yields a warning. */
  checkTimeoutMs?: number;
  /** Backups and releases as the target keeps them (default: this machine's state directory). */
  history?: TargetHistory;
}

export interface CheckContext {
  envr: ResolvedEnvironment;
  secrets: SecretValues;
  host: Host | undefined;
  now: Date;
  processEnv: NodeJS.ProcessEnv;
  ownPids: number[];
  /** Absolute CLI-side state directory of the environment. */
  stateDir: string;
  /** Backups and releases as the target keeps them; without it the safety checks read `stateDir`. */
  history?: TargetHistory;
  /** Memo for work shared by several checks (a domain probe, the env scan). */
  memo<T>(key: string, make: () => Promise<T>): Promise<T>;
}

export interface CheckDef {
  /** Id used when the check itself fails to run. */
  id: string;
  area: string;
  run(ctx: CheckContext): Promise<Finding[]>;
  /**
   * The check guards against something left open (a public database, an open window): when it
   * cannot finish (timeout, error), not knowing blocks the deploy instead of warning.
   */
  guard?: boolean;
}
