/**
 * `slipway db rehearse` on aws (moto): RDS exports a snapshot to S3 only as Parquet, which no
 * PostgreSQL restores, so a rehearsal cannot be made from one here. The command exits 2 saying
 * so, with the way to rehearse instead, in English and in Chinese — and creates nothing: the
 * instances, snapshots, export tasks, stacks, parameters, secrets and security-group rules in
 * moto are the same before and after, and no rehearsal is recorded.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CloudFormationClient, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { EC2Client, DescribeSecurityGroupRulesCommand } from '@aws-sdk/client-ec2';
import { RDSClient, DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, DescribeExportTasksCommand } from '@aws-sdk/client-rds';
import { SecretsManagerClient, ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import { SSMClient, DescribeParametersCommand } from '@aws-sdk/client-ssm';
import { startMoto, awsTestEnv, type Moto } from './moto.js';
import { writeConfig } from './helpers.js';
import { ensureBuilt } from '../helpers/local-env.js';
import { runCli, type CliResult } from '../helpers/cli.js';

const IMAGE = '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/shop-api:v1';
let moto: Moto;
let config: string;

const cli = (args: string[], extra: Record<string, string> = {}): Promise<CliResult> =>
  runCli(args, { config, env: { ...awsTestEnv, AWS_ENDPOINT_URL: moto.url, JWT_SECRET: 'rehearse-test-secret', ...extra } });

/** What a rehearsal could create: database instances, snapshots, export tasks, stacks, parameters, secrets, security-group rules. */
async function resources() {
  const o = { endpoint: moto.url, region: 'ap-southeast-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const rds = new RDSClient(o);
  const sorted = (xs: (string | undefined)[]) => xs.map(String).sort();
  return {
    instances: sorted(((await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).map((d) => `${d.DBInstanceIdentifier} ${d.DBInstanceStatus}`)),
    snapshots: sorted(((await rds.send(new DescribeDBSnapshotsCommand({}))).DBSnapshots ?? []).map((d) => d.DBSnapshotIdentifier)),
    exports: sorted(((await rds.send(new DescribeExportTasksCommand({}))).ExportTasks ?? []).map((d) => d.ExportTaskIdentifier)),
    stacks: sorted(((await new CloudFormationClient(o).send(new ListStacksCommand({}))).StackSummaries ?? []).map((d) => `${d.StackName} ${d.StackStatus}`)),
    parameters: sorted(((await new SSMClient(o).send(new DescribeParametersCommand({}))).Parameters ?? []).map((d) => `${d.Name} ${d.Version}`)),
    secrets: sorted(((await new SecretsManagerClient(o).send(new ListSecretsCommand({}))).SecretList ?? []).map((d) => d.Name)),
    rules: sorted(((await new EC2Client(o).send(new DescribeSecurityGroupRulesCommand({}))).SecurityGroupRules ?? []).map((d) => d.SecurityGroupRuleId)),
  };
}

before(async () => {
  ensureBuilt();
  moto = await startMoto();
  config = await writeConfig();
  const r = await cli(['deploy', 'production', '--image', IMAGE]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});
after(async () => {
  await moto?.stop();
});

test('db rehearse on aws exits 2 naming the cause and the fix (en, zh-CN) and creates nothing', async () => {
  const before = await resources();
  assert.equal(before.instances.length, 1, 'the deployed database');
  const r = await cli(['db', 'rehearse', 'production']);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  const out = r.stdout + r.stderr;
  assert.match(out, /an RDS snapshot cannot be turned into a pg_dump archive here \(StartExportTask writes Parquet files to S3/);
  assert.match(out, /fix: .*Restore the snapshot to a temporary instance .*pg_dump -Fc.*or rehearse on a local or ssh environment/);
  const zh = await cli(['db', 'rehearse', 'production', '--fresh'], { SLIPWAY_LANG: 'zh-CN' });
  assert.equal(zh.code, 2, zh.stdout + zh.stderr);
  assert.match(zh.stdout + zh.stderr, /此处无法把 RDS 快照转换为 pg_dump 归档（StartExportTask 只把 Parquet 文件写入 S3/);
  assert.match(zh.stdout + zh.stderr, /请把快照恢复为临时实例/);
  const now = await resources();
  assert.deepEqual(now, before, 'nothing was created or changed in moto');
  assert.deepEqual(now.exports, []);
  assert.ok(!existsSync(path.join(path.dirname(config), '.slipway', 'production', 'rehearsals')), 'no rehearsal recorded');
});
