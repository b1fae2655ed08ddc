/** Relative times ("just now", "5 min ago") for every output. */
import { registerCatalog, type Catalog } from '../i18n.js';

export const time: Catalog = {
  'time.justNow': { en: 'just now', 'zh-CN': '刚刚' },
  'time.minutesAgo': { en: '{n} min ago', 'zh-CN': '{n} 分钟前' },
  'time.hoursAgo': { en: '{n} h ago', 'zh-CN': '{n} 小时前' },
  'time.daysAgo': { en: '{n} d ago', 'zh-CN': '{n} 天前' },
};

registerCatalog(time);
