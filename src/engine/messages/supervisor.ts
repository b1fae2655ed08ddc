/**
 * The supervisor's own log lines. The supervisor is a separate process (uploaded to a VM as a
 * few files), so this catalog imports nothing at run time and is read by
 * targets/machine/supervisor-text.ts, not through the CLI's i18n.
 */
import type { Catalog } from '../i18n.js';

export const supervisor: Catalog = {
  'supervisor.missingArg': { en: 'supervisor: missing --{name}', 'zh-CN': '守护进程：缺少 --{name}' },
  'supervisor.serving': { en: 'supervisor {pid} serving on {host}:{port}', 'zh-CN': '守护进程 {pid} 在 {host}:{port} 提供服务' },
  'supervisor.resumed': { en: 'resumed release {release}', 'zh-CN': '已恢复发布 {release}' },
  'supervisor.resumedNothing': { en: 'resumed nothing (no serving release recorded)', 'zh-CN': '没有可恢复的发布（未记录正在服务的发布）' },
  'supervisor.startFailed': { en: 'supervisor failed to start: {reason}', 'zh-CN': '守护进程启动失败：{reason}' },
  'supervisor.error': { en: 'supervisor error: {reason}', 'zh-CN': '守护进程出错：{reason}' },
  'supervisor.stateNotWritten': { en: 'could not write {file}: {reason}', 'zh-CN': '无法写入 {file}：{reason}' },
  'supervisor.processExited': { en: 'process exited (code {code}, signal {signal})', 'zh-CN': '进程已退出（退出码 {code}，信号 {signal}）' },
};
