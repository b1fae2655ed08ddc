/** The JSON Schema and the configuration reference are generated from the zod schema and must be current. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { jsonSchema, docWithReference } from '../../scripts/gen-schema.js';
import { ROOT } from '../helpers/local-env.js';
import { validateConfig } from '../../src/config/load.js';
import { parse } from 'yaml';

test('schema/slipway.schema.json is generated from the current schema (run `npm run schema`)', async () => {
  assert.equal(await readFile(path.join(ROOT, 'schema', 'slipway.schema.json'), 'utf8'), jsonSchema());
});

test('docs/configuration.md reference table is current (run `npm run schema`)', async () => {
  assert.equal(await readFile(path.join(ROOT, 'docs', 'configuration.md'), 'utf8'), await docWithReference());
});

test('the example app config is valid', async () => {
  const file = path.join(ROOT, 'examples', 'shop-api', 'slipway.yaml');
  const cfg = validateConfig(parse(await readFile(file, 'utf8')), file);
  assert.equal(cfg.app.name, 'shop-api');
  assert.equal(cfg.environments.local?.target, 'local');
});
