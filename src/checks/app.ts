/**
 * App build: package.json, the start command (exists, built, not a dev server),
 * `engines.node` against the target's Node, the lockfile's package manager, and migrations
 * without a migrate command.
 */
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { areaFinder, reason } from './finding.js';
import { parseVersion, satisfies } from './semver.js';
import type { CheckContext, CheckDef, Finding } from './types.js';
import { dockerfilePath, parseDockerfile } from './docker.js';
import { lockfileFinding } from './lockfile.js';
import { migrationsFinding } from './migrations.js';
import { rateLimiterUse } from './ratelimit.js';
import { isDevServer, nodeEntry, readPackageJson, scriptOf, type PackageJson } from './start-command.js';

export { isDevServer, nodeEntry, readPackageJson, scriptOf, type PackageJson };

const f = areaFinder('app');

const exists = (p: string) => access(p).then(() => true, () => false);

function stripJsonComments(s: string): string {
  return s.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m, str: string | undefined) => str ?? '').replace(/,(\s*[}\]])/g, '$1');
}

/** Source files a built `file` would come from, via tsconfig outDir/rootDir. */
async function buildSources(appDir: string, file: string): Promise<string[]> {
  let outDir = 'dist';
  let rootDir = 'src';
  try {
    const ts = JSON.parse(stripJsonComments(await readFile(path.join(appDir, 'tsconfig.json'), 'utf8'))) as { compilerOptions?: { outDir?: string; rootDir?: string } };
    outDir = ts.compilerOptions?.outDir ?? outDir;
    rootDir = ts.compilerOptions?.rootDir ?? rootDir;
  } catch {
    /* defaults */
  }
  const rel = path.relative(path.join(appDir, outDir), path.join(appDir, file));
  if (rel.startsWith('..')) return [];
  const base = rel.replace(/\.(c|m)?js$/, '');
  return ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs'].map((ext) => path.join(appDir, rootDir, base + ext));
}

async function checkCommand(ctx: CheckContext, cmd: string, pkg: PackageJson, depth = 0): Promise<Finding> {
  const { envr } = ctx;
  const p = { command: cmd, start: envr.app.start };
  if (isDevServer(cmd)) return f('app.start', 'blocker', 'checks.app.devServer', p);
  const script = scriptOf(cmd);
  if (script) {
    const body = pkg.scripts?.[script];
    if (body === undefined) {
      if (script === 'start' && (await exists(path.join(envr.appDir, 'server.js')))) return f('app.start', 'passed', 'checks.app.startOk', { ...p, command: 'node server.js' });
      return f('app.start', 'blocker', 'checks.app.noScript', { ...p, script });
    }
    if (depth < 3) return checkCommand(ctx, body, pkg, depth + 1);
    return f('app.start', 'passed', 'checks.app.startOk', p);
  }
  const entry = nodeEntry(cmd);
  if (!entry) return f('app.start', 'info', 'checks.app.startUnknown', p);
  if (await exists(path.join(envr.appDir, entry))) return f('app.start', 'passed', 'checks.app.startOk', { ...p, command: cmd });
  const sources = await buildSources(envr.appDir, entry);
  const found = (await Promise.all(sources.map(exists))).findIndex(Boolean);
  const built = envr.app.build;
  if (built && found >= 0) return f('app.start', 'passed', 'checks.app.startBuilt', { ...p, file: entry, source: path.relative(envr.appDir, sources[found]!), build: built });
  if (built) return f('app.start', 'warning', 'checks.app.startUnsure', { ...p, file: entry, build: built });
  return f('app.start', 'blocker', found >= 0 || pkg.scripts?.build ? 'checks.app.startNeedsBuild' : 'checks.app.startMissing', { ...p, file: entry });
}

/** The Node version on the target: process.version locally, `node --version` on a host, the image tag for containers. */
export function targetNodeVersion(ctx: CheckContext): Promise<{ version?: string; source: string }> {
  return ctx.memo('node.version', async () => {
    const t = ctx.envr.target.target;
    if (t === 'local') return { version: process.version, source: 'process.version' };
    if (t === 'aws') {
      const df = await readFile(dockerfilePath(ctx.envr), 'utf8').catch(() => undefined);
      const from = df ? parseDockerfile(df).filter((i) => i.instr === 'FROM').pop() : undefined;
      const m = from ? /\bnode:(\d+(?:\.\d+){0,2})/.exec(from.args) : null;
      return { version: m?.[1], source: from ? `Dockerfile FROM ${from.args}` : 'Dockerfile' };
    }
    if (!ctx.host) return { source: 'no host' };
    const r = await ctx.host.exec(['node', '--version'], { timeoutMs: 10000 }).catch(() => undefined);
    return { version: r && r.code === 0 ? r.stdout.trim() : undefined, source: `${ctx.host.name}: node --version` };
  });
}

export const appBuild: CheckDef = {
  id: 'app.package',
  area: 'app',
  async run(ctx) {
    const { envr } = ctx;
    let pkg: PackageJson | undefined;
    try {
      pkg = await readPackageJson(envr.appDir);
    } catch (e) {
      return [f('app.package', 'blocker', 'checks.app.pkgInvalid', { dir: envr.appDir, reason: reason(e) })];
    }
    if (!pkg) return [f('app.package', 'blocker', 'checks.app.pkgMissing', { dir: envr.appDir })];
    const out: Finding[] = [await checkCommand(ctx, envr.app.start, pkg)];
    const range = pkg.engines?.node;
    const node = await targetNodeVersion(ctx);
    if (!range) out.push(f('app.engines', 'info', 'checks.app.noEngines'));
    else if (!node.version) out.push(f('app.engines', 'warning', 'checks.app.enginesUnknown', { range, source: node.source }));
    else {
      // A floating image tag (node:20, node:20.11) pulls the newest release of that line.
      const parts = node.version.replace(/^v/, '').split('.');
      const newest = [...parts, ...Array<string>(Math.max(0, 3 - parts.length)).fill('999')].join('.');
      const ok = satisfies(newest, range);
      const params = { range, version: node.version, source: node.source };
      if (ok === undefined) out.push(f('app.engines', 'warning', 'checks.app.enginesUnreadable', params));
      else out.push(f('app.engines', ok ? 'passed' : 'blocker', ok ? 'checks.app.enginesOk' : 'checks.app.enginesBad', params));
    }
    out.push(await lockfileFinding(ctx));
    const migrate = await migrationsFinding(ctx, pkg);
    if (migrate) out.push(migrate);
    const rl = await rateLimiterUse(envr.appDir, Object.keys(pkg.dependencies ?? {}));
    if (rl.limiter) out.push(f('app.trust-proxy', rl.trustsProxy ? 'passed' : 'warning', rl.trustsProxy ? 'checks.app.trustProxyOk' : 'checks.app.trustProxyMissing', { limiter: rl.limiter }));
    return out;
  },
};

export { parseVersion };
