/**
 * The typed request of each mutating aws command, journaled as the plan's meta, so a run
 * resumed after a crash rebuilds its plan with the options it was started with
 * (`planFor`), not with defaults.
 */
import { prefixOf } from '../../engine/migrations.js';
import type { Json, StepData } from '../../engine/step.js';
import type { DeployOptions, RollbackOptions } from '../types.js';

export interface DestroyRequest {
  force: boolean;
}

export interface ImportRequest {
  file: string;
  cidr: string;
}

const text = (meta: StepData, k: string): string | undefined => (typeof meta[k] === 'string' ? (meta[k] as string) : undefined);
const flag = (meta: StepData, k: string): boolean | undefined => (typeof meta[k] === 'boolean' ? (meta[k] as boolean) : undefined);

export function deployMeta(o: DeployOptions): StepData {
  const from = o.promoted?.from;
  return { ...(o.image ? { image: o.image } : {}), acceptRisks: [...o.acceptRisks], ...(o.allowUnverified === undefined ? {} : { allowUnverified: o.allowUnverified }), ...(from && o.image ? { promotedFrom: { env: from.env, release: from.release, ...(o.promoted?.migrations ? { migrations: { ...o.promoted.migrations } } : {}) } } : {}) };
}

export function deployRequest(meta: StepData): DeployOptions {
  const image = text(meta, 'image');
  const allow = flag(meta, 'allowUnverified');
  const risks = Array.isArray(meta.acceptRisks) ? meta.acceptRisks.filter((x): x is string => typeof x === 'string') : [];
  const from = meta.promotedFrom as { env?: unknown; release?: unknown; migrations?: Json } | undefined;
  const migrations = from ? prefixOf(from.migrations) : undefined;
  const promoted = image && from && typeof from.env === 'string' && typeof from.release === 'string' ? { promoted: { from: { env: from.env, release: from.release }, image, ...(migrations ? { migrations } : {}) } } : {};
  return { ...(image ? { image } : {}), acceptRisks: risks, ...(allow === undefined ? {} : { allowUnverified: allow }), ...promoted };
}

export function rollbackMeta(o: RollbackOptions): StepData {
  return { ...(o.to ? { to: o.to } : {}), ...(o.allowUnverified === undefined ? {} : { allowUnverified: o.allowUnverified }) };
}

export function rollbackRequest(meta: StepData): RollbackOptions {
  const to = text(meta, 'to');
  const allow = flag(meta, 'allowUnverified');
  return { ...(to ? { to } : {}), ...(allow === undefined ? {} : { allowUnverified: allow }) };
}

export const destroyMeta = (o: DestroyRequest): StepData => ({ force: o.force });
export const destroyRequest = (meta: StepData): DestroyRequest => ({ force: meta.force === true });
export const importMeta = (o: ImportRequest): StepData => ({ file: o.file, cidr: o.cidr });
export const importRequest = (meta: StepData): ImportRequest => ({ file: text(meta, 'file') ?? '', cidr: text(meta, 'cidr') ?? '' });
