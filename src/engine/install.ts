/**
 * Where this installation's files are. The code runs from one of three places, each one
 * directory below its tree's root: `src/engine/` (TypeScript through tsx, in development),
 * `dist/engine/` (tsc's output, the library), or `dist/cli-bundle/` (the bundled CLI, one
 * directory for every chunk), so the same relative paths hold from each.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** True when running the TypeScript sources (development, unit tests). */
export const fromSource = import.meta.url.endsWith('.ts');

/** The package's root (package.json, dist/, src/). */
export const packageRoot = path.resolve(here, '..', '..');

/** The compiled tree, `dist/` (the supervisor's modules live there, whatever runs the CLI). */
export const distDir = path.join(packageRoot, 'dist');

/** The tree the running code comes from: `src/` in development, else `dist/`. */
export const codeDir = fromSource ? path.join(packageRoot, 'src') : distDir;
