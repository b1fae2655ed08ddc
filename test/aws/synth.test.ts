import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { synth, stackSpecs } from '../../src/targets/aws/synth.js';
import { loadEnv, writeConfig } from './helpers.js';

const variants: Record<string, Record<string, unknown>> = {
  'no ALB (the runbook default)': {},
  'ALB with certificate and autoscaling': {
    alb: { certificateArn: 'arn:aws:acm:ap-southeast-2:123456789012:certificate/5a268437-8612-4ce1-aa56-d6f0d98b2aea' },
    autoscaling: { min: 1, max: 4, cpuTarget: 60 },
    multiAz: true,
  },
};

for (const [label, production] of Object.entries(variants)) {
  test(`synth writes UTF-8 YAML templates that pass cfn-lint: ${label}`, async () => {
    const envr = await loadEnv(await writeConfig({ production }));
    const out = await mkdtemp(path.join(os.tmpdir(), 'slipway-synth-'));
    const files = await synth(envr, out);
    assert.ok(files.length >= 6, `expected at least 6 templates, got ${files.length}`);
    for (const f of files) {
      const bytes = await readFile(f);
      assert.equal(Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes), true, `${f} is UTF-8`);
      const doc = parse(bytes.toString('utf8')) as { Resources: Record<string, unknown> };
      assert.ok(Object.keys(doc.Resources).length > 0);
    }
    const r = spawnSync('cfn-lint', ['--format', 'parseable', '--regions', 'ap-southeast-2', '--', ...files], { encoding: 'utf8' });
    const errors = r.stdout.split('\n').filter((l) => /:E\d{4}:/.test(l) || /^E\d/.test(l));
    assert.deepEqual(errors, [], `cfn-lint errors:\n${r.stdout}${r.stderr}`);
    assert.notEqual(r.status, null, 'cfn-lint ran');
    assert.ok(r.status === 0 || (r.status! & 2) === 0, `cfn-lint exit ${r.status}: ${r.stdout}${r.stderr}`);
  });
}

test('templates follow the runbook pitfalls', async () => {
  const envr = await loadEnv(await writeConfig({ production: { alb: {} } }));
  const specs = stackSpecs(envr, { scaling: true });
  const byLayer = Object.fromEntries(specs.map((s) => [s.layer, s.template]));
  const all = JSON.stringify(specs.map((s) => s.template));
  // pitfall 2: two subnets in two zones, in forms moto understands
  const net = byLayer.network!.Resources;
  assert.deepEqual(net.PublicSubnet1!.Properties.AvailabilityZone, { 'Fn::Sub': '${AWS::Region}a' });
  assert.deepEqual(net.PublicSubnet2!.Properties.AvailabilityZone, { 'Fn::Sub': '${AWS::Region}b' });
  assert.equal(net.Vpc!.Properties.EnableDnsHostnames, true);
  assert.doesNotMatch(all, /Fn::GetAZs|Fn::Cidr/);
  // pitfall 5: minimal cluster
  assert.doesNotMatch(JSON.stringify(byLayer.cluster), /CapacityProvider/);
  // database: private, encrypted, 5432, password only as a dynamic reference
  const db = byLayer.database!.Resources.Database!;
  assert.equal(db.Properties.PubliclyAccessible, false);
  assert.equal(db.Properties.StorageEncrypted, true);
  assert.equal(db.Properties.Port, '5432');
  assert.equal(db.Properties.DeletionProtection, true, 'production has deletion protection');
  assert.equal(db.DeletionPolicy, 'Snapshot');
  assert.equal(db.UpdateReplacePolicy, 'Snapshot');
  assert.match(JSON.stringify(db.Properties.MasterUserPassword), /resolve:secretsmanager/);
  // DB SG: 5432 only from the app SG; app SG only from the ALB SG when there is an ALB
  const sec = byLayer.security!.Resources;
  assert.deepEqual(sec.DbSecurityGroup!.Properties.SecurityGroupIngress, [
    { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: { Ref: 'AppSecurityGroup' }, Description: 'PostgreSQL from app tasks' },
  ]);
  assert.doesNotMatch(JSON.stringify(sec.AppSecurityGroup), /CidrIp/);
  // ECR scan on push + lifecycle
  const repo = byLayer.registry!.Resources.Repository!.Properties;
  assert.deepEqual(repo.ImageScanningConfiguration, { ScanOnPush: true });
  assert.ok(repo.LifecyclePolicy);
  // pitfall 9: roles made by the stack
  assert.equal(byLayer.service!.Resources.ExecutionRole!.Type, 'AWS::IAM::Role');
  // ALB health check on the app's path
  assert.equal(byLayer.alb!.Resources.TargetGroup!.Properties.HealthCheckPath, '/health');
});

test('non-production database has no deletion protection and no snapshot policy', async () => {
  const envr = await loadEnv(await writeConfig({ production: { check: { production: false } } }));
  const db = stackSpecs(envr).find((s) => s.layer === 'database')!.template.Resources.Database!;
  assert.equal(db.Properties.DeletionProtection, false);
  assert.equal(db.DeletionPolicy, 'Delete');
});
