/**
 * The bundled CLI as users run it (dist/cli-bundle/, built by scripts/bundle.mjs) loads the AWS
 * SDK only on first use, from its own cut-down CommonJS files: a static ESM import of an SDK
 * package would make every command that loads the chunk pay for the package through the ESM
 * loader (issue 11: `releases production` took 0.8 s that way).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ensureBuilt, ROOT } from '../helpers/local-env.js';
import { sdkExports, type SdkKey } from '../../src/engine/aws-sdk.js';

const BUNDLE = path.join(ROOT, 'dist', 'cli-bundle');

test('no .js file in dist/cli-bundle/ statically imports an @aws-sdk/ or @smithy/ package', () => {
  ensureBuilt();
  const files = readdirSync(BUNDLE).filter((f) => f.endsWith('.js'));
  assert.ok(files.length > 10, `dist/cli-bundle/ has ${files.length} .js files`);
  const staticImport = /(?:\bfrom\s*|\bimport\s*)["'](@aws-sdk|@smithy)\/[^"']*["']/g;
  const found = files.flatMap((f) => [...readFileSync(path.join(BUNDLE, f), 'utf8').matchAll(staticImport)].map((m) => `${f}: ${m[0]}`));
  assert.deepEqual(found, []);
});

test('dist/cli-bundle/aws-sdk/ has one CommonJS file per client in sdkExports, exporting each listed class under its own name', () => {
  ensureBuilt();
  const load = createRequire(path.join(BUNDLE, 'aws-sdk', 'index.cjs'));
  for (const [key, { names }] of Object.entries(sdkExports) as [SdkKey, (typeof sdkExports)[SdkKey]][]) {
    const mod = load(`./${key}.cjs`) as Record<string, unknown>;
    for (const name of names) {
      const value = mod[name];
      assert.equal(typeof value, 'function', `${key}.cjs exports ${name}`);
      // SLIPWAY_RECORD_AWS_CALLS names an action after the command's class (record.ts).
      assert.equal((value as { name: string }).name, name, `${key}.cjs keeps the name of ${name}`);
    }
  }
});
