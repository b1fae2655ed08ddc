/**
 * The repository's own slipway configuration: the bundled example app (examples/shop-api),
 * so that `npm run demo`, `npx slipway status local`, `npx slipway deploy local`,
 * `npx slipway rollback local` and `npx slipway destroy local --yes` work from the repo root.
 * It reuses the example's slipway.yaml and only points `app.dir` at the example.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { defineConfig } from './src/config/define.ts';
import type { SlipwayConfigInput } from './src/config/schema.ts';

const example = parse(readFileSync(new URL('./examples/shop-api/slipway.yaml', import.meta.url), 'utf8')) as SlipwayConfigInput;

export default defineConfig({ ...example, app: { ...example.app, dir: 'examples/shop-api' } });
