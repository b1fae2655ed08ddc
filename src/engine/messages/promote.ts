/** `slipway promote <from> <to>`: the artifact another environment verified, deployed without a rebuild. */
import { registerCatalog, type Catalog } from '../i18n.js';

export const promote: Catalog = {
  'cli.promote': {
    en: 'deploy to <to> the exact artifact verified on <from> (same sha256 or image digest, no rebuild), through <to>\'s full pipeline',
    'zh-CN': '把在 <from> 上验证过的同一个制品（相同 sha256 或镜像摘要，不重新构建）经 <to> 的完整流程部署到 <to>',
  },
  'cli.arg.from': { en: 'the environment whose verified release is promoted (e.g. staging)', 'zh-CN': '提供已验证发布的环境（例如 staging）' },
  'cli.arg.to': { en: 'the environment it is deployed to (e.g. production)', 'zh-CN': '要部署到的环境（例如 production）' },
  'cli.opt.promoteRelease': { en: 'promote this release of <from> instead of the one it serves', 'zh-CN': '提升 <from> 的这个发布，而不是它当前运行的发布' },
  'promote.same': { en: 'Promote needs two environments; {env} was given as both.', 'zh-CN': '提升需要两个不同的环境；{env} 同时作为了来源和目标。' },
  'promote.same.fix': { en: 'Name the environment that verified the release first: slipway promote staging {env}.', 'zh-CN': '先写验证过发布的环境：slipway promote staging {env}。' },
  'promote.kindMismatch': {
    en: '{from} ({fromTarget}) and {to} ({toTarget}) run different kinds of artifact ({fromKind} vs {toKind}): nothing verified on {from} can run on {to} unchanged.',
    'zh-CN': '{from}（{fromTarget}）与 {to}（{toTarget}）运行的制品类型不同（{fromKind} 与 {toKind}）：在 {from} 上验证过的制品无法原样在 {to} 上运行。',
  },
  'promote.kindMismatch.fix': {
    en: 'Promote between environments of the same kind (local/ssh → ssh, aws → aws), or run `slipway deploy {to}`.',
    'zh-CN': '请在同类环境之间提升（local/ssh → ssh，aws → aws），或运行 `slipway deploy {to}`。',
  },
  'promote.notSupported': { en: 'The {target} target cannot promote releases.', 'zh-CN': '{target} 目标不支持提升发布。' },
  'promote.nothingDeployed': { en: '{env} serves no release, so there is nothing verified to promote.', 'zh-CN': '{env} 没有在运行的发布，因此没有可提升的已验证发布。' },
  'promote.nothingDeployed.fix': { en: 'Deploy and verify it first: slipway deploy {env}.', 'zh-CN': '请先部署并验证：slipway deploy {env}。' },
  'promote.unknownRelease': { en: '{env} has no release {release}.', 'zh-CN': '{env} 没有发布 {release}。' },
  'promote.unknownRelease.fix': { en: 'Pick one from `slipway releases {env}`.', 'zh-CN': '请从 `slipway releases {env}` 中选择一个。' },
  'promote.notVerified': {
    en: 'Release {release} of {from} was not verified there (result: {result}{failed}): it is not promoted to {to}.',
    'zh-CN': '{from} 的发布 {release} 在那里没有通过验证（结果：{result}{failed}）：不会提升到 {to}。',
  },
  'promote.notVerified.fix': {
    en: 'Deploy a release to {from} that passes its verification (slipway deploy {from}), then promote again; `slipway releases {from}` shows each release\'s result.',
    'zh-CN': '请先把能通过验证的发布部署到 {from}（slipway deploy {from}），再次提升；`slipway releases {from}` 显示每个发布的结果。',
  },
  'promote.noArtifact': {
    en: 'The artifact of {from}\'s release {release} is no longer where it was kept ({where}): the exact bytes that were verified cannot be promoted.',
    'zh-CN': '{from} 的发布 {release} 的制品已不在原处（{where}）：无法提升当初验证过的那份字节。',
  },
  'promote.noArtifact.fix': {
    en: 'Deploy to {from} again (a new artifact, verified there), then promote that release.',
    'zh-CN': '请重新部署到 {from}（生成新的制品并在那里验证），再提升那个发布。',
  },
  'promote.fetchFailed': { en: 'Copying {file} to this machine failed: {reason}', 'zh-CN': '把 {file} 复制到本机失败：{reason}' },
  'promote.fetchFailed.fix': { en: 'Nothing was deployed. Check the connection and the free disk space here, then promote again.', 'zh-CN': '未部署任何内容。请检查连接和本机磁盘空间后再次提升。' },
  'promote.source': {
    en: 'Promoting {from}/{release} ({result}) to {to}: artifact {digest}.',
    'zh-CN': '正在把 {from}/{release}（{result}）提升到 {to}：制品 {digest}。',
  },
  'promote.fetched': { en: 'Artifact {sha} copied from {where} ({kb} KB, sha256 checked).', 'zh-CN': '已从 {where} 复制制品 {sha}（{kb} KB，已校验 sha256）。' },
  'promote.succeeded': {
    en: 'Promoted the verified artifact to {env} as release {release} → {url}',
    'zh-CN': '已把验证过的制品提升到 {env}，新发布为 {release} → {url}',
  },
  'promote.unverified': {
    en: 'Promoted to {env} as {release}, but UNVERIFIED on {env}: no endpoint answered the verification checks.',
    'zh-CN': '已提升到 {env}，新发布为 {release}，但在 {env} 上“未验证”：没有可访问的地址来运行验证检查。',
  },
  'promote.failedChecks': { en: ', failed checks: {names}', 'zh-CN': '，未通过的检查：{names}' },
  'releases.promotedFrom': { en: 'promoted from {from}', 'zh-CN': '提升自 {from}' },
};

registerCatalog(promote);
