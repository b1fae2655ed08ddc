/** `slipway db rotate-password`. */
import { registerCatalog, type Catalog } from '../i18n.js';

export const rotate: Catalog = {
  'cli.dbRotatePassword': {
    en: 'give the database a new password and roll it out to the service, with no request failing and the old password rejected afterwards',
    'zh-CN': '为数据库换一个新密码并滚动发布到服务：期间没有请求失败，完成后旧密码被拒绝',
  },
  'rotate.succeeded': { en: 'Rotated the database password of {env}; {release} serves with the new one: {url}', 'zh-CN': '已轮换 {env} 的数据库密码；{release} 正在使用新密码提供服务：{url}' },
  'rotate-password.unverified': {
    en: 'Rotated the database password of {env}; {release} runs with the new one, but UNVERIFIED: no endpoint answered the verification checks.',
    'zh-CN': '已轮换 {env} 的数据库密码；{release} 已使用新密码运行，但“未验证”：没有可访问的地址来运行验证检查。',
  },
  'rotate.step.secret': { en: 'record the new password (secrets dir, 0600) before the database changes', 'zh-CN': '在修改数据库之前记录新密码（secrets 目录，0600）' },
  'rotate.step.grant': { en: 'let the other login use the new password (both work until the cutover)', 'zh-CN': '让另一个登录角色使用新密码（切换完成前两者都可用）' },
  'rotate.step.clone': { en: 'new release {release}: the serving one, with the new password', 'zh-CN': '新发布 {release}：与正在运行的发布相同，但使用新密码' },
  'rotate.step.revoke': { en: 'take the old password away (the old login can no longer log in)', 'zh-CN': '收回旧密码（旧登录角色不能再登录）' },
  'rotate.revoked': { en: 'Login {login} disabled: its password is no longer accepted.', 'zh-CN': '登录角色 {login} 已停用：其密码不再被接受。' },
  'rotate.notManaged': {
    en: 'Environment {env} has no database slipway owns (none configured, or it is given by `database.urlSecret`).',
    'zh-CN': '环境 {env} 没有由 slipway 管理的数据库（未配置，或通过 `database.urlSecret` 提供）。',
  },
  'rotate.notManaged.fix': {
    en: 'Rotate an external database where it is managed, then update the URL secret and run `slipway deploy`.',
    'zh-CN': '请在外部数据库的管理处轮换密码，然后更新 URL 密钥并运行 `slipway deploy`。',
  },
  'rotate.noRelease': { en: 'Environment {env} has no serving release to restart with the new password.', 'zh-CN': '环境 {env} 没有正在运行的发布，无法用新密码重启。' },
  'rotate.noRelease.fix': { en: 'Run `slipway deploy {env}` first, then `slipway db rotate-password {env}`.', 'zh-CN': '请先运行 `slipway deploy {env}`，再运行 `slipway db rotate-password {env}`。' },
  'rotate.copyFailed': { en: 'Could not copy release {release}: {reason}', 'zh-CN': '无法复制发布 {release}：{reason}' },
  'rotate.copyFailed.fix': { en: 'Check free disk space and permissions of the releases directory, then run the command again.', 'zh-CN': '请检查 releases 目录的磁盘空间和权限，然后重新运行该命令。' },
  // aws
  'rotate.aws.step.pending': { en: 'new password → Secrets Manager (stage AWSPENDING)', 'zh-CN': '新密码 → Secrets Manager（阶段 AWSPENDING）' },
  'rotate.aws.step.register': { en: 'task-definition revision reading that secret version', 'zh-CN': '注册读取该密钥版本的任务定义修订' },
  'rotate.aws.step.login': { en: 'the login not in use gets the new password (both logins work until the switch)', 'zh-CN': '未在使用的登录角色获得新密码（切换完成前两个登录角色都可用）' },
  'rotate.aws.step.revoke': { en: 'take the old login\'s password away (it can no longer log in)', 'zh-CN': '收回旧登录角色的密码（它不能再登录）' },
  'rotate.aws.logins': { en: 'Live login: {live}; the new password goes to {login}.', 'zh-CN': '当前登录角色：{live}；新密码设给 {login}。' },
  'rotate.aws.loginSet': { en: 'Login {login} has the new password ({how}).', 'zh-CN': '登录角色 {login} 已设置新密码（{how}）。' },
  'rotate.aws.adminFailed': {
    en: 'The admin SQL task {task} failed ({reason}); nothing was switched: {login} still logs in and the service is unchanged.',
    'zh-CN': '管理 SQL 任务 {task} 失败（{reason}）；没有切换任何东西：{login} 仍可登录，服务未改变。',
  },
  'rotate.aws.adminFailed.fix': {
    en: 'Its output is in CloudWatch Logs group {group} (stream app/dbadmin/<task id>). Check that the subnets reach ECR Public (the postgres client image) and the database, then run `slipway db rotate-password {env}` again.',
    'zh-CN': '其输出在 CloudWatch Logs 日志组 {group}（日志流 app/dbadmin/<任务 id>）。请确认子网能访问 ECR Public（postgres 客户端镜像）和数据库，然后重新运行 `slipway db rotate-password {env}`。',
  },
  'rotate.aws.step.promote': { en: 'Secrets Manager: the new version becomes AWSCURRENT (the switch)', 'zh-CN': 'Secrets Manager：新版本成为 AWSCURRENT（切换）' },
  'rotate.aws.noSecret': { en: 'Environment {env} has no RDS master secret ({secret}): was it ever deployed?', 'zh-CN': '环境 {env} 没有 RDS 主密钥（{secret}）：它部署过吗？' },
  'rotate.aws.noSecret.fix': { en: 'Run `slipway deploy {env}` first.', 'zh-CN': '请先运行 `slipway deploy {env}`。' },
  'rotate.aws.noRelease': { en: 'Environment {env} has no active release to roll out with the new password.', 'zh-CN': '环境 {env} 没有当前发布，无法用新密码上线。' },
  'rotate.aws.modifyTimeout': { en: 'RDS instance {db} did not finish applying the new master password ({status}).', 'zh-CN': 'RDS 实例 {db} 未能完成应用新主密码（{status}）。' },
  'rotate.aws.modifyTimeout.fix': {
    en: 'Check the instance in the RDS console; running `slipway db rotate-password {env}` again finishes or undoes the rotation.',
    'zh-CN': '请在 RDS 控制台检查该实例；再次运行 `slipway db rotate-password {env}` 会完成或撤销这次轮换。',
  },
};

registerCatalog(rotate);
