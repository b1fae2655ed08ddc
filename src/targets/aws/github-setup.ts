/**
 * `slipway ci github --setup-aws`: deploy the GitHub OIDC stack of an environment
 * (templates/github-oidc.ts) with the credentials of whoever runs it (an administrator),
 * and return the role the workflow assumes. The account's existing GitHub OIDC provider is
 * reused (an account has at most one per URL); the stack creates one only when there is none.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { ResolvedEnvironment } from '../../config/resolve.js';
import { SlipwayError } from '../../engine/errors.js';
import { clientsFor } from './clients.js';
import { deployPolicy } from './iam-policy.js';
import { names } from './names.js';
import { deployStack, describeStack } from './stacks.js';
import { ciStackName, githubOidcTemplate, GITHUB_OIDC_HOST } from './templates/github-oidc.js';
import type { Template } from './templates/cfn.js';
import { sdk } from '../../engine/aws-sdk.js';

export interface GithubSetupOptions {
  repo: string;
  branch: string;
  /** The account's GitHub OIDC provider, when the caller names it. */
  oidcProviderArn?: string;
  onEvent?: (e: { LogicalResourceId?: string; ResourceStatus?: string; ResourceStatusReason?: string }) => void;
}

export interface GithubSetupResult {
  stack: string;
  roleArn: string;
  oidcProviderArn: string;
  /** Whether the stack owns the provider (it created it). */
  createdProvider: boolean;
}

export function githubStackTemplate(envr: ResolvedEnvironment, repo: string, branch: string): { stackName: string; template: Template } {
  const prefix = names(envr).prefix;
  return { stackName: ciStackName(prefix), template: githubOidcTemplate({ prefix, repo, branch, policy: deployPolicy(envr) }) };
}

/** The account's provider for GitHub's tokens, if any. */
async function existingProvider(iam: IAMClient): Promise<string | undefined> {
  const { ListOpenIDConnectProvidersCommand } = sdk.iam();
  const r = await iam.send(new ListOpenIDConnectProvidersCommand({}));
  return r.OpenIDConnectProviderList?.map((p) => p.Arn ?? '').find((arn) => arn.endsWith(`/${GITHUB_OIDC_HOST}`));
}

export async function setupGithubOidc(envr: ResolvedEnvironment, opts: GithubSetupOptions): Promise<GithubSetupResult> {
  const c = clientsFor(envr);
  const spec = githubStackTemplate(envr, opts.repo, opts.branch);
  const current = await describeStack(c.cfn, spec.stackName);
  // A stack that created the provider keeps it (passing an ARN now would delete it); otherwise reuse the account's.
  const kept = current?.Parameters?.find((p) => p.ParameterKey === 'ExistingOidcProviderArn');
  const existing = opts.oidcProviderArn ?? (kept ? kept.ParameterValue || undefined : await existingProvider(new (sdk.iam().IAMClient)({ region: c.region, ...(c.endpoint ? { endpoint: c.endpoint } : {}) })));
  const r = await deployStack(
    { cfn: c.cfn, ...(opts.onEvent ? { onEvent: opts.onEvent } : {}) },
    spec,
    [{ ParameterKey: 'ExistingOidcProviderArn', ParameterValue: existing ?? '' }],
    [
      { Key: 'slipway:app', Value: envr.app.name },
      { Key: 'slipway:env', Value: envr.name },
    ],
  );
  const roleArn = r.outputs.RoleArn;
  const providerArn = r.outputs.OidcProviderArn ?? existing;
  if (!roleArn || !providerArn) throw new SlipwayError({ key: 'ci.setup.noOutputs', params: { stack: spec.stackName }, place: `stack ${spec.stackName}`, fix: 'ci.setup.noOutputs.fix', fixParams: { stack: spec.stackName } });
  return { stack: spec.stackName, roleArn, oidcProviderArn: providerArn, createdProvider: !existing };
}
