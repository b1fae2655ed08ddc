#!/usr/bin/env node
// Entry point. `--version` answers without loading the CLI (start-up speed matters).
// The CLI runs bundled (dist/cli-bundle/, built by scripts/bundle.mjs); with SLIPWAY_DEBUG
// set, stack traces are mapped back to src/*.ts through the bundle's source maps.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  if (process.env.SLIPWAY_DEBUG) process.setSourceMapsEnabled(true);
  // The AWS SDK warns on every run that future versions will need Node 22; say it once in the docs, not here.
  const emit = process.emitWarning.bind(process);
  process.emitWarning = (warning, ...rest) => {
    const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
    if (type === 'NodeVersionSupportWarning' || String(warning).includes('NodeVersionSupportWarning')) return;
    emit(warning, ...rest);
  };
  const { main } = await import('../dist/cli-bundle/main.js');
  process.exitCode = await main(process.argv);
}
