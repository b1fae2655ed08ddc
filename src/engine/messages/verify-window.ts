/** The verification window (`deploy --watch`, `verify.window`) and `slipway verify`. */
import { registerCatalog, type Catalog } from '../i18n.js';

export const verifyWindow: Catalog = {
  'cli.verify': {
    en: "check a deployed environment now (the 1-hour check): verify checks, health, the 5xx share since the switch and the log patterns, per host; exit 1 on failure",
    'zh-CN': '立即检查已部署的环境（例如上线 1 小时后的检查）：按主机检查验证项、健康检查、切换以来的 5xx 占比和日志模式；失败时退出码为 1',
  },
  'cli.opt.window': { en: 'keep checking for this long (`30s`, `5m`, `1h`) instead of once', 'zh-CN': '在这段时间内持续检查（`30s`、`5m`、`1h`），而不是只检查一次' },
  'cli.opt.rollbackOnFail': { en: 'on failure, roll every host back to the last good release (code and env)', 'zh-CN': '检查失败时，把所有主机回滚到上一个正常的发布（代码和环境变量）' },
  'window.start': {
    en: 'Watching {release} for {window} on {hosts} host(s): health, 5xx share (limit {rate}, over at least {min} requests), log patterns: {patterns}. Ctrl-C stops watching and keeps the release.',
    'zh-CN': '正在观察 {release}，时长 {window}，共 {hosts} 台主机：健康检查、5xx 占比（上限 {rate}，至少 {min} 个请求后才判断）、日志模式：{patterns}。按 Ctrl-C 停止观察并保留该发布。',
  },
  'window.problem': { en: '{host}: {problem}', 'zh-CN': '{host}：{problem}' },
  'window.notCounted': {
    en: "{host}: the supervisor there does not count answers (it was started by an older slipway), so the 5xx share is not judged on it; it counts after its next restart",
    'zh-CN': '{host}：该主机上的 supervisor 不统计响应（由旧版 slipway 启动），因此不判断其 5xx 占比；它下次重启后开始统计',
  },
  'window.interrupting': { en: 'Interrupted: stopping the watch; the new release stays deployed (press Ctrl-C again to quit now).', 'zh-CN': '已中断：正在停止观察；新发布保持部署（再按一次 Ctrl-C 立即退出）。' },
  'window.held': { en: '{release} held for {window}: {summary}.', 'zh-CN': '{release} 在 {window} 内保持正常：{summary}。' },
  'window.stopped': {
    en: 'Stopped watching: {release} stays deployed and was not rolled back. Check it later with `slipway verify {env}`.',
    'zh-CN': '已停止观察：{release} 保持部署，没有回滚。稍后可运行 `slipway verify {env}` 检查。',
  },
  'window.breach': { en: 'Verification failed on {env}: {reason}', 'zh-CN': '{env} 验证失败：{reason}' },
  'window.rollingBack': { en: 'Rolling every host of {env} back to the last good release (code and env)…', 'zh-CN': '正在把 {env} 的所有主机回滚到上一个正常的发布（代码和环境变量）……' },
  'window.rolledBack': {
    en: '{release} breached the verification window ({reason}) and {env} was rolled back to the last good release.',
    'zh-CN': '{release} 未通过验证窗口（{reason}），{env} 已回滚到上一个正常的发布。',
  },
  'window.rolledBack.fix': {
    en: 'The evidence is above and in `slipway releases {env}` (the release is recorded as failed); fix the cause and deploy again.',
    'zh-CN': '证据见上方以及 `slipway releases {env}`（该发布已记录为失败）；修复原因后重新部署。',
  },
  'window.failed': { en: '{env} failed verification: {reason}', 'zh-CN': '{env} 未通过验证：{reason}' },
  'window.failed.fix': {
    en: 'Roll back with `slipway rollback {env}` (or run `slipway verify {env} --rollback-on-fail`), or fix the cause and deploy again.',
    'zh-CN': '运行 `slipway rollback {env}` 回滚（或运行 `slipway verify {env} --rollback-on-fail`），或修复原因后重新部署。',
  },
  'window.badDuration': { en: '{flag} needs a duration (`30s`, `5m`, `1h`, a number of seconds, or 0 for off), not {value}.', 'zh-CN': '{flag} 需要一个时长（`30s`、`5m`、`1h`、秒数，或 0 表示关闭），而不是 {value}。' },
  'window.badDuration.fix': { en: 'For example: {flag} 5m.', 'zh-CN': '例如：{flag} 5m。' },
  'verifyCmd.hostOk': { en: '✓ {host}  {release}  health {health}  {errors}  log: no match', 'zh-CN': '✓ {host}  {release}  健康检查 {health}  {errors}  日志：无匹配' },
  'verifyCmd.hostFailed': { en: '✗ {host}  {release}  health {health}  {errors}', 'zh-CN': '✗ {host}  {release}  健康检查 {health}  {errors}' },
  'verifyCmd.passed': { en: '{env} passed verification ({hosts} host(s)).', 'zh-CN': '{env} 通过验证（{hosts} 台主机）。' },
  'verifyCmd.notDeployed': { en: 'Nothing is deployed to {env}: there is nothing to verify.', 'zh-CN': '{env} 尚未部署任何内容：没有可验证的对象。' },
  'verifyCmd.notDeployed.fix': { en: 'Deploy first: `slipway deploy {env}`.', 'zh-CN': '请先部署：`slipway deploy {env}`。' },
};

registerCatalog(verifyWindow);
