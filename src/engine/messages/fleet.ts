/** Fleet messages: several hosts in one environment (ssh `hosts:`), waves, mixed releases. */
import { registerCatalog, type Catalog } from '../i18n.js';

export const fleet: Catalog = {
  'fleet.step.onHost': { en: '{host}: {title}', 'zh-CN': '{host}：{title}' },
  'fleet.step.commit': { en: 'Every host ({count}) serves {release}', 'zh-CN': '全部 {count} 台主机都在运行 {release}' },
  'fleet.managedDb': {
    en: 'Environment {env} has {count} hosts but a database slipway runs on one machine (database.mode managed): the other hosts could not reach it, and each host would start its own.',
    'zh-CN': '环境 {env} 有 {count} 台主机，但数据库由 slipway 在单台机器上运行（database.mode managed）：其他主机无法访问它，而且每台主机都会各自启动一个。',
  },
  'fleet.managedDb.fix': {
    en: 'Use a database every host reaches: set `database: { mode: external }` in environments.{env} and put its URL in the secret DATABASE_URL (in .env.{env}).',
    'zh-CN': '使用每台主机都能访问的数据库：在 environments.{env} 中设置 `database: { mode: external }`，并把它的 URL 放入密钥 DATABASE_URL（在 .env.{env} 中）。',
  },
  'fleet.mixedReleases': {
    en: 'The hosts of {env} serve different releases, so "the previous release" means something different on each: {hosts}.',
    'zh-CN': '环境 {env} 的主机运行着不同的发布，“上一个发布”在每台主机上含义不同：{hosts}。',
  },
  'fleet.mixedReleases.fix': {
    en: 'Name the release every host should serve: slipway rollback {env} --to <id> (see slipway releases {env}).',
    'zh-CN': '指定所有主机都应运行的发布：slipway rollback {env} --to <id>（见 slipway releases {env}）。',
  },
  'fleet.releaseMissing': {
    en: 'Release {release} is not on {hosts}: it was pruned there or never reached it.',
    'zh-CN': '发布 {release} 不在 {hosts} 上：已在那里被清理，或从未到达。',
  },
  'fleet.releaseMissing.fix': {
    en: 'Roll back to a release every host still has (slipway releases {env}), or deploy again.',
    'zh-CN': '回滚到所有主机上都还保留的发布（slipway releases {env}），或重新部署。',
  },
  'fleet.hostsChanged': {
    en: 'An interrupted run of {env} covered the hosts {run}, but the configuration now lists {now}: it cannot be finished on a different list.',
    'zh-CN': '{env} 有一次被中断的运行，它涉及的主机是 {run}，但配置现在列出的是 {now}：无法在不同的主机列表上收尾。',
  },
  'fleet.hostsChanged.fix': {
    en: 'Put environments.{env}.hosts back as it was, run any slipway command that changes {env} (it finishes the interrupted run first), then change the hosts.',
    'zh-CN': '先把 environments.{env}.hosts 恢复原样，运行任意一条会改变 {env} 的 slipway 命令（它会先收尾被中断的运行），再修改主机列表。',
  },
  'fleet.notForFleet': {
    en: '`slipway {command}` does not run on a fleet: environment {env} lists its machines under `hosts:` ({hosts}).',
    'zh-CN': '`slipway {command}` 不能在机群上运行：环境 {env} 在 `hosts:` 下列出了它的机器（{hosts}）。',
  },
  'fleet.rotatePassword.fix': {
    en: "A fleet's database is one every host reaches: rotate its password where it is managed, put the new URL in the secret {secret} and run `slipway deploy {env}`. A single VM whose database slipway runs: write it as `host:` instead of `hosts:`, then rotate.",
    'zh-CN': '机群的数据库是每台主机都能访问的数据库：请在它的管理处轮换密码，把新的 URL 放入密钥 {secret}，然后运行 `slipway deploy {env}`。若是单台 VM 且数据库由 slipway 运行：把它写成 `host:` 而不是 `hosts:`，然后再轮换。',
  },
  'fleet.rehearse.fix': {
    en: "A fleet's database is one every host reaches, and its backups are on its first host, {first}. Rehearse on a copy in an environment on one machine: `slipway db import <env> --file <dump>`, then `slipway db rehearse <env> --fresh`.",
    'zh-CN': '机群的数据库是每台主机都能访问的数据库，它的备份在第一台主机 {first} 上。请在只有一台机器的环境中用副本演练：`slipway db import <env> --file <dump>`，然后运行 `slipway db rehearse <env> --fresh`。',
  },
};

registerCatalog(fleet);
