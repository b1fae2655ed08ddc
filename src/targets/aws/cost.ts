/**
 * `slipway cost` for AWS: a monthly estimate from the dated price table (prices.ts), item
 * by item, and what leaving out the ALB and NAT gateway saves (as the runbook did).
 */
import type { ResolvedEnvironment } from '../../config/resolve.js';
import { t } from '../../engine/i18n.js';
import { asAws } from './names.js';
import { hasManagedDb } from './synth.js';
import { PRICE_DATE, PRICES } from './prices.js';

export const HOURS_PER_MONTH = 730;

export interface CostLine {
  key: string;
  params: Record<string, string | number>;
  monthlyUsd: number;
}

export interface CostReport {
  region: string;
  priceDate: string;
  /** Region without its own prices: the ap-southeast-2 table was used. */
  approximateRegion: boolean;
  lines: CostLine[];
  totalUsd: number;
  /** Things this configuration leaves out, and what they would cost. */
  savings: CostLine[];
}

const r2 = (n: number) => Math.round(n * 100) / 100;

export function estimateCost(envrAny: ResolvedEnvironment, usage: { logsGbMonth?: number; albLcu?: number; natGbMonth?: number } = {}): CostReport {
  const envr = asAws(envrAny);
  const tg = envr.target;
  const p = PRICES[tg.region] ?? PRICES['ap-southeast-2']!;
  const tasks = tg.autoscaling ? Math.max(tg.autoscaling.min, tg.desiredCount) : tg.desiredCount;
  const vcpu = tg.cpu / 1024;
  const gb = tg.memory / 1024;
  const lines: CostLine[] = [
    { key: 'aws.cost.fargate', params: { tasks, vcpu, gb }, monthlyUsd: tasks * HOURS_PER_MONTH * (vcpu * p.fargateVcpuHour + gb * p.fargateGbHour) },
    { key: 'aws.cost.publicIp', params: { count: tasks }, monthlyUsd: tasks * HOURS_PER_MONTH * p.publicIpv4Hour },
  ];
  if (hasManagedDb(envr)) {
    const hour = p.rdsHour[tg.dbInstanceClass];
    lines.push({ key: hour === undefined ? 'aws.cost.rdsUnknown' : 'aws.cost.rds', params: { cls: tg.dbInstanceClass, multiAz: tg.multiAz ? 'Multi-AZ' : 'single-AZ' }, monthlyUsd: (hour ?? 0) * HOURS_PER_MONTH * (tg.multiAz ? 2 : 1) });
    lines.push({ key: 'aws.cost.rdsStorage', params: { gb: tg.dbStorageGb }, monthlyUsd: tg.dbStorageGb * p.rdsGp3GbMonth * (tg.multiAz ? 2 : 1) });
  }
  const albMonthly = HOURS_PER_MONTH * (p.albHour + (usage.albLcu ?? 1) * p.albLcuHour + 2 * p.publicIpv4Hour);
  if (tg.alb) lines.push({ key: 'aws.cost.alb', params: { lcu: usage.albLcu ?? 1 }, monthlyUsd: albMonthly });
  const logs = usage.logsGbMonth ?? 2;
  lines.push({ key: 'aws.cost.logs', params: { gb: logs, days: tg.logRetentionDays }, monthlyUsd: logs * p.logsIngestGb + logs * Math.min(1, tg.logRetentionDays / 30) * p.logsStoreGbMonth });
  const secrets = (hasManagedDb(envr) ? 1 : 0) + (envr.secretNames.length ? 1 : 0);
  if (secrets) lines.push({ key: 'aws.cost.secrets', params: { count: secrets }, monthlyUsd: secrets * p.secretMonth });
  lines.push({ key: 'aws.cost.ecr', params: { gb: 1 }, monthlyUsd: p.ecrGbMonth });
  const savings: CostLine[] = [{ key: 'aws.cost.savedNat', params: { gb: usage.natGbMonth ?? 10 }, monthlyUsd: HOURS_PER_MONTH * p.natHour + (usage.natGbMonth ?? 10) * p.natGb }];
  if (!tg.alb) savings.unshift({ key: 'aws.cost.savedAlb', params: {}, monthlyUsd: albMonthly });
  for (const l of [...lines, ...savings]) l.monthlyUsd = r2(l.monthlyUsd);
  return { region: tg.region, priceDate: PRICE_DATE, approximateRegion: !PRICES[tg.region], lines, totalUsd: r2(lines.reduce((s, l) => s + l.monthlyUsd, 0)), savings };
}

export function renderCost(r: CostReport): string {
  const row = (l: CostLine) => `  ${t(l.key, l.params).padEnd(52)} ${`$${l.monthlyUsd.toFixed(2)}`.padStart(9)}`;
  const out = [t('aws.cost.title', { region: r.region, date: r.priceDate }), ...r.lines.map(row), `  ${t('aws.cost.total').padEnd(52)} ${`$${r.totalUsd.toFixed(2)}`.padStart(9)}`];
  if (r.approximateRegion) out.push(t('aws.cost.approxRegion'));
  out.push(t('aws.cost.savingsTitle'), ...r.savings.map(row), t('aws.cost.note'));
  return out.join('\n');
}
