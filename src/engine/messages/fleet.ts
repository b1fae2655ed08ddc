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
  'fleet.status.host': { en: 'host {host}', 'zh-CN': '主机 {host}' },
  'fleet.status.lockHost': { en: 'lock and journal', 'zh-CN': '锁和 journal' },
};

registerCatalog(fleet);
