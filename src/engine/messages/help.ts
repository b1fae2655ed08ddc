/**
 * The help text of commands whose other messages live in an area's catalog (ci, report,
 * diagnose): the CLI declares every command at start-up, and should not load those catalogs
 * for it. Registered by src/cli/main.ts.
 */
import type { Catalog } from './catalog.js';

export const help: Catalog = {
  'cli.diagnose': { en: 'why the latest (or a named) release failed: known causes and fixes from its logs and stop reasons', 'zh-CN': '最新（或指定）发布失败的原因：根据其日志和停止原因给出已知原因与修复方法' },
  'cli.opt.diagnoseRelease': { en: 'the release to diagnose (default: the newest)', 'zh-CN': '要诊断的发布（默认：最新的）' },
  'cli.opt.deployReport': { en: 'write the HTML report to <file> at the end of the deploy, whatever the outcome', 'zh-CN': '部署结束时（无论结果如何）把 HTML 报告写入 <file>' },
  'cli.opt.reportOut': { en: 'file to write (default: .slipway/<env>/report.html beside the config)', 'zh-CN': '输出文件（默认：配置旁的 .slipway/<env>/report.html）' },
  'cli.report': {
    en: 'write one self-contained HTML report: the last run as a timeline, the architecture, preflight findings, releases, cost (aws)',
    'zh-CN': '生成一个独立的 HTML 报告：最近一次运行的时间线、架构、预检结果、发布历史、费用（aws）',
  },
  'cli.ci': { en: 'continuous deployment: generate a CI workflow that deploys an environment', 'zh-CN': '持续部署：生成部署某个环境的 CI 工作流' },
  'cli.ci.github': {
    en: 'write .github/workflows/slipway-<env>.yml (push to the branch → check → deploy; aws: OIDC, no stored keys)',
    'zh-CN': '写入 .github/workflows/slipway-<env>.yml（推送到分支 → 预检 → 部署；aws：OIDC，不保存长期密钥）',
  },
  'cli.iam': { en: 'IAM: the permissions slipway needs', 'zh-CN': 'IAM：slipway 需要的权限' },
  'cli.iam.policy': {
    en: "print the deploy role's policy for an aws environment (generated from the API calls slipway makes)",
    'zh-CN': '打印 aws 环境部署角色的策略（根据 slipway 实际调用的 API 生成）',
  },
  'cli.opt.branch': { en: 'the branch whose pushes deploy (default: production)', 'zh-CN': '推送后触发部署的分支（默认：production）' },
  'cli.opt.forceWorkflow': { en: 'overwrite a workflow file slipway did not generate', 'zh-CN': '覆盖不是由 slipway 生成的工作流文件' },
  'cli.opt.oidcProviderArn': { en: "aws: the account's existing GitHub OIDC provider (default: found in the account)", 'zh-CN': 'aws：账号中已有的 GitHub OIDC 提供方（默认在账号中查找）' },
  'cli.opt.repo': { en: 'GitHub repository owner/name (default: from `git remote get-url origin`)', 'zh-CN': 'GitHub 仓库 owner/name（默认取自 `git remote get-url origin`）' },
  'cli.opt.roleArn': { en: 'aws: the role the workflow assumes, when it exists already', 'zh-CN': 'aws：工作流要扮演的已有角色' },
  'cli.opt.setupAws': {
    en: 'aws: first deploy the stack with the GitHub OIDC provider and a deploy role limited to this repository and branch',
    'zh-CN': 'aws：先部署包含 GitHub OIDC 提供方和部署角色的栈，该角色仅限此仓库和分支使用',
  },
};
