/**
 * On-demand prices used by `slipway cost`, USD, Linux/x86, per region. Dated: check
 * https://aws.amazon.com/pricing before relying on them; they drift.
 */
export const PRICE_DATE = '2025-10';

export interface RegionPrices {
  fargateVcpuHour: number;
  fargateGbHour: number;
  /** PostgreSQL single-AZ instance-hour by class (Multi-AZ doubles it). */
  rdsHour: Record<string, number>;
  rdsGp3GbMonth: number;
  rdsBackupGbMonth: number;
  albHour: number;
  albLcuHour: number;
  natHour: number;
  natGb: number;
  publicIpv4Hour: number;
  logsIngestGb: number;
  logsStoreGbMonth: number;
  secretMonth: number;
  ecrGbMonth: number;
}

export const PRICES: Record<string, RegionPrices> = {
  'ap-southeast-2': {
    fargateVcpuHour: 0.04856,
    fargateGbHour: 0.00532,
    rdsHour: { 'db.t3.micro': 0.028, 'db.t3.small': 0.056, 'db.t3.medium': 0.112, 'db.t4g.micro': 0.026, 'db.t4g.small': 0.052, 'db.t4g.medium': 0.104, 'db.m6g.large': 0.238 },
    rdsGp3GbMonth: 0.138,
    rdsBackupGbMonth: 0.095,
    albHour: 0.0252,
    albLcuHour: 0.008,
    natHour: 0.059,
    natGb: 0.059,
    publicIpv4Hour: 0.005,
    logsIngestGb: 0.57,
    logsStoreGbMonth: 0.0315,
    secretMonth: 0.4,
    ecrGbMonth: 0.1,
  },
  'us-east-1': {
    fargateVcpuHour: 0.04048,
    fargateGbHour: 0.004445,
    rdsHour: { 'db.t3.micro': 0.018, 'db.t3.small': 0.036, 'db.t3.medium': 0.072, 'db.t4g.micro': 0.016, 'db.t4g.small': 0.032, 'db.t4g.medium': 0.065, 'db.m6g.large': 0.159 },
    rdsGp3GbMonth: 0.115,
    rdsBackupGbMonth: 0.095,
    albHour: 0.0225,
    albLcuHour: 0.008,
    natHour: 0.045,
    natGb: 0.045,
    publicIpv4Hour: 0.005,
    logsIngestGb: 0.5,
    logsStoreGbMonth: 0.03,
    secretMonth: 0.4,
    ecrGbMonth: 0.1,
  },
  'ap-northeast-1': {
    fargateVcpuHour: 0.05056,
    fargateGbHour: 0.00553,
    rdsHour: { 'db.t3.micro': 0.026, 'db.t3.small': 0.052, 'db.t3.medium': 0.104, 'db.t4g.micro': 0.025, 'db.t4g.small': 0.05, 'db.t4g.medium': 0.1, 'db.m6g.large': 0.226 },
    rdsGp3GbMonth: 0.138,
    rdsBackupGbMonth: 0.095,
    albHour: 0.0243,
    albLcuHour: 0.008,
    natHour: 0.062,
    natGb: 0.062,
    publicIpv4Hour: 0.005,
    logsIngestGb: 0.76,
    logsStoreGbMonth: 0.033,
    secretMonth: 0.4,
    ecrGbMonth: 0.1,
  },
};
