/**
 * `slipway ci github --setup-aws`: GitHub's OIDC provider (unless the account has one: pass
 * its ARN) and the role a workflow of one repository and branch assumes to deploy one
 * environment — no long-lived keys. The role's permissions are the generated deploy policy
 * (iam-policy.ts). Its names start with `slipway-ci-`, outside the `<app>-<env>-*` names the
 * policy lets it change, so the role cannot widen its own permissions.
 */
import { getAtt, ref, type CfnValue, type Template } from './cfn.js';
import type { PolicyDocument } from '../iam-policy.js';

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

export interface GithubOidcInput {
  /** `<app>-<env>`. */
  prefix: string;
  /** `owner/name`. */
  repo: string;
  branch: string;
  policy: PolicyDocument;
}

/** Stack and role name: `slipway-ci-<app>-<env>` (IAM role names are at most 64 characters). */
export function ciStackName(prefix: string): string {
  return `slipway-ci-${prefix}`.slice(0, 64);
}

/** The `sub` claim GitHub puts in a token of a workflow run on a push to (or dispatch on) `branch`. */
export function subjectOf(repo: string, branch: string): string {
  return `repo:${repo}:ref:refs/heads/${branch}`;
}

export function githubOidcTemplate(input: GithubOidcInput): Template {
  const name = ciStackName(input.prefix);
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `slipway ${input.prefix}: GitHub Actions deploy role for ${input.repo}@${input.branch} (OIDC)`,
    Parameters: {
      ExistingOidcProviderArn: {
        Type: 'String',
        Description: `ARN of the account's existing ${GITHUB_OIDC_HOST} OIDC provider; empty creates one`,
        Default: '',
      },
    },
    Conditions: { CreateOidcProvider: { 'Fn::Equals': [ref('ExistingOidcProviderArn'), ''] } },
    Resources: {
      GithubOidcProvider: {
        Type: 'AWS::IAM::OIDCProvider',
        Condition: 'CreateOidcProvider',
        Properties: {
          Url: `https://${GITHUB_OIDC_HOST}`,
          ClientIdList: ['sts.amazonaws.com'],
          // AWS verifies GitHub's certificate through its trusted CAs; the list is still required by some partitions.
          ThumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1', '1c58a3a8518e8759bf075b76b750d4f2df264fcd'],
        },
      },
      DeployRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: name,
          Description: `slipway deploys of ${input.prefix} from GitHub Actions (${input.repo}, branch ${input.branch})`,
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Federated: { 'Fn::If': ['CreateOidcProvider', ref('GithubOidcProvider'), ref('ExistingOidcProviderArn')] } },
                Action: 'sts:AssumeRoleWithWebIdentity',
                Condition: {
                  StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com', [`${GITHUB_OIDC_HOST}:sub`]: subjectOf(input.repo, input.branch) },
                },
              },
            ],
          },
          Policies: [{ PolicyName: 'slipway-deploy', PolicyDocument: JSON.parse(JSON.stringify(input.policy)) as CfnValue }],
        },
      },
    },
    Outputs: {
      RoleArn: { Description: 'role-to-assume for aws-actions/configure-aws-credentials', Value: getAtt('DeployRole', 'Arn') },
      OidcProviderArn: { Description: 'the GitHub OIDC provider the role trusts', Value: { 'Fn::If': ['CreateOidcProvider', ref('GithubOidcProvider'), ref('ExistingOidcProviderArn')] } },
    },
  };
}
