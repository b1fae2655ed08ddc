/**
 * The AWS SDK v3 client packages, each loaded on first use — one table for the aws target
 * (src/targets/aws/clients.ts) and the aws checks (src/checks/aws/checks.ts), which sit side
 * by side above this layer.
 *
 * Start-up: a package is loaded with `require` (which skips the ESM loader's format detection
 * of CommonJS) when a command first needs it, so a command pays only for the services it calls
 * (`releases` loads SSM alone). The bundled CLI leaves the SDK in node_modules (scripts/bundle.mjs).
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export const sdk = {
  acm: () => load('@aws-sdk/client-acm') as typeof import('@aws-sdk/client-acm'),
  cfn: () => load('@aws-sdk/client-cloudformation') as typeof import('@aws-sdk/client-cloudformation'),
  ec2: () => load('@aws-sdk/client-ec2') as typeof import('@aws-sdk/client-ec2'),
  ecr: () => load('@aws-sdk/client-ecr') as typeof import('@aws-sdk/client-ecr'),
  ecs: () => load('@aws-sdk/client-ecs') as typeof import('@aws-sdk/client-ecs'),
  elb: () => load('@aws-sdk/client-elastic-load-balancing-v2') as typeof import('@aws-sdk/client-elastic-load-balancing-v2'),
  iam: () => load('@aws-sdk/client-iam') as typeof import('@aws-sdk/client-iam'),
  logs: () => load('@aws-sdk/client-cloudwatch-logs') as typeof import('@aws-sdk/client-cloudwatch-logs'),
  rds: () => load('@aws-sdk/client-rds') as typeof import('@aws-sdk/client-rds'),
  sm: () => load('@aws-sdk/client-secrets-manager') as typeof import('@aws-sdk/client-secrets-manager'),
  ssm: () => load('@aws-sdk/client-ssm') as typeof import('@aws-sdk/client-ssm'),
  sts: () => load('@aws-sdk/client-sts') as typeof import('@aws-sdk/client-sts'),
};
