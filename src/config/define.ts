import type { SlipwayConfigInput } from './schema.js';

/** Typed helper for `slipway.config.ts`: `export default defineConfig({ ... })`. */
export function defineConfig(config: SlipwayConfigInput): SlipwayConfigInput {
  return config;
}
