import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ACMClient, ImportCertificateCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateDBInstanceCommand, ModifyDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { certCovers, classifyStack, pickEngineVersion, zonesOf } from '../../src/checks/aws/logic.js';
import { networkTemplate } from '../../src/targets/aws/templates/network.js';
import { templateInput } from '../../src/targets/aws/synth.js';
import { asAws } from '../../src/targets/aws/names.js';
import { DAY, byId, makePki, one, preflight, setup, tempDir } from './helpers.js';
import { startMoto } from '../aws/moto.js';

const REGION = 'ap-southeast-2';
const CREDS = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', HOME: '/nonexistent' };

/** Realistic DescribeDBEngineVersions EngineVersion values (ap-southeast-2, 2025). */
const OFFERED = ['11.22', '12.19', '12.20', '12.22', '13.15', '13.16', '13.18', '13.20', '14.12', '14.13', '14.15', '14.17', '15.7', '15.8', '15.10', '15.12', '15.13', '15.14', '16.3', '16.4', '16.6', '16.8', '16.9', '17.2', '17.4', '17.5'];

describe('AWS logic (realistic responses)', () => {
  it('pickEngineVersion: exact, major, nearest patch (15.4 → 15.14), nearest major', () => {
    assert.deepEqual(pickEngineVersion('15.14', OFFERED), { ok: true, version: '15.14' });
    assert.deepEqual(pickEngineVersion(15, OFFERED), { ok: true, version: '15.14' });
    assert.deepEqual(pickEngineVersion('15.4', OFFERED), { ok: false, suggestion: '15.14' });
    assert.deepEqual(pickEngineVersion(18, OFFERED), { ok: false, suggestion: '17.5' });
    assert.deepEqual(pickEngineVersion('10.21', OFFERED), { ok: false, suggestion: '11.22' });
    assert.deepEqual(pickEngineVersion(15, []), { ok: false });
  });

  it('classifyStack: failed states, ROLLBACK_COMPLETE, stuck vs busy in-progress', () => {
    const now = new Date('2025-01-01T12:00:00Z');
    const ago = (m: number) => new Date(now.getTime() - m * 60000);
    assert.equal(classifyStack('UPDATE_ROLLBACK_FAILED', ago(5), now, 60).kind, 'updateRollbackFailed');
    assert.equal(classifyStack('CREATE_FAILED', ago(5), now, 60).severity, 'blocker');
    assert.equal(classifyStack('DELETE_FAILED', ago(5), now, 60).kind, 'deleteFailed');
    assert.equal(classifyStack('ROLLBACK_COMPLETE', ago(5), now, 60).kind, 'rollbackComplete');
    assert.deepEqual(classifyStack('UPDATE_IN_PROGRESS', ago(90), now, 60), { severity: 'blocker', kind: 'stuck', minutes: 90 });
    assert.equal(classifyStack('UPDATE_IN_PROGRESS', ago(5), now, 60).severity, 'warning');
    assert.equal(classifyStack('UPDATE_COMPLETE', ago(5), now, 60).severity, 'passed');
    assert.equal(classifyStack('UPDATE_ROLLBACK_COMPLETE', ago(5), now, 60).severity, 'passed');
  });

  it('certCovers and zonesOf', () => {
    assert.ok(certCovers(['example.com', '*.example.com'], 'api.example.com'));
    assert.ok(!certCovers(['*.example.com'], 'a.b.example.com'));
    assert.deepEqual(zonesOf([{ AvailabilityZone: 'b' }, { AvailabilityZone: 'a' }, { AvailabilityZone: 'a' }]), ['a', 'b']);
  });
});

describe('AWS checks against moto_server', () => {
  let moto: Awaited<ReturnType<typeof startMoto>>;
  let cfg: { region: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  before(async () => {
    moto = await startMoto({ serviceRunning: false });
    cfg = { region: REGION, endpoint: moto.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  });
  after(async () => moto.stop());
  // moto's EC2 model takes seconds to load after each reset: tests use their own environment names instead.
  const aws = async (environment: Record<string, unknown> = {}, processEnv: NodeJS.ProcessEnv = CREDS, now?: Date, envName = 'prod') => {
    const s = await setup({ envName, config: { app: { name: 'shop', start: 'node server.js' }, database: { name: 'shop', user: 'shop', version: 15 } }, environment: { target: 'aws', region: REGION, endpoint: moto.url, port: undefined, ...environment } });
    return preflight(s, { areas: ['aws'], processEnv, ...(now ? { now } : {}) });
  };

  it('no credentials: a blocker for identity, every other AWS check says it did not run', async () => {
    const r = await aws({}, { HOME: tempDir() });
    assert.equal(one(r, 'aws.credentials').severity, 'blocker');
    for (const id of ['aws.region', 'aws.engine-version', 'aws.subnets', 'aws.stacks', 'aws.public-db', 'aws.certificate', 'aws.ecs-service-role']) assert.equal(one(r, id).severity, 'warning', id);
    assert.equal(r.go, false);
  });

  it('identity, region, engine version (moto answers 500: could not verify), no stacks yet', async () => {
    const r = await aws();
    const id = one(r, 'aws.credentials');
    assert.equal(id.severity, 'passed');
    assert.match(id.title, /\d{12}/);
    assert.equal(one(r, 'aws.region').severity, 'passed');
    const ev = one(r, 'aws.engine-version');
    assert.equal(ev.severity, 'warning');
    assert.match(ev.title, /could not be verified/);
    assert.equal(one(r, 'aws.subnets').severity, 'info');
    assert.equal(one(r, 'aws.stacks').severity, 'info');
    assert.equal(one(r, 'aws.public-db').severity, 'passed');
    assert.equal(one(r, 'aws.certificate').severity, 'info');
  });

  /** slipway's own network template (the stack `deploy` creates), with the two zones given. */
  const network = async (envName: string, zones: [string, string]) => {
    const s = await setup({ envName, config: { app: { name: 'shop', start: 'node server.js' } }, environment: { target: 'aws', region: REGION, endpoint: moto.url, port: undefined } });
    return networkTemplate({ ...templateInput(asAws(s.envr)), availabilityZones: zones });
  };

  it("subnets: slipway's own network stack across two zones passes; the same template with both subnets in one zone blocks (pitfall 2)", async () => {
    const cfn = new CloudFormationClient(cfg);
    await cfn.send(new CreateStackCommand({ StackName: 'shop-two-network', TemplateBody: JSON.stringify(await network('two', [`${REGION}a`, `${REGION}b`])) }));
    const ok = await aws({}, CREDS, undefined, 'two');
    const pass = one(ok, 'aws.subnets');
    assert.equal(pass.severity, 'passed', pass.evidence);
    assert.equal(pass.title, `Subnets span ${REGION}a, ${REGION}b`);
    assert.equal(one(ok, 'aws.stacks').severity, 'passed');
    await cfn.send(new CreateStackCommand({ StackName: 'shop-one-network', TemplateBody: JSON.stringify(await network('one', [`${REGION}a`, `${REGION}a`])) }));
    const bad = await aws({}, CREDS, undefined, 'one');
    const f = one(bad, 'aws.subnets');
    assert.equal(f.severity, 'blocker');
    assert.match(f.evidence, /AZ\) coverage/);
  });

  it('a stack stuck in CREATE_IN_PROGRESS: warning now, blocker with recovery steps after an hour', async () => {
    const cfn = new CloudFormationClient(cfg);
    const broken = { Resources: { S: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: 'vpc-doesnotexist', CidrBlock: '10.0.0.0/24' } } } };
    await cfn.send(new CreateStackCommand({ StackName: 'shop-stuck-db', TemplateBody: JSON.stringify(broken) })).catch(() => undefined);
    const fresh = one(await aws({}, CREDS, undefined, 'stuck'), 'aws.stacks', 'shop-stuck-db');
    assert.equal(fresh.severity, 'warning');
    const later = one(await aws({}, CREDS, new Date(Date.now() + 2 * 3_600_000), 'stuck'), 'aws.stacks', 'shop-stuck-db');
    assert.equal(later.severity, 'blocker');
    assert.match(later.fix ?? '', /describe-stack-events --stack-name shop-stuck-db/);
  });

  it('a public DB and a slipway-temp ingress rule are blockers; closed again passes', async () => {
    const rds = new RDSClient(cfg);
    await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'shop-prod-postgres', Engine: 'postgres', DBInstanceClass: 'db.t3.micro', AllocatedStorage: 20, MasterUsername: 'shop', MasterUserPassword: 'Xituan2024Secure', PubliclyAccessible: true }));
    const ec2 = new EC2Client(cfg);
    const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'shop-prod-db', Description: 'db' }));
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sg.GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '203.0.113.7/32', Description: 'slipway-temp import' }] }] }));
    const r = await aws();
    const list = byId(r, 'aws.public-db');
    assert.equal(list.length, 2);
    assert.ok(list.every((f) => f.severity === 'blocker'));
    assert.ok(list.some((f) => /--no-publicly-accessible/.test(f.fix ?? '')) && list.some((f) => /revoke-security-group-ingress/.test(f.fix ?? '')));
    await rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'shop-prod-postgres', PubliclyAccessible: false, ApplyImmediately: true }));
    const still = byId(await aws(), 'aws.public-db');
    assert.equal(still.length, 1, 'the temporary rule is still open');
  });

  it('ACM certificate: issued and covering passes; other name and pending block', async () => {
    const pki = makePki();
    try {
      const leaf = pki.leaf('alb', ['api.shop.example', '*.shop.example'], new Date(Date.now() - DAY), new Date(Date.now() + 90 * DAY));
      const key = await import('node:fs').then((fs) => fs.readFileSync(`${pki.dir}/alb.key`));
      const acm = new ACMClient(cfg);
      const imported = await acm.send(new ImportCertificateCommand({ Certificate: Buffer.from(leaf.cert), PrivateKey: key, CertificateChain: Buffer.from(await import('node:fs').then((fs) => fs.readFileSync(pki.caFile, 'utf8'))) }));
      const ok = one(await aws({ alb: { certificateArn: imported.CertificateArn, domain: 'api.shop.example' } }), 'aws.certificate');
      assert.equal(ok.severity, 'passed', ok.evidence);
      const wrong = one(await aws({ alb: { certificateArn: imported.CertificateArn, domain: 'api.other.example' } }), 'aws.certificate');
      assert.equal(wrong.severity, 'blocker');
      const requested = await acm.send(new RequestCertificateCommand({ DomainName: 'api.shop.example', ValidationMethod: 'DNS' }));
      const pending = one(await aws({ alb: { certificateArn: requested.CertificateArn, domain: 'api.shop.example' } }), 'aws.certificate');
      // moto keeps a requested certificate PENDING_VALIDATION for its first 60 s, as AWS does until DNS validation.
      assert.equal(pending.severity, 'blocker', pending.title);
      assert.equal(pending.title, 'ACM certificate is PENDING_VALIDATION');
    } finally {
      pki.cleanup();
    }
  });

  it('ECS service-linked role: missing is a warning whose fix is the create-service-linked-role command; present (as AWS names it) passes', async () => {
    const missing = one(await aws({}, CREDS, undefined, 'slr'), 'aws.ecs-service-role');
    assert.equal(missing.severity, 'warning');
    assert.match(missing.title, /AWSServiceRoleForECS does not exist/);
    assert.equal(missing.fix, 'Create it once per account: `aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com`.');
    // moto's CreateServiceLinkedRole names it AWSServiceRoleForecs; AWS names it AWSServiceRoleForECS, so create that name.
    await new IAMClient(cfg).send(
      new CreateRoleCommand({
        RoleName: 'AWSServiceRoleForECS',
        Path: '/aws-service-role/ecs.amazonaws.com/',
        AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
      }),
    );
    const present = one(await aws({}, CREDS, undefined, 'slr'), 'aws.ecs-service-role');
    assert.equal(present.severity, 'passed');
    assert.match(present.title, /service-linked role exists/);
  });
});
