/**
 * The supervisor's log lines in the user's language: the CLI passes `--lang` when it starts
 * the supervisor (and each start request carries it), and the supervisor formats its own
 * catalog (engine/messages/supervisor.ts) here, without the CLI's i18n, so the few files
 * uploaded to a VM are all it needs.
 */
import { supervisor as catalog } from '../../engine/messages/supervisor.js';

export type SupervisorLang = 'en' | 'zh-CN';

let lang: SupervisorLang = 'en';

/** The language for lines not tied to a request; anything but `zh-CN` is English. */
export function setSupervisorLang(raw: string | undefined): void {
  lang = asLang(raw);
}

export function asLang(raw: string | undefined): SupervisorLang {
  return raw === 'zh-CN' ? 'zh-CN' : 'en';
}

/** One supervisor line: `<time> [slipway] <text>`. */
export function supervisorLine(key: string, params: Record<string, string | number> = {}, as: SupervisorLang = lang): string {
  const m = catalog[key];
  const text = (m ? m[as] : key).replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])));
  return `${new Date().toISOString()} [slipway] ${text}`;
}
