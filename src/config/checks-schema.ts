/** Preflight settings, domains and object storage (owned by the preflight area). */
import { z } from 'zod';

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');
const port = z.number().int().min(1).max(65535);

export const checkSettingsSchema = z
  .strictObject({
    maxCpuLoadPercent: z.number().min(1).max(100).default(80),
    maxMemoryPercent: z.number().min(1).max(100).default(80),
    minDiskFreePercent: z.number().min(0).max(100).default(20),
    minDiskFreeGb: z.number().min(0).default(5),
    certWarnDays: z.number().int().min(0).default(30),
    certBlockDays: z.number().int().min(0).default(7),
    backupMaxAgeHours: z.number().min(0).default(24),
    maxClockSkewSeconds: z.number().min(0).default(30),
    busyHours: z
      .array(z.string().regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/, 'HH:MM-HH:MM'))
      .default([])
      .describe('Busy windows (in `timeZone`) when a production deploy is a blocker unless accepted.'),
    timeZone: z.string().default('Asia/Shanghai'),
    lowTrafficWindow: z
      .string()
      .regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/, 'HH:MM-HH:MM')
      .default('02:00-04:00')
      .describe('Recommended low-traffic window (in `timeZone`) for production deploys.'),
    resolver: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe('DNS server(s) for the domain checks, e.g. `1.1.1.1` or `127.0.0.1:5353`; default the system resolver.'),
    caFile: z.string().optional().describe('Extra CA certificates (PEM) trusted by the TLS checks, like NODE_EXTRA_CA_CERTS.'),
    httpTimeoutMs: z.number().int().positive().default(5000).describe('Time limit of one DNS, TLS or HTTPS probe.'),
    stuckMinutes: z.number().min(1).default(60).describe('A CloudFormation stack in *_IN_PROGRESS for longer than this is stuck.'),
    skip: z.array(z.string()).default([]).describe('Check ids (or `area.*`) not to run; they are listed as info.'),
    production: z.boolean().optional().describe('Treat as production; default true for an environment named production/prod.'),
  })
  .describe('Preflight thresholds; defaults follow the risk assessment.');

export const domainSchema = z
  .strictObject({
    name: z.string().describe('Host name, e.g. api.example.com.'),
    role: z.enum(['site', 'api', 'cdn', 'test']).default('site'),
    expectAddress: z.string().optional().describe('The address it must resolve to.'),
    port: port.default(443),
    connectAddress: z.string().optional().describe('Connect to this address instead of the resolved one (tests, split-horizon DNS).'),
    healthPath: z.string().optional().describe('A path that must answer over HTTPS.'),
  })
  .describe('A domain the deployment serves or depends on.');

export const storageSchema = z
  .discriminatedUnion('provider', [
    z.strictObject({
      provider: z.literal('upyun'),
      bucket: z.string(),
      operatorSecret: envName.describe('Secret holding the operator name.'),
      passwordSecret: envName.describe('Secret holding the operator password.'),
      formApiKeySecret: envName.optional().describe('Secret holding the form-API key.'),
      cdnDomain: z.string(),
      styles: z.array(z.string()).default([]),
      callbackUrl: z.string().optional(),
      directUpload: z.boolean().default(true).describe('Browsers upload through the form API (needs the form-API key and a callback).'),
    }),
    z.strictObject({
      provider: z.literal('s3'),
      bucket: z.string(),
      endpoint: z.string().optional(),
      region: z.string().optional(),
      accessKeySecret: envName,
      secretKeySecret: envName,
      cdnDomain: z.string().optional(),
    }),
  ])
  .describe('Object storage / CDN used by the app.');

