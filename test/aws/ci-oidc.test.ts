/**
 * The CI deploy role on aws: its OIDC stack passes cfn-lint and deploys on moto through the
 * real CLI (`ci github --setup-aws`), trusting one repository and branch; its policy allows
 * every AWS call a recorded deploy flow makes (SLIPWAY_RECORD_AWS_CALLS) and names no action
 * slipway's code never sends.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { CreateOpenIDConnectProviderCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient, ListOpenIDConnectProvidersCommand } from '@aws-sdk/client-iam';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { startMoto, awsTestEnv, type Moto } from './moto.js';
import { loadEnv, writeConfig } from './helpers.js';
import { ensureBuilt, ROOT } from '../helpers/local-env.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { allows, CALLS, deployPolicy, NO_PERMISSION_NEEDED, PROVISIONING, resourceTypes, iamPrefix } from '../../src/targets/aws/iam-policy.js';
import { githubStackTemplate } from '../../src/targets/aws/github-setup.js';
import { toYaml } from '../../src/targets/aws/synth.js';

const IMAGE = '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/shop-api';
let moto: Moto;

function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { env: { ...awsTestEnv, AWS_ENDPOINT_URL: moto.url, JWT_SECRET: 'jwt-ci-oidc-test', SLIPWAY_AWS_POLL_MS: '50', ...env } });
}

const clientOpts = () => ({ endpoint: moto.url, region: 'ap-southeast-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

before(async () => {
  ensureBuilt();
  moto = await startMoto();
});
after(async () => {
  await moto?.stop();
});

/** A config in a git repository whose origin is acme/shop-api on GitHub. */
async function repoConfig(production: Record<string, unknown> = {}): Promise<string> {
  const file = await writeConfig({ endpoint: moto.url, production });
  execFileSync('git', ['init', '-q', path.dirname(file)]);
  execFileSync('git', ['-C', path.dirname(file), 'remote', 'add', 'origin', 'https://github.com/acme/shop-api.git']);
  return file;
}

test('the OIDC stack template passes cfn-lint (new provider, and reusing one)', async () => {
  const envr = await loadEnv(await writeConfig({ production: { alb: { certificateArn: 'arn:aws:acm:ap-southeast-2:123456789012:certificate/5a268437-8612-4ce1-aa56-d6f0d98b2aea' }, autoscaling: { min: 1, max: 3, cpuTarget: 60 } } }));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-oidc-'));
  const f = path.join(dir, 'oidc.yaml');
  await writeFile(f, toYaml(githubStackTemplate(envr, 'acme/shop-api', 'production').template), 'utf8');
  const r = spawnSync('cfn-lint', ['--format', 'parseable', '--regions', 'ap-southeast-2', '--', f], { encoding: 'utf8' });
  assert.equal(r.status, 0, `cfn-lint: ${r.stdout}${r.stderr}`);
});

test('without a provider in the account, the stack creates GitHub\'s and the role trusts it (template: moto\'s CloudFormation does not create AWS::IAM::OIDCProvider)', async () => {
  const envr = await loadEnv(await writeConfig());
  const t = githubStackTemplate(envr, 'acme/shop-api', 'production').template;
  const provider = t.Resources.GithubOidcProvider!;
  assert.equal(provider.Type, 'AWS::IAM::OIDCProvider');
  assert.equal(provider.Condition, 'CreateOidcProvider');
  assert.deepEqual(t.Conditions, { CreateOidcProvider: { 'Fn::Equals': [{ Ref: 'ExistingOidcProviderArn' }, ''] } });
  assert.equal(provider.Properties.Url, 'https://token.actions.githubusercontent.com');
  assert.deepEqual(provider.Properties.ClientIdList, ['sts.amazonaws.com']);
  const trust = t.Resources.DeployRole!.Properties.AssumeRolePolicyDocument as { Statement: { Principal: { Federated: unknown } }[] };
  assert.deepEqual(trust.Statement[0]!.Principal.Federated, { 'Fn::If': ['CreateOidcProvider', { Ref: 'GithubOidcProvider' }, { Ref: 'ExistingOidcProviderArn' }] });
});

test("ci github --setup-aws on moto: reuses the account's GitHub OIDC provider; the role only acme/shop-api on the branch can assume has the generated policy; the workflow assumes it", async () => {
  await moto.reset();
  const iam = new IAMClient(clientOpts());
  const existing = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://token.actions.githubusercontent.com', ClientIDList: ['sts.amazonaws.com'], ThumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'] }))).OpenIDConnectProviderArn!;
  const file = await repoConfig();
  const r = await cli(['ci', 'github', 'production', '--setup-aws', '--config', file, '--json', '--branch', 'main']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const out = JSON.parse(r.stdout) as { roleArn: string; stack: string; oidcProviderArn: string; repo: string };
  assert.equal(out.repo, 'acme/shop-api');
  assert.equal(out.stack, 'slipway-ci-shop-api-production');
  assert.equal(out.oidcProviderArn, existing);
  assert.equal(((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList ?? []).length, 1);
  const cfn = new CloudFormationClient(clientOpts());
  const stack = (await cfn.send(new DescribeStacksCommand({ StackName: out.stack }))).Stacks![0]!;
  assert.equal(stack.StackStatus, 'CREATE_COMPLETE');
  assert.equal(stack.Parameters?.find((p) => p.ParameterKey === 'ExistingOidcProviderArn')?.ParameterValue, existing);
  const role = (await iam.send(new GetRoleCommand({ RoleName: 'slipway-ci-shop-api-production' }))).Role!;
  assert.equal(role.Arn, out.roleArn);
  const trust = JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!)) as { Statement: { Action: string; Principal: { Federated: string }; Condition: { StringEquals: Record<string, string> } }[] };
  assert.equal(trust.Statement.length, 1);
  assert.equal(trust.Statement[0]!.Action, 'sts:AssumeRoleWithWebIdentity');
  assert.equal(trust.Statement[0]!.Principal.Federated, existing);
  assert.deepEqual(trust.Statement[0]!.Condition.StringEquals, { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repo:acme/shop-api:ref:refs/heads/main' });
  const inline = await iam.send(new GetRolePolicyCommand({ RoleName: 'slipway-ci-shop-api-production', PolicyName: 'slipway-deploy' }));
  // moto keeps a policy from a CloudFormation template as a Python repr, not JSON: every generated statement's actions are there.
  const doc = decodeURIComponent(inline.PolicyDocument!);
  const policy = deployPolicy(await loadEnv(file));
  for (const st of policy.Statement) assert.ok(doc.includes(`'Sid': '${st.Sid}'`) && st.Action.every((a) => doc.includes(`'${a}'`)), `statement ${st.Sid} in the role's policy`);
  const wf = parse(await readFile(path.join(path.dirname(file), '.github', 'workflows', 'slipway-production.yml'), 'utf8')) as { on: { push: { branches: string[] } }; jobs: { deploy: { steps: { uses?: string; with?: Record<string, string> }[] } } };
  assert.deepEqual(wf.on.push.branches, ['main']);
  assert.equal(wf.jobs.deploy.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials'))?.with?.['role-to-assume'], out.roleArn);
  // Run again: the stack keeps the provider it was given (an unchanged stack, the same role).
  const again = await cli(['ci', 'github', 'production', '--setup-aws', '--config', file, '--json', '--branch', 'main']);
  assert.equal(again.code, 0, again.stderr + again.stdout);
  assert.deepEqual(JSON.parse(again.stdout), out);
});

/** The keys of the `sdk` table (src/engine/aws-sdk.ts, used by the aws target and the preflight) and the packages they load. */
const SDK_KEYS: Record<string, string> = {
  cfn: 'cloudformation', ec2: 'ec2', ecs: 'ecs', rds: 'rds', ecr: 'ecr', logs: 'cloudwatch-logs', sts: 'sts',
  sm: 'secrets-manager', ssm: 'ssm', acm: 'acm', iam: 'iam', elb: 'elastic-load-balancing-v2',
};

/** `service:Action` of every `new XCommand` in the code that runs with the deploy role (the setup runs as an administrator). */
async function sentBySource(): Promise<Set<string>> {
  const files = [
    ...(await readdir(path.join(ROOT, 'src/targets/aws'), { recursive: true })).map((f) => path.join(ROOT, 'src/targets/aws', f)),
    ...(await readdir(path.join(ROOT, 'src/checks/aws'))).map((f) => path.join(ROOT, 'src/checks/aws', f)),
  ].filter((f) => f.endsWith('.ts') && !f.endsWith('github-setup.ts'));
  const serviceId: Record<string, string> = {
    cloudformation: 'cloudformation', ec2: 'ec2', ecs: 'ecs', rds: 'rds', ecr: 'ecr', 'cloudwatch-logs': 'CloudWatch Logs', sts: 'sts',
    'secrets-manager': 'Secrets Manager', ssm: 'ssm', acm: 'acm', iam: 'iam', 'elastic-load-balancing-v2': 'Elastic Load Balancing v2',
  };
  const out = new Set<string>();
  for (const f of files) {
    const text = await readFile(f, 'utf8');
    const pkgOf = new Map<string, string>();
    for (const m of text.matchAll(/(?:import\s*(?:type\s*)?\{([^}]*)\}\s*from|const\s*\{([^}]*)\}\s*=\s*await\s+import\()\s*'@aws-sdk\/client-([a-z0-9-]+)'/g)) {
      for (const name of (m[1] ?? m[2]!).split(',').map((x) => x.trim().replace(/^type\s+/, ''))) if (name) pkgOf.set(name, m[3]!);
    }
    // Packages loaded on first use through the `sdk` table (src/engine/aws-sdk.ts): `const { XClient, YCommand } = sdk.ec2();`
    for (const m of text.matchAll(/const\s*\{([^}]*)\}\s*=\s*sdk\.([a-z0-9]+)\(\)/g)) {
      const pkg = SDK_KEYS[m[2]!];
      assert.ok(pkg, `${path.relative(ROOT, f)}: sdk.${m[2]}() is not a known SDK package`);
      for (const name of m[1]!.split(',').map((x) => x.trim())) if (name) pkgOf.set(name, pkg);
    }
    for (const m of text.matchAll(/new ([A-Z][A-Za-z0-9]+)Command\b/g)) {
      const pkg = pkgOf.get(`${m[1]}Command`);
      assert.ok(pkg, `${path.relative(ROOT, f)}: ${m[1]}Command is not imported from an @aws-sdk client package`);
      out.add(`${iamPrefix(serviceId[pkg] ?? pkg)}:${m[1]}`);
    }
  }
  return out;
}

test('the deploy policy names exactly the actions slipway sends, and provisions exactly the resource types its templates use', async () => {
  const sent = await sentBySource();
  const needing = [...sent].filter((a) => !NO_PERMISSION_NEEDED.has(a)).sort();
  assert.deepEqual(Object.keys(CALLS).sort(), needing);
  const full = await loadEnv(await writeConfig({ production: { alb: { certificateArn: 'arn:aws:acm:ap-southeast-2:123456789012:certificate/5a268437-8612-4ce1-aa56-d6f0d98b2aea' }, autoscaling: { min: 1, max: 3, cpuTarget: 60 } } }));
  assert.deepEqual(Object.keys(PROVISIONING).sort(), resourceTypes(full));
  // An inline role policy holds at most 10,240 characters (whitespace not counted).
  assert.ok(JSON.stringify(deployPolicy(full)).length < 10_240, `policy is ${JSON.stringify(deployPolicy(full)).length} characters`);
});

test('every AWS call of a recorded deploy (with its preflight) and destroy on moto is allowed by the generated policy', async () => {
  await moto.reset();
  const file = await repoConfig();
  const record = path.join(path.dirname(file), 'calls.txt');
  const env = { SLIPWAY_RECORD_AWS_CALLS: record };
  const d = await cli(['deploy', 'production', '--config', file, '--image', `${IMAGE}:v1`, '--allow-unverified'], env);
  assert.equal(d.code, 0, d.stderr + d.stdout);
  const x = await cli(['destroy', 'production', '--yes', '--force', '--config', file], env);
  assert.equal(x.code, 0, x.stderr + x.stdout);
  const recorded = [...new Set((await readFile(record, 'utf8')).split('\n').filter(Boolean))].sort();
  // The preflight's own clients, the deploy's and the destroy's are all seen.
  for (const a of ['sts:GetCallerIdentity', 'ec2:DescribeAvailabilityZones', 'cloudformation:CreateStack', 'ecs:RegisterTaskDefinition', 'ssm:PutParameter', 'cloudformation:DeleteStack']) assert.ok(recorded.includes(a), `${a} recorded`);
  const policy = deployPolicy(await loadEnv(file));
  assert.deepEqual(recorded.filter((a) => !NO_PERMISSION_NEEDED.has(a) && !allows(policy, a)), []);
  assert.deepEqual(recorded.filter((a) => !(a in CALLS) && !NO_PERMISSION_NEEDED.has(a)), [], 'every recorded call has its own entry in CALLS');
});
