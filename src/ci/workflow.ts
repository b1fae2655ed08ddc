/**
 * The GitHub Actions workflow that deploys one environment, as data: built here, written
 * as YAML by the `yaml` library (one serializer, no string templates). Pure: the caller
 * reads package.json, the lockfile and the git layout and passes what it found.
 */
import { stringify } from 'yaml';
import type { PackageManager } from '../config/detect.js';

export interface WorkflowInput {
  env: string;
  /** The branch whose pushes deploy (also runnable by hand: workflow_dispatch). */
  branch: string;
  /** `node-version` for actions/setup-node. */
  nodeVersion: string;
  packageManager: PackageManager;
  /** The app's directory relative to the repository root ('' or '.' = the root). */
  workingDirectory: string;
  /** The config file relative to the working directory, when it is not the default. */
  configFile?: string;
  /** Secret names the deployment reads from its environment: filled from the repository's GitHub secrets. */
  secretNames: string[];
  /** aws environments: the role GitHub's OIDC token is exchanged for, and the region. */
  aws?: { roleArn: string; region: string };
}

/** Pinned by major version, as GitHub's own starter workflows do. */
export const ACTIONS = {
  checkout: 'actions/checkout@v4',
  setupNode: 'actions/setup-node@v4',
  uploadArtifact: 'actions/upload-artifact@v4',
  awsCredentials: 'aws-actions/configure-aws-credentials@v4',
} as const;

type Step = Record<string, unknown>;

export function workflowPath(env: string): string {
  return `.github/workflows/slipway-${env}.yml`;
}

/** The file the deploy's NDJSON output is kept in (and uploaded as an artifact). */
export function deployOutputFile(env: string): string {
  return `slipway-deploy-${env}.ndjson`;
}

/** `node-version` from package.json `engines.node`: the lowest major the range admits; 20 when none is given. */
export function nodeVersionOf(engines: string | undefined): string {
  const m = /(\d+)/.exec(engines ?? '');
  const major = m ? Number(m[1]) : NaN;
  return Number.isFinite(major) && major >= 10 ? String(major) : '20';
}

const INSTALL: Record<PackageManager, string> = {
  npm: 'npm ci',
  yarn: 'yarn install --frozen-lockfile',
  pnpm: 'pnpm install --frozen-lockfile',
};

/** The slipway command lines the workflow runs (argv after `slipway`), so tests can parse each with the real CLI. */
export function slipwayCommands(input: WorkflowInput): { check: string[]; deploy: string[]; diagnose: string[] } {
  const cfg = input.configFile ? ['--config', input.configFile] : [];
  return {
    check: ['check', input.env, ...cfg],
    deploy: ['deploy', input.env, '--json', ...cfg],
    diagnose: ['diagnose', input.env, ...cfg],
  };
}

function shellLine(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The workflow as an object (the shape of GitHub's workflow syntax). */
export function buildWorkflow(input: WorkflowInput): Record<string, unknown> {
  const cmds = slipwayCommands(input);
  const slipway = (argv: string[]) => `npx --no-install slipway ${shellLine(argv)}`;
  const out = deployOutputFile(input.env);
  const wd = input.workingDirectory && input.workingDirectory !== '.' ? input.workingDirectory : undefined;
  const lockfile = { npm: 'package-lock.json', yarn: 'yarn.lock', pnpm: 'pnpm-lock.yaml' }[input.packageManager];
  const steps: Step[] = [
    { name: 'Check out', uses: ACTIONS.checkout },
    ...(input.packageManager === 'pnpm' ? [{ name: 'Enable corepack (pnpm)', run: 'corepack enable' }] : []),
    {
      name: 'Set up Node.js',
      uses: ACTIONS.setupNode,
      with: { 'node-version': input.nodeVersion, cache: input.packageManager, 'cache-dependency-path': wd ? `${wd}/${lockfile}` : lockfile },
    },
    { name: 'Install dependencies', run: INSTALL[input.packageManager] },
  ];
  if (input.aws) {
    steps.push({
      name: 'AWS credentials (OIDC, no stored keys)',
      uses: ACTIONS.awsCredentials,
      with: { 'role-to-assume': input.aws.roleArn, 'aws-region': input.aws.region, 'role-session-name': `slipway-${input.env}-\${{ github.run_id }}` },
    });
  }
  const env = input.secretNames.length ? { env: Object.fromEntries(input.secretNames.map((n) => [n, `\${{ secrets.${n} }}`])) } : {};
  steps.push(
    { name: 'Preflight', run: slipway(cmds.check), ...env },
    // bash with pipefail (defaults.run.shell): the step fails when the deploy fails, and the output is still kept.
    { name: 'Deploy', id: 'deploy', run: `${slipway(cmds.deploy)} | tee ${out}`, ...env },
    { name: 'Diagnose the failure', if: 'failure()', 'continue-on-error': true, run: slipway(cmds.diagnose), ...env },
    {
      name: 'Keep the deploy output',
      if: 'always()',
      uses: ACTIONS.uploadArtifact,
      with: { name: `slipway-deploy-${input.env}`, path: wd ? `${wd}/${out}` : out, 'if-no-files-found': 'ignore', 'retention-days': 30 },
    },
  );
  const permissions: Record<string, string> = input.aws ? { 'id-token': 'write', contents: 'read' } : { contents: 'read' };
  return {
    name: `slipway deploy ${input.env}`,
    on: { push: { branches: [input.branch] }, workflow_dispatch: {} },
    permissions,
    // One deploy of the environment at a time; a newer push waits instead of cancelling a deploy mid-way.
    concurrency: { group: `slipway-${input.env}`, 'cancel-in-progress': false },
    jobs: {
      deploy: {
        name: `deploy ${input.env}`,
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 60,
        defaults: { run: { shell: 'bash', ...(wd ? { 'working-directory': wd } : {}) } },
        steps,
      },
    },
  };
}

export function workflowYaml(input: WorkflowInput): string {
  const header = `# Generated by \`slipway ci github ${input.env}\`. Re-run it after changing slipway.yaml rather than editing by hand.\n`;
  return header + stringify(buildWorkflow(input), { lineWidth: 0, aliasDuplicateObjects: false });
}
