/** slipway as a library: configuration helpers, the engine and the targets. */
export { defineConfig } from './config/define.js';
export { loadConfig, validateConfig } from './config/load.js';
export { resolveEnvironment, readSecrets } from './config/resolve.js';
export type * from './config/schema.js';
export type { ResolvedEnvironment, SecretValues } from './config/resolve.js';
export { openSession, runMutation } from './session/session.js';
export { runPlan, recoverRun } from './engine/runner.js';
export { EventBus } from './engine/events.js';
export { Redactor } from './engine/redact.js';
export { SlipwayError, ConfigError } from './engine/errors.js';
export type { Step, Plan, StepContext } from './engine/step.js';
export type { Target, TargetContext, ReleaseRecord, StatusReport } from './targets/types.js';
export type { Host } from './host/types.js';
