/** The app's package.json and its start command: which script or file it runs, and whether it is a dev server. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface PackageJson {
  scripts?: Record<string, string>;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export async function readPackageJson(appDir: string): Promise<PackageJson | undefined> {
  try {
    return JSON.parse(await readFile(path.join(appDir, 'package.json'), 'utf8')) as PackageJson;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

const DEV_SERVER = /\bnodemon\b|\bts-node(-dev)?\b|\bts-node-esm\b|--watch\b|\btsx\s+watch\b|\bnpm\s+run\s+dev\b|\b(yarn|pnpm)\s+(run\s+)?dev\b|\bnext\s+dev\b|\bnest\s+start\s+.*--watch|\bvite(\s|$)(?!.*preview)|\bwebpack-dev-server\b/;

/** Whether a command runs a development server / watcher. */
export function isDevServer(cmd: string): boolean {
  return DEV_SERVER.test(cmd);
}

/** The npm script a command runs (`npm start`, `npm run x`, `yarn x`, `pnpm x`), if any. */
export function scriptOf(cmd: string): string | undefined {
  const t = cmd.trim().split(/\s+/);
  if (t[0] === 'npm' && (t[1] === 'start' || t[1] === 'test')) return t[1];
  if ((t[0] === 'npm' || t[0] === 'pnpm' || t[0] === 'yarn') && (t[1] === 'run' || t[1] === 'run-script')) return t[2];
  if ((t[0] === 'yarn' || t[0] === 'pnpm') && t[1] && !t[1].startsWith('-') && !['install', 'add', 'exec', 'dlx'].includes(t[1])) return t[1];
  return undefined;
}

/** The script file a `node …` command runs, if any (none for inline code: `node -e '…'`). */
export function nodeEntry(cmd: string): string | undefined {
  const t = cmd.trim().split(/\s+/);
  if (t[0] !== 'node' && !/\/node$/.test(t[0] ?? '')) return undefined;
  for (let i = 1; i < t.length; i++) {
    const a = t[i]!;
    if (/^(-e|--eval|-p|--print)$/.test(a)) return undefined;
    if (/^(-r|--require|--import|--loader|--env-file|--max-old-space-size)$/.test(a)) i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}
