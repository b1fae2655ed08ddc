/** Options of an environment whose target is `aws` (owned by the AWS target). */
import { z } from 'zod';

export const awsOptions = {
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as ap-southeast-2'),
    endpoint: z.string().url().optional().describe('API endpoint override (moto, LocalStack); AWS_ENDPOINT_URL also works.'),
    availabilityZones: z
      .array(z.string())
      .length(2)
      .optional()
      .describe('The two AZs of the public subnets; default `<region>a` and `<region>b` (`a`/`c` where a region has no `b`).'),
    cpu: z.number().int().default(512),
    memory: z.number().int().default(1024),
    desiredCount: z.number().int().min(0).default(1),
    dbInstanceClass: z.string().default('db.t3.micro'),
    dbStorageGb: z.number().int().min(20).default(20),
    multiAz: z.boolean().default(false),
    dbCaBundlePath: z
      .string()
      .startsWith('/')
      .default('/etc/ssl/certs/rds-global-bundle.pem')
      .describe('Where the image holds the RDS CA bundle (global-bundle.pem); tasks get PGSSLMODE=verify-full and PGSSLROOTCERT=<this>.'),
    allowedCidrs: z.array(z.string()).default(['0.0.0.0/0']).describe('Who may reach the app port when there is no ALB.'),
    alb: z
      .strictObject({ certificateArn: z.string().optional(), domain: z.string().optional() })
      .optional()
      .describe('Put an Application Load Balancer in front (443 with an ACM certificate, 80 redirects).'),
    autoscaling: z.strictObject({ min: z.number().int().min(1), max: z.number().int().min(1), cpuTarget: z.number().min(10).max(95).default(60) }).optional(),
    logRetentionDays: z.number().int().default(30),
    rolloutTimeoutSeconds: z.number().int().min(30).default(900).describe('Give up on a rollout (and roll back) after this long.'),
    migrateTimeoutSeconds: z.number().int().min(30).default(900).describe('Give up on the migration task after this long.'),
    allowUnverified: z.boolean().default(false).describe('Let a deploy finish when verification could not run; it is recorded as unverified.'),
};
