/**
 * Messages of the safety checks that read the environment's history where the target keeps
 * it: backups (dump files, RDS snapshots) and the releases a failure may return to.
 */
import { registerCatalog, type Catalog } from '../i18n.js';

type Pair = [en: string, zh: string];
export const checksHistory: Catalog = {};

function v(key: string, title: Pair, evidence?: Pair, fix?: Pair): void {
  checksHistory[key] = { en: title[0], 'zh-CN': title[1] };
  if (evidence) checksHistory[`${key}.evidence`] = { en: evidence[0], 'zh-CN': evidence[1] };
  if (fix) checksHistory[`${key}.fix`] = { en: fix[0], 'zh-CN': fix[1] };
}

v('checks.history.backupOk', ['Recent backup: {file} ({age})', '近期备份：{file}（{age}）'], ['In {where}; newer than {max} h.', '位于 {where}；新于 {max} 小时。']);
v('checks.history.backupOld', ['Newest backup is {hours} h old', '最新的备份已有 {hours} 小时'], ['{file} in {where} is older than {max} h; a deploy that migrates an existing database takes a new one first.', '{where} 中的 {file} 早于 {max} 小时；迁移已有数据库的部署会先重新备份。']);
v('checks.history.backupNone', ['No backup yet', '尚无备份'], ['No backup in {where}; a deploy that migrates an existing database takes one first.', '{where} 中没有备份；迁移已有数据库的部署会先做一次备份。']);
v('checks.history.backupUnreadable', ['Backups could not be read', '无法读取备份'], ['{where}: {reason}', '{where}：{reason}'], ['Check access to {where} and run `slipway check` again.', '检查对 {where} 的访问权限，然后重新运行 `slipway check`。']);
v('checks.history.rollbackOk', ['Rollback possible to {release}', '可以回滚到 {release}'], ['{count} release(s) to return to in {where}.', '{where} 中有 {count} 个可回滚的发布。']);
v('checks.history.first', ['First deploy: nothing to roll back to', '首次部署：没有可回滚的发布'], ['No release recorded in {where}.', '{where} 中没有记录任何发布。']);
v('checks.history.noGood', ['No previous good release', '没有以前的成功发布'], ['{count} release(s) recorded in {where}, none to return to; a failure cannot roll back.', '{where} 中记录了 {count} 个发布，没有一个可以回滚到；失败时无法回滚。'], ['Deploy to a test environment first.', '请先部署到测试环境。']);
v('checks.history.releasesUnreadable', ['Releases could not be read', '无法读取发布记录'], ['{where}: {reason}', '{where}：{reason}'], ['Check access to {where} and run `slipway check` again.', '检查对 {where} 的访问权限，然后重新运行 `slipway check`。']);

registerCatalog(checksHistory);
