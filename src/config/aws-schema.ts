/** Options of an environment whose target is `aws` (owned by the AWS target). */
import { z } from 'zod';
import {
  ACM_HINT, AWS_REGIONS, CIDR_HINT, DB_CLASS, DB_CLASS_HINT, DB_STORAGE_GB, FARGATE_MEMORY, LOG_RETENTION_DAYS,
  acmArnRegion, isIpv4Cidr, isZoneOf, memoryHint,
} from './aws-values.js';

const cidr = z.string().refine(isIpv4Cidr, CIDR_HINT);

export const awsOptions = {
    region: z
      .string()
      .refine((r) => (AWS_REGIONS as readonly string[]).includes(r), `an AWS region: one of ${AWS_REGIONS.join(', ')}`),
    endpoint: z.string().url().optional().describe('API endpoint override (moto, LocalStack); AWS_ENDPOINT_URL also works.'),
    availabilityZones: z
      .array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, 'an availability zone name such as ap-southeast-2a'))
      .length(2)
      .optional()
      .describe('The two AZs of the public subnets; default `<region>a` and `<region>b` (`a`/`c` where a region has no `b`).'),
    cpu: z
      .number()
      .int()
      .refine((c) => c in FARGATE_MEMORY, `Fargate cpu units: one of ${Object.keys(FARGATE_MEMORY).join(', ')}`)
      .default(512)
      .describe('Fargate cpu units: 256, 512, 1024, 2048, 4096, 8192 or 16384; `memory` must be a size Fargate pairs with it.'),
    memory: z.number().int().default(1024).describe('Fargate memory (MiB), one allowed with `cpu` (e.g. 512 cpu: 1024–4096 in steps of 1024).'),
    desiredCount: z.number().int().min(0).default(1),
    dbInstanceClass: z.string().regex(DB_CLASS, DB_CLASS_HINT).default('db.t3.micro'),
    dbStorageGb: z
      .number()
      .int()
      .min(DB_STORAGE_GB.min, `at least ${DB_STORAGE_GB.min} GiB (the gp storage minimum)`)
      .max(DB_STORAGE_GB.max, `at most ${DB_STORAGE_GB.max} GiB`)
      .default(20),
    multiAz: z.boolean().default(false),
    dbCaBundlePath: z
      .string()
      .startsWith('/')
      .default('/etc/ssl/certs/rds-global-bundle.pem')
      .describe('Where the image holds the RDS CA bundle (global-bundle.pem); tasks get PGSSLMODE=verify-full, PGSSLROOTCERT=<this> and NODE_EXTRA_CA_CERTS=<this>.'),
    allowedCidrs: z.array(cidr).default(['0.0.0.0/0']).describe('Who may reach the app port when there is no ALB.'),
    alb: z
      .strictObject({ certificateArn: z.string().refine((a) => acmArnRegion(a) !== undefined, ACM_HINT).optional(), domain: z.string().optional() })
      .optional()
      .describe('Put an Application Load Balancer in front (443 with an ACM certificate, 80 redirects).'),
    autoscaling: z.strictObject({ min: z.number().int().min(1), max: z.number().int().min(1), cpuTarget: z.number().min(10).max(95).default(60) }).optional(),
    logRetentionDays: z
      .number()
      .int()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), `a CloudWatch Logs retention: one of ${LOG_RETENTION_DAYS.join(', ')}`)
      .default(30),
    rolloutTimeoutSeconds: z.number().int().min(30).default(900).describe('Give up on a rollout (and roll back) after this long.'),
    migrateTimeoutSeconds: z.number().int().min(30).default(900).describe('Give up on the migration task after this long.'),
    allowUnverified: z.boolean().default(false).describe('Let a deploy finish when verification could not run; it is recorded as unverified.'),
    lockTtlMs: z.number().int().min(1000).default(30_000).describe('Lease of the deploy lock in SSM Parameter Store: renewed every third of it while a command runs; a lock whose holder stopped renewing is taken over after it.'),
};

interface AwsValues {
  region: string;
  availabilityZones?: string[] | undefined;
  cpu: number;
  memory: number;
  alb?: { certificateArn?: string | undefined } | undefined;
  autoscaling?: { min: number; max: number } | undefined;
}

/** Checks across fields of an aws environment (each issue names the field it is about). */
export function checkAwsValues(v: AwsValues, ctx: z.RefinementCtx): void {
  const allowed = FARGATE_MEMORY[v.cpu];
  if (allowed && !allowed.includes(v.memory)) {
    ctx.addIssue({ code: 'custom', path: ['memory'], message: `with cpu ${v.cpu}, Fargate allows memory ${memoryHint(v.cpu)}` });
  }
  const zones = v.availabilityZones ?? [];
  zones.forEach((zone, i) => {
    if (!isZoneOf(zone, v.region)) ctx.addIssue({ code: 'custom', path: ['availabilityZones', i], message: `a zone of region ${v.region}, such as ${v.region}a` });
  });
  if (zones.length === 2 && zones[0] === zones[1]) {
    ctx.addIssue({ code: 'custom', path: ['availabilityZones', 1], message: 'two different zones (the subnets must be in distinct zones)' });
  }
  const arn = v.alb?.certificateArn;
  const arnRegion = arn ? acmArnRegion(arn) : undefined;
  if (arnRegion && arnRegion !== v.region) {
    ctx.addIssue({ code: 'custom', path: ['alb', 'certificateArn'], message: `a certificate in the environment's region ${v.region} (this one is in ${arnRegion}); request or import it in ${v.region}` });
  }
  if (v.autoscaling && v.autoscaling.min > v.autoscaling.max) {
    ctx.addIssue({ code: 'custom', path: ['autoscaling', 'min'], message: `at most autoscaling.max (${v.autoscaling.max})` });
  }
}
