/**
 * Values AWS accepts, checked before any template is written: CIDRs, regions and zones,
 * ACM certificate ARNs, log retention, Fargate cpu/memory pairs, DB instance classes.
 * Each check's message says what is allowed; the config loader adds the path and the value.
 */

/** IPv4 CIDR `a.b.c.d/n` with every octet 0–255 and n 0–32. */
export function isIpv4Cidr(s: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(s);
  if (!m) return false;
  const octets = m.slice(1, 5).map(Number);
  return octets.every((o) => o <= 255) && Number(m[5]) <= 32;
}

/** Prefix length of an IPv4 CIDR (32 = a single address). */
export function cidrPrefix(s: string): number {
  return Number(s.split('/')[1]);
}

export const CIDR_HINT = 'an IPv4 CIDR such as 203.0.113.7/32 (four numbers 0-255, then /0 to /32)';

/** Commercial AWS regions (the partition slipway targets). */
export const AWS_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'af-south-1',
  'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7',
  'ca-central-1', 'ca-west-1',
  'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1',
  'il-central-1', 'me-south-1', 'me-central-1', 'mx-central-1', 'sa-east-1',
] as const;

/** `us-east-1a` style zone names of a region. */
export function isZoneOf(zone: string, region: string): boolean {
  return zone.length === region.length + 1 && zone.startsWith(region) && /[a-z]$/.test(zone);
}

/** `arn:aws:acm:<region>:<account>:certificate/<id>`; returns the region, or undefined when malformed. */
export function acmArnRegion(arn: string): string | undefined {
  const m = /^arn:aws:acm:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):certificate\/[0-9a-f-]{36}$/.exec(arn);
  return m?.[1];
}

export const ACM_HINT = 'an ACM certificate ARN arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>';

/** The values CloudWatch Logs accepts for RetentionInDays. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** Fargate task sizes: memory (MiB) allowed for each cpu (units). */
export const FARGATE_MEMORY: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** How the allowed memory values of a cpu read in a message. */
export function memoryHint(cpu: number): string {
  const m = FARGATE_MEMORY[cpu];
  if (!m) return `cpu one of ${Object.keys(FARGATE_MEMORY).join(', ')}`;
  return m.length <= 4 ? m.join(', ') : `${m[0]} to ${m[m.length - 1]} in steps of ${m[1]! - m[0]!}`;
}

/** RDS for PostgreSQL instance classes: db.<family>.<size>. */
export const DB_CLASS = /^db\.(t3|t4g|m5|m5d|m6g|m6gd|m6i|m6id|m7g|m7i|m8g|r5|r5b|r5d|r6g|r6gd|r6i|r6id|r7g|r7i|r8g|x2g|x2iedn)\.(micro|small|medium|large|xlarge|\d{1,2}xlarge)$/;
export const DB_CLASS_HINT = 'an RDS PostgreSQL instance class db.<family>.<size>, e.g. db.t3.micro, db.t4g.small, db.m6g.large';

/** gp2/gp3 storage for RDS PostgreSQL, GiB. */
export const DB_STORAGE_GB = { min: 20, max: 65536 } as const;
