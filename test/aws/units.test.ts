/** Pure parts of the AWS target over realistic AWS response shapes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StackEvent } from '@aws-sdk/client-cloudformation';
import { failingResources, stuckAdvice } from '../../src/targets/aws/stacks.js';
import { resolveEngineVersion } from '../../src/targets/aws/database.js';
import { checkDockerfile } from '../../src/targets/aws/image.js';
import { estimateCost, renderCost } from '../../src/targets/aws/cost.js';
import { migrationResult } from '../../src/targets/aws/migrate.js';
import { hasMessage, allCatalogs } from '../../src/engine/i18n.js';
import { aws as awsCatalog } from '../../src/engine/messages/aws.js';
import '../../src/targets/aws/index.js';
import { loadEnv, writeConfig } from './helpers.js';

const ev = (i: number, logical: string, type: string, status: string, reason = ''): StackEvent => ({
  StackId: 'arn:aws:cloudformation:ap-southeast-2:123456789012:stack/shop-api-production-database/1a2b',
  EventId: `${logical}-${status}-${i}`,
  StackName: 'shop-api-production-database',
  LogicalResourceId: logical,
  PhysicalResourceId: '',
  ResourceType: type,
  Timestamp: new Date(Date.UTC(2025, 5, 1, 10, 0, i)),
  ResourceStatus: status as StackEvent['ResourceStatus'],
  ...(reason ? { ResourceStatusReason: reason } : {}),
});

test('failing resources: root cause first, cancelled collateral last, older operations ignored', () => {
  const S = 'shop-api-production-database';
  // DescribeStackEvents order: newest first.
  const events = [
    ev(9, S, 'AWS::CloudFormation::Stack', 'ROLLBACK_COMPLETE'),
    ev(8, 'DbSubnetGroup', 'AWS::RDS::DBSubnetGroup', 'DELETE_COMPLETE'),
    ev(7, S, 'AWS::CloudFormation::Stack', 'ROLLBACK_IN_PROGRESS', 'The following resource(s) failed to create: [Database]. Rollback requested by user.'),
    ev(6, 'Alarm', 'AWS::CloudWatch::Alarm', 'CREATE_FAILED', 'Resource creation cancelled'),
    ev(5, 'Database', 'AWS::RDS::DBInstance', 'CREATE_FAILED', 'Cannot find version 15.4 for postgres (Service: Rds, Status Code: 400, Request ID: 5b0c…)'),
    ev(4, 'Database', 'AWS::RDS::DBInstance', 'CREATE_IN_PROGRESS'),
    ev(3, 'DbSubnetGroup', 'AWS::RDS::DBSubnetGroup', 'CREATE_COMPLETE'),
    ev(2, S, 'AWS::CloudFormation::Stack', 'CREATE_IN_PROGRESS', 'User Initiated'),
    ev(1, 'Old', 'AWS::RDS::DBInstance', 'UPDATE_FAILED', 'an older operation'),
  ];
  const f = failingResources(events, S);
  assert.deepEqual(f.map((x) => x.logicalId), ['Database', 'Alarm']);
  assert.match(f[0]!.reason, /Cannot find version 15.4/);
});

test('stuck states get specific recovery advice', () => {
  assert.equal(stuckAdvice('UPDATE_ROLLBACK_FAILED'), 'aws.stack.stuck.updateRollbackFailed');
  assert.equal(stuckAdvice('ROLLBACK_COMPLETE'), 'aws.stack.stuck.createFailed');
  assert.equal(stuckAdvice('DELETE_FAILED'), 'aws.stack.stuck.deleteFailed');
  assert.equal(stuckAdvice('UPDATE_IN_PROGRESS'), 'aws.stack.stuck.inProgress');
  assert.equal(stuckAdvice('UPDATE_COMPLETE'), undefined);
  assert.equal(stuckAdvice('UPDATE_ROLLBACK_COMPLETE'), undefined, 'a rolled-back update can be updated again');
  for (const k of ['aws.stack.stuck.updateRollbackFailed', 'aws.stack.stuck.createFailed', 'aws.stack.stuck.deleteFailed', 'aws.stack.stuck.inProgress']) assert.ok(hasMessage(k));
});

test('engine version: newest available minor of the major; keeps a live version; degrades without the API', () => {
  // Shape of DescribeDBEngineVersions (ap-southeast-2, --engine postgres --engine-version 15)
  const offered = ['15.7', '15.8', '15.10', '15.12', '15.13', '15.14'].map((v) => ({ Engine: 'postgres', EngineVersion: v, DBParameterGroupFamily: 'postgres15', Status: 'available', DBEngineDescription: 'PostgreSQL', DBEngineVersionDescription: `PostgreSQL ${v}-R1` }));
  offered.push({ Engine: 'postgres', EngineVersion: '15.15', DBParameterGroupFamily: 'postgres15', Status: 'deprecated', DBEngineDescription: 'PostgreSQL', DBEngineVersionDescription: 'x' });
  assert.deepEqual(resolveEngineVersion(15, offered), { version: '15.14', source: 'region' });
  assert.deepEqual(resolveEngineVersion(15, offered, '15.10'), { version: '15.10', source: 'current' });
  const fb = resolveEngineVersion(15, undefined);
  assert.equal(fb.version, '15.14');
  assert.equal(fb.source, 'known');
  assert.ok(fb.warning);
  assert.throws(() => resolveEngineVersion(12, offered), /not offered/);
});

test('Dockerfile checks: EXPOSE, build step, dev server, .env', () => {
  const good = 'FROM node:20-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY src ./src\nCOPY tsconfig.json ./\nRUN npm run build\nADD https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /etc/ssl/certs/rds-global-bundle.pem\nEXPOSE 3000\nCMD ["node", "dist/server.js"]\n';
  assert.deepEqual(checkDockerfile(good, { port: 3000, typescript: true, caBundlePath: '/etc/ssl/certs/rds-global-bundle.pem' }), []);
  const bad = 'FROM node:20\nCOPY . .\nCOPY .env.production .env\nRUN npm ci\nEXPOSE 3050\nCMD ["npm", "run", "dev"]\n';
  const keys = checkDockerfile(bad, { port: 3000, typescript: true }).map((i) => i.key);
  assert.deepEqual(keys.sort(), ['aws.dockerfile.devServer', 'aws.dockerfile.envCopied', 'aws.dockerfile.exposeMismatch', 'aws.dockerfile.noBuild']);
  const copyAll = 'FROM node:20\nCOPY . .\nRUN npm run build\nEXPOSE 3000\nCMD ["node","dist/server.js"]';
  assert.ok(checkDockerfile(copyAll, { port: 3000, typescript: true, dockerignore: 'node_modules\n' }).some((i) => i.key === 'aws.dockerfile.envNotIgnored'));
  assert.ok(!checkDockerfile(copyAll, { port: 3000, typescript: true, dockerignore: 'node_modules\n.env*\n' }).some((i) => i.key === 'aws.dockerfile.envNotIgnored'));
});

test('migration result: exit code enforced', () => {
  assert.equal(migrationResult({ lastStatus: 'STOPPED', containers: [{ name: 'app', exitCode: 0 }] }, 'app').ok, true);
  const r = migrationResult({ lastStatus: 'STOPPED', stoppedReason: 'Essential container in task exited', containers: [{ name: 'app', exitCode: 1 }] }, 'app');
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : '', /exit code 1/);
  assert.equal(migrationResult({ lastStatus: 'STOPPED', stoppedReason: 'CannotPullContainerError: …', containers: [{ name: 'app' }] }, 'app').ok, false);
});

test('cost: the runbook configuration in Sydney, and what leaving out ALB/NAT saves', async () => {
  const r = estimateCost(await loadEnv(await writeConfig()));
  const fargate = r.lines.find((l) => l.key === 'aws.cost.fargate')!.monthlyUsd;
  assert.ok(fargate > 15 && fargate < 25, `Fargate 0.5 vCPU / 1 GB ≈ $15-25 (runbook), got ${fargate}`);
  assert.ok(r.totalUsd > 35 && r.totalUsd < 70, `total ${r.totalUsd}`);
  const saved = r.savings.reduce((s, l) => s + l.monthlyUsd, 0);
  assert.ok(saved > 45 && saved < 80, `ALB + NAT ≈ $55 (runbook), got ${saved}`);
  assert.match(renderCost(r), /ap-southeast-2/);
  const withAlb = estimateCost(await loadEnv(await writeConfig({ production: { alb: {} } })));
  assert.ok(withAlb.lines.some((l) => l.key === 'aws.cost.alb'));
});

test('every message of the aws catalog (src/engine/messages/aws.ts) is an aws.* key, registered, with en and zh-CN and the same placeholders', () => {
  const entries = Object.entries(awsCatalog);
  assert.ok(entries.length > 100, `${entries.length} messages`);
  assert.ok(allCatalogs().includes(awsCatalog), 'registered');
  for (const [k, m] of entries) {
    assert.ok(k.startsWith('aws.'), k);
    assert.ok(m.en && m['zh-CN'], k);
    const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((x) => x[1]).sort().join(',');
    assert.equal(ph(m.en), ph(m['zh-CN']), `placeholders of ${k}`);
  }
});
