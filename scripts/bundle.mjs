#!/usr/bin/env node
// The CLI as users run it: src/cli/main.ts bundled with esbuild into dist/cli-bundle/ (ESM,
// split so each command's code loads when it runs), after `tsc` wrote dist/. Start-up is the
// reason: one file per command path instead of ~300 modules, zod's ~100 and yaml's ~80 files.
//  - Bundled: slipway's code, commander, zod, yaml, picocolors, log-update.
//  - Left to node_modules: jiti, pg, ssh2, @babel/parser (big, and each used by a few commands only).
//  - The AWS SDK: each client package that src/engine/aws-sdk.ts lists, cut down to the names
//    slipway uses (`sdkExports`), is built from its ES modules into one CommonJS file,
//    dist/cli-bundle/aws-sdk/<key>.cjs, which the CLI `require`s when a command first calls
//    that service. Each file has everything in it, the credential providers included: leaving
//    them in node_modules loads a second copy of @smithy/core from there (measured: 16 files,
//    670 kB for `releases production` against 1 file, 390 kB). Names are kept: the SDK and
//    SLIPWAY_RECORD_AWS_CALLS read `command.constructor.name`.
//  - Source maps beside each file (dist/cli-bundle/*.js.map): bin/slipway.js turns them on
//    for SLIPWAY_DEBUG=1, so a stack trace names src/*.ts lines.
//  - dist/cli-bundle/ sits one level below dist/, like dist/engine/, so src/engine/install.ts
//    finds dist/ (the supervisor's files) and package.json the same way from both.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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
  define: { SLIPWAY_AWS_SDK_DIR: JSON.stringify('./aws-sdk/') },
  plugins: [zodEnglishOnly],
  // Smaller files parse faster; names are kept for stack traces (mapped back with the source maps).
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: false,
  logLevel: 'warning',
});

// The AWS SDK, one CommonJS file per client package (see the top of this file).
const { sdkExports } = await import(pathToFileURL(path.join(root, 'dist', 'engine', 'aws-sdk.js')).href);
const sdkOut = path.join(outdir, 'aws-sdk');
await Promise.all(
  Object.entries(sdkExports).map(([key, { pkg, names }]) =>
    build({
      absWorkingDir: root,
      stdin: { contents: `export { ${names.join(', ')} } from '${pkg}';`, resolveDir: root, sourcefile: `aws-sdk-${key}.js`, loader: 'js' },
      outfile: path.join(sdkOut, `${key}.cjs`),
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      // The ES modules (tree-shaken to the names above), not dist-cjs (every command of the service).
      mainFields: ['module', 'main'],
      sourcemap: 'linked',
      sourcesContent: false,
      minify: true,
      keepNames: true,
      logLevel: 'warning',
    }),
  ),
);
