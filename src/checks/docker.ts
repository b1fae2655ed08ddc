/**
 * The Dockerfile of container targets: EXPOSE of app.port, a TypeScript build before
 * start (pitfall 6), no dev server as CMD, and no `.env*` in the image.
 */
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedEnvironment } from '../config/resolve.js';
import { areaFinder } from './finding.js';
import { isDevServer, nodeEntry, readPackageJson } from './start-command.js';
import type { CheckDef, Finding } from './types.js';

const f = areaFinder('docker');

export interface Instruction {
  instr: string;
  args: string;
  line: number;
  stage: number;
}

export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  let stage = -1;
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let s = lines[i]!;
    if (/^\s*#/.test(s) || !s.trim()) continue;
    while (/\\\s*$/.test(s) && i + 1 < lines.length) {
      i++;
      const next = lines[i]!;
      s = s.replace(/\\\s*$/, ' ') + (/^\s*#/.test(next) ? '' : next);
    }
    const m = /^\s*([A-Za-z]+)\s+([\s\S]*)$/.exec(s);
    if (!m) continue;
    const instr = m[1]!.toUpperCase();
    if (instr === 'FROM') stage++;
    out.push({ instr, args: m[2]!.trim().replace(/\s+/g, ' '), line: start + 1, stage: Math.max(stage, 0) });
  }
  return out;
}

/** CMD/ENTRYPOINT args as a command line (exec form JSON or shell form). */
export function commandLine(args: string): string {
  if (args.startsWith('[')) {
    try {
      return (JSON.parse(args) as string[]).join(' ');
    } catch {
      return args;
    }
  }
  return args;
}

export function dockerfilePath(envr: ResolvedEnvironment): string {
  return path.resolve(envr.appDir, envr.app.dockerfile ?? 'Dockerfile');
}

const BUILD = /\b(npm run build|npm run-script build|yarn build|pnpm (run )?build|tsc\b|npx tsc|nest build)/;

/** Whether `.dockerignore` patterns exclude `.env` and `.env.production`. */
export function ignoresEnvFiles(patterns: string[]): boolean {
  const rx = patterns
    .map((p) => p.trim())
    .filter((p) => p && !p.startsWith('#'))
    .map((p) => {
      const neg = p.startsWith('!');
      const body = (neg ? p.slice(1) : p).replace(/^\.?\//, '').replace(/^\*\*\//, '');
      const re = new RegExp(`^${body.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '.*').replace(/\*/g, '[^/]*').replace(/\?/g, '.')}$`);
      return { neg, re };
    });
  const ignored = (name: string) => rx.reduce((acc, r) => (r.re.test(name) ? !r.neg : acc), false);
  return ignored('.env') && ignored('.env.production');
}

export const dockerChecks: CheckDef = {
  id: 'docker.file',
  area: 'docker',
  async run({ envr }) {
    if (envr.target.target !== 'aws' && !envr.app.dockerfile) return [];
    const file = dockerfilePath(envr);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return [f('docker.file', 'blocker', 'checks.docker.missing', { file: path.relative(envr.configDir, file) })];
    }
    const ins = parseDockerfile(text);
    const last = Math.max(0, ...ins.map((i) => i.stage));
    const final = ins.filter((i) => i.stage === last);
    const out: Finding[] = [];
    const port = envr.app.port;
    const exposes = final.filter((i) => i.instr === 'EXPOSE').flatMap((i) => i.args.split(/\s+/).map((a) => Number.parseInt(a, 10)));
    if (exposes.includes(port)) out.push(f('docker.expose', 'passed', 'checks.docker.exposeOk', { port }));
    else out.push(f('docker.expose', 'warning', exposes.length ? 'checks.docker.exposeWrong' : 'checks.docker.exposeNone', { port, exposed: exposes.join(', ') }));

    const cmdIns = [...final].reverse().find((i) => i.instr === 'CMD' || i.instr === 'ENTRYPOINT');
    const cmd = cmdIns ? commandLine(cmdIns.args) : '';
    if (!cmdIns) out.push(f('docker.cmd', 'blocker', 'checks.docker.noCmd'));
    else if (isDevServer(cmd)) out.push(f('docker.cmd', 'blocker', 'checks.docker.devCmd', { cmd, line: cmdIns.line }));
    else out.push(f('docker.cmd', 'passed', 'checks.docker.cmdOk', { cmd }));

    const pkg = await readPackageJson(envr.appDir).catch(() => undefined);
    const hasTs = !!(pkg?.dependencies?.typescript || pkg?.devDependencies?.typescript) || (await access(path.join(envr.appDir, 'tsconfig.json')).then(() => true, () => false));
    if (hasTs) {
      const buildIns = ins.find((i) => i.instr === 'RUN' && BUILD.test(i.args));
      const entry = nodeEntry(cmd) ?? nodeEntry(envr.app.start) ?? '';
      const runsBuilt = /^(dist|build|out|lib)\//.test(entry.replace(/^\.\//, '')) || /npm (run )?start/.test(cmd);
      if (!buildIns && runsBuilt) out.push(f('docker.build', 'blocker', 'checks.docker.noBuild', { cmd }));
      else if (buildIns) {
        const prodOnly = ins.find((i) => i.stage === buildIns.stage && i.line < buildIns.line && i.instr === 'RUN' && /(--omit[= ]dev|--production|--only[= ]prod)/.test(i.args));
        if (prodOnly) out.push(f('docker.build', 'blocker', 'checks.docker.buildNoDev', { line: prodOnly.line, build: buildIns.line }));
        else out.push(f('docker.build', 'passed', 'checks.docker.buildOk', { line: buildIns.line }));
      }
    }

    const copyEnv = ins.filter((i) => (i.instr === 'COPY' || i.instr === 'ADD') && /(^|\s|\/)\.env(\.[\w.-]+)?(\s|$)/.test(i.args));
    if (copyEnv.length) out.push(f('docker.copy-env', 'blocker', 'checks.docker.copyEnv', { lines: copyEnv.map((i) => i.line).join(', ') }));
    const ignoreFile = path.join(path.dirname(file), '.dockerignore');
    const ignore = await readFile(ignoreFile, 'utf8').catch(() => undefined);
    if (ignore === undefined) out.push(f('docker.ignore', 'warning', 'checks.docker.noIgnore'));
    else if (!ignoresEnvFiles(ignore.split(/\r?\n/))) out.push(f('docker.ignore', 'warning', 'checks.docker.ignoreEnv'));
    else out.push(f('docker.ignore', 'passed', 'checks.docker.ignoreOk'));
    return out;
  },
};
