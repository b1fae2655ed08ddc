/** The shape of a message catalog: every key has an English and a Simplified Chinese text. */
export interface Message {
  en: string;
  'zh-CN': string;
}
export type Catalog = Record<string, Message>;
