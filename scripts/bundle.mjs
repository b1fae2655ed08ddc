#!/usr/bin/env node
// The CLI as users run it: src/cli/main.ts bundled with esbuild into dist/cli-bundle/ (ESM,
// split so each command's code loads when it runs), after `tsc` wrote dist/. Start-up is the
// reason: one file per command path instead of ~300 modules, zod's ~100 and yaml's ~80 files.
//  - Bundled: slipway's code, commander, zod, yaml, picocolors, log-update.
//  - Left to node_modules: the AWS SDK (each client `require`d on first use), jiti, pg, ssh2,
//    @babel/parser (big, and each used by a few commands only).
//  - Source maps beside each file (dist/cli-bundle/*.js.map): bin/slipway.js turns them on
//    for SLIPWAY_DEBUG=1, so a stack trace names src/*.ts lines.
//  - dist/cli-bundle/ sits one level below dist/, like dist/engine/, so src/engine/install.ts
//    finds dist/ (the supervisor's files) and package.json the same way from both.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * zod exports its ~40 translations (`z.locales`, 370 kB) and uses English alone unless told
 * otherwise; slipway never touches `z.locales` (its messages are its own catalogs), so the
 * bundle carries the English one only.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) => (args.importer.includes(`${path.sep}zod${path.sep}`) ? { path: path.join(path.dirname(args.importer), '..', 'locales', 'index.js'), namespace: 'zod-locales' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({ contents: `export { default as en } from ${JSON.stringify(path.join(path.dirname(args.path), 'en.js'))};`, resolveDir: path.dirname(args.path) }));
  },
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'cli-bundle');
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  sourcesContent: false,
  external: ['@aws-sdk/*', '@smithy/*', 'jiti', 'pg', 'pg-*', 'ssh2', '@babel/*', 'playwright-core', 'libpg-query'],
  // CommonJS packages inside an ESM bundle call `require` for node built-ins.
  banner: { js: "import { createRequire as __slipwayCreateRequire } from 'node:module'; const require = __slipwayCreateRequire(import.meta.url);" },
  plugins: [zodEnglishOnly],
  // Smaller files parse faster; names are kept for stack traces (mapped back with the source maps).
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: false,
  logLevel: 'warning',
});
