/** Env and flag releases: `slipway env set`, `slipway rollback --set`, and the env changes `releases` shows. */
import { registerCatalog, type Catalog } from '../i18n.js';

export const envReleases: Catalog = {
  'cli.env': { en: 'the environment variables of the serving release', 'zh-CN': '正在运行的发布的环境变量' },
  'cli.env.set': {
    en: 'a new release with the same code (no rebuild) and changed env: KEY=value … [--unset KEY], through the health-gated cutover',
    'zh-CN': '用同一份代码（不重新构建）和修改后的环境变量生成新发布：KEY=value … [--unset KEY]，经过健康检查门控的切换',
  },
  'cli.arg.assignments': { en: 'KEY=value pairs (not secrets: those come from .env.<env>)', 'zh-CN': 'KEY=value 键值对（不能是密钥：密钥来自 .env.<env>）' },
  'cli.opt.unset': { en: 'drop the override of KEY (its value returns to the config\'s); repeatable', 'zh-CN': '撤销 KEY 的覆盖值（恢复为配置中的值）；可重复' },
  'cli.opt.rollbackSet': {
    en: 'KEY=value on top of the release rolled back to (one cutover); repeatable',
    'zh-CN': '在回滚到的发布之上设置 KEY=value（一次切换完成）；可重复',
  },
  'cli.opt.rollbackUnset': { en: 'drop the override of KEY in the release rolled back to; repeatable', 'zh-CN': '撤销回滚到的发布中 KEY 的覆盖值；可重复' },
  'envRelease.step.reuse': { en: 'Release {release}: the code of {from} (no rebuild), new env', 'zh-CN': '发布 {release}：沿用 {from} 的代码（不重新构建），使用新的环境变量' },
  'envRelease.reused': { en: 'same artifact {sha} as {from} on {where}, hard-linked', 'zh-CN': '在 {where} 上与 {from} 使用同一制品 {sha}（硬链接）' },
  'envRelease.succeeded': { en: '{env} serves release {release} (same code, new env) at {url}', 'zh-CN': '{env} 已在 {url} 运行发布 {release}（代码不变，环境变量已更新）' },
  'envRelease.carried': {
    en: 'env overrides in force carry into this release: {names} (drop one with: slipway env set {env} --unset NAME)',
    'zh-CN': '生效中的环境变量覆盖值会带入本次发布：{names}（撤销某个：slipway env set {env} --unset NAME）',
  },
  'envRelease.overrideDropped': {
    en: '{name} is now a secret in the config: its override (slipway env set) no longer applies',
    'zh-CN': '{name} 在配置中已是密钥：它的覆盖值（slipway env set）不再生效',
  },
  'envRelease.sourceMissing': { en: 'Release {release} is not on {where} (its code or env record is gone), so no release can be made from it.', 'zh-CN': '发布 {release} 不在 {where} 上（代码或环境记录已不存在），无法基于它生成新发布。' },
  'envRelease.sourceMissing.fix': { en: 'Deploy again (slipway deploy {env}), then change the env.', 'zh-CN': '先重新部署（slipway deploy {env}），再修改环境变量。' },
  'envRelease.copyFailed': { en: 'Could not copy the code of {from} into release {release}: {reason}', 'zh-CN': '无法把 {from} 的代码复制到发布 {release}：{reason}' },
  'envRelease.copyFailed.fix': { en: 'Check the free space and permissions of the releases directory on the machine, then run the command again.', 'zh-CN': '检查机器上 releases 目录的剩余空间和权限，然后重新运行命令。' },
  'envRelease.nothingDeployed': { en: '{env} has no serving release to change the env of.', 'zh-CN': '{env} 没有正在运行的发布，无法修改其环境变量。' },
  'envRelease.nothingDeployed.fix': { en: 'Deploy first: slipway deploy {env}', 'zh-CN': '请先部署：slipway deploy {env}' },
  'envRelease.badAssignment': { en: 'Not a KEY=value pair: {name} (names are letters, digits and _, not starting with a digit).', 'zh-CN': '不是 KEY=value 形式：{name}（名称只能由字母、数字和 _ 组成，且不能以数字开头）。' },
  'envRelease.badAssignment.fix': { en: 'Write each as NAME=value, e.g. slipway env set {env} UPYUN_DIRECT_UPLOAD_ENABLED=false', 'zh-CN': '每项写成 NAME=value，例如 slipway env set {env} UPYUN_DIRECT_UPLOAD_ENABLED=false' },
  'envRelease.secretInArgv': {
    en: '{name} is a secret of {env}: its value is not taken from the command line (it would land in shell history, process lists and CI logs).',
    'zh-CN': '{name} 是 {env} 的密钥：不接受从命令行传入它的值（会留在 shell 历史、进程列表和 CI 日志中）。',
  },
  'envRelease.secretInArgv.fix': {
    en: 'Put the new value in {file} (or the environment variable {name} in CI), then run: slipway env set {env} — a new release picks it up without a rebuild.',
    'zh-CN': '把新值写入 {file}（CI 中则设置环境变量 {name}），然后运行：slipway env set {env} —— 新发布会读取它，无需重新构建。',
  },
  'envRelease.secretRef': { en: 'The value of {name} contains `${secret:…}`, which only verification requests resolve; the app would get it as written.', 'zh-CN': '{name} 的值包含 `${secret:…}`，它只在验证请求中解析；应用会原样收到这段文字。' },
  'envRelease.secretRef.fix': { en: 'Declare the value as a secret in the config (secrets:) and put it in .env.{env}.', 'zh-CN': '在配置中把它声明为密钥（secrets:），并写入 .env.{env}。' },
  'envRelease.reserved': { en: '{name} is set by slipway itself for every release (the port, the release id, the database connection).', 'zh-CN': '{name} 由 slipway 为每个发布自行设置（端口、发布 id、数据库连接）。' },
  'envRelease.reserved.fix': { en: 'Use another name in the app, or change the setting it comes from in the config (port, database) and deploy.', 'zh-CN': '在应用中换一个名称，或在配置中修改它所来自的设置（port、database）后重新部署。' },
  'envRelease.noOverride': { en: '{name} has no override in release {release}: --unset drops values set with slipway env set, and {name} was not.', 'zh-CN': '{name} 在发布 {release} 中没有覆盖值：--unset 只撤销用 slipway env set 设置的值，而 {name} 不是。' },
  'envRelease.noOverride.fix': {
    en: 'Overrides in force: {names}. To remove a variable the config sets, delete it from the config and deploy.',
    'zh-CN': '生效中的覆盖值：{names}。要删除配置里设置的变量，请在配置中删除它并重新部署。',
  },
  'envRelease.bothSetUnset': { en: '{name} is both set and unset in one command.', 'zh-CN': '{name} 在同一条命令中既被设置又被撤销。' },
  'envRelease.bothSetUnset.fix': { en: 'Give either {name}=value or --unset {name}.', 'zh-CN': '只给出 {name}=value 或 --unset {name} 之一。' },
  'envRelease.notForTarget': {
    en: '{command} is not available for {target} environments yet: there, an env change is a new task-definition revision, which only slipway deploy makes.',
    'zh-CN': '{target} 环境暂不支持 {command}：在那里修改环境变量意味着新的任务定义修订版，目前只有 slipway deploy 会生成。',
  },
  'envRelease.notForTarget.fix': {
    en: 'Change env in the config (environments.{env}.env) and run slipway deploy {env}; for a rollback, run slipway rollback {env} without --set.',
    'zh-CN': '在配置中修改环境变量（environments.{env}.env）并运行 slipway deploy {env}；回滚时运行不带 --set 的 slipway rollback {env}。',
  },
  'envRelease.mixed': { en: 'The hosts of {env} serve different releases, so there is no one release to change the env of: {hosts}.', 'zh-CN': '{env} 的主机运行着不同的发布，没有一个统一的发布可供修改环境变量：{hosts}。' },
  'envRelease.mixed.fix': { en: 'Converge them first: slipway rollback {env} --to <id> (or deploy), then set the env.', 'zh-CN': '先让它们一致：slipway rollback {env} --to <id>（或重新部署），再设置环境变量。' },
  'status.envOverrides': { en: 'env overrides', 'zh-CN': '环境变量覆盖' },
  'releases.envChanged': { en: 'changed', 'zh-CN': '已更改' },
  'releases.envSecret': { en: 'secret', 'zh-CN': '密钥' },
  'releases.envOverrides': { en: 'overrides in force: {list}', 'zh-CN': '生效中的覆盖值：{list}' },
  'releases.envFrom': { en: 'env release of {from} (same code)', 'zh-CN': '基于 {from} 的环境变量发布（代码相同）' },
};

registerCatalog(envReleases);
