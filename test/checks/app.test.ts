import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDevServer, nodeEntry, scriptOf } from '../../src/checks/app.js';
import { ignoresEnvFiles, parseDockerfile } from '../../src/checks/docker.js';
import { satisfies } from '../../src/checks/semver.js';
import { one, preflight, setup } from './helpers.js';

const pkg = (o: Record<string, unknown>) => JSON.stringify({ name: 'a', version: '1.0.0', ...o });
const TS_APP = {
  'package.json': pkg({ engines: { node: '>=18' }, scripts: { build: 'tsc', start: 'node dist/server.js', dev: 'nodemon src/server.ts' }, devDependencies: { typescript: '^5' } }),
  'package-lock.json': '{}',
  'tsconfig.json': '{ // comment\n "compilerOptions": { "outDir": "dist", "rootDir": "src", }, }',
  'src/server.ts': 'console.log(process.env.PORT ?? 3000);',
};

async function app(files: Record<string, string>, appCfg: Record<string, unknown>) {
  const s = await setup({ files, config: { app: { name: 'demo', ...appCfg } } });
  return preflight(s, { areas: ['app', 'docker'] });
}

describe('app build', () => {
  it('parses commands and engine ranges', () => {
    assert.equal(scriptOf('npm start'), 'start');
    assert.equal(scriptOf('npm run serve'), 'serve');
    assert.equal(scriptOf('yarn serve'), 'serve');
    assert.equal(nodeEntry('node --enable-source-maps -r dotenv/config dist/a.js'), 'dist/a.js');
    assert.equal(nodeEntry(`node -e "console.log('x'); process.exit(3)"`), undefined);
    assert.ok(isDevServer('nodemon src/x.ts') && isDevServer('node --watch dist/x.js') && isDevServer('npm run dev') && isDevServer('ts-node src/a.ts'));
    assert.ok(!isDevServer('node dist/server.js'));
    assert.equal(satisfies('v20.11.1', '>=20.11'), true);
    assert.equal(satisfies('20.5.0', '^20.11.0'), false);
    assert.equal(satisfies('18.19.0', '^18.17 || >=20'), true);
    assert.equal(satisfies('16.20.0', '>=18 <21'), false);
    assert.equal(satisfies('20.1.0', '18 - 20'), true);
    assert.equal(satisfies('22.0.0', '20.x'), false);
  });

  it('passes a TypeScript app whose start file the build produces', async () => {
    const r = await app(TS_APP, { start: 'npm start', build: 'npm run build' });
    assert.equal(one(r, 'app.start').severity, 'passed');
    assert.match(one(r, 'app.start').evidence, /src\/server\.ts/);
    assert.equal(one(r, 'app.engines').severity, 'passed');
    assert.equal(one(r, 'app.lockfile').severity, 'passed');
  });

  it('blocks a start file that only a build produces when no build is configured', async () => {
    const r = await app(TS_APP, { start: 'node dist/server.js' });
    assert.equal(one(r, 'app.start').severity, 'blocker');
    assert.match(one(r, 'app.start').fix ?? '', /app\.build/);
  });

  it('blocks a dev server, a missing script and a missing file', async () => {
    assert.equal(one(await app(TS_APP, { start: 'npm run dev' }), 'app.start').severity, 'blocker');
    const noScript = one(await app(TS_APP, { start: 'npm run serve' }), 'app.start');
    assert.equal(noScript.severity, 'blocker');
    assert.match(noScript.title, /"serve"/);
    assert.equal(one(await app({ 'package.json': pkg({}) }, { start: 'node server.js' }), 'app.start').severity, 'blocker');
  });

  it('blocks an engines.node the target Node does not satisfy; warns without a lockfile', async () => {
    const r = await app({ 'package.json': pkg({ engines: { node: '>=99' } }), 'server.js': '' }, { start: 'node server.js' });
    const f = one(r, 'app.engines');
    assert.equal(f.severity, 'blocker');
    assert.match(f.title, new RegExp(process.version.replace(/\./g, '\\.')));
    assert.equal(one(r, 'app.lockfile').severity, 'warning');
  });

  it('blocks a missing package.json', async () => {
    assert.equal(one(await app({ 'server.js': '' }, { start: 'node server.js' }), 'app.package').severity, 'blocker');
  });
});

const GOOD_DOCKERFILE = `FROM node:20-alpine AS build
WORKDIR /app
COPY package*.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20-alpine
WORKDIR /app
COPY --from=build /app/dist ./dist
COPY package*.json ./
RUN npm ci --omit=dev
EXPOSE 3000
CMD ["node", "dist/server.js"]
`;

describe('Dockerfile (container targets)', () => {
  const docker = (dockerfile: string, ignore?: string) => app({ ...TS_APP, Dockerfile: dockerfile, ...(ignore === undefined ? {} : { '.dockerignore': ignore }) }, { start: 'node dist/server.js', build: 'npm run build', dockerfile: 'Dockerfile', port: 3000 });

  it('parses instructions with continuations and ignore patterns', () => {
    const ins = parseDockerfile('FROM a\nRUN npm ci \\\n  && npm run build\n# c\nCMD ["node","x.js"]\n');
    assert.deepEqual(ins.map((i) => i.instr), ['FROM', 'RUN', 'CMD']);
    assert.match(ins[1]!.args, /npm ci && npm run build/);
    assert.equal(ignoresEnvFiles(['node_modules', '.env*']), true);
    assert.equal(ignoresEnvFiles(['.env']), false);
    assert.equal(ignoresEnvFiles(['**/.env*', '!.env.example']), true);
  });

  it('passes a multi-stage build that compiles TypeScript', async () => {
    const r = await docker(GOOD_DOCKERFILE, 'node_modules\n.env*\n.git\n');
    for (const id of ['docker.expose', 'docker.cmd', 'docker.build', 'docker.ignore']) assert.equal(one(r, id).severity, 'passed', id);
  });

  it('blocks no build step, a dev CMD and COPY .env; warns on EXPOSE and .dockerignore', async () => {
    const bad = `FROM node:20\nWORKDIR /app\nCOPY . .\nCOPY .env.production .env\nRUN npm ci\nEXPOSE 8080\nCMD ["npm", "run", "dev"]\n`;
    const r = await docker(bad, 'node_modules\n');
    assert.equal(one(r, 'docker.cmd').severity, 'blocker');
    assert.equal(one(r, 'docker.copy-env').severity, 'blocker');
    assert.equal(one(r, 'docker.expose').severity, 'warning');
    assert.equal(one(r, 'docker.ignore').severity, 'warning');
    const noBuild = await docker(`FROM node:20\nCOPY . .\nRUN npm ci\nEXPOSE 3000\nCMD node dist/server.js\n`);
    assert.equal(one(noBuild, 'docker.build').severity, 'blocker');
    assert.equal(one(noBuild, 'docker.ignore').severity, 'warning');
  });

  it('blocks a build after installing production dependencies only (pitfall 6)', async () => {
    const r = await docker(`FROM node:20\nCOPY . .\nRUN npm ci --omit=dev\nRUN npm run build\nEXPOSE 3000\nCMD ["node","dist/server.js"]\n`, '.env*\n');
    assert.equal(one(r, 'docker.build').severity, 'blocker');
  });

  it('reads the image Node from the Dockerfile; a floating tag (node:20) means the newest 20.x', async () => {
    const files = { ...TS_APP, 'package.json': pkg({ engines: { node: '>=20.11' }, scripts: { build: 'tsc', start: 'node dist/server.js' } }) };
    const run = async (from: string) => {
      const s = await setup({
        files: { ...files, Dockerfile: GOOD_DOCKERFILE.replace(/node:20-alpine/g, from), '.dockerignore': '.env*\n' },
        config: { app: { name: 'demo', start: 'node dist/server.js', build: 'npm run build', port: 3000 } },
        environment: { target: 'aws', region: 'ap-southeast-2', port: undefined },
      });
      return one(await preflight(s, { areas: ['app'] }), 'app.engines').severity;
    };
    assert.equal(await run('node:20-alpine'), 'passed');
    assert.equal(await run('node:20.11.1-alpine'), 'passed');
    assert.equal(await run('node:20.10-alpine'), 'blocker');
    assert.equal(await run('node:18'), 'blocker');
  });

  it('blocks a missing Dockerfile', async () => {
    const s = await setup({ files: TS_APP, config: { app: { name: 'demo', start: 'npm start', dockerfile: 'Dockerfile' } } });
    assert.equal(one(await preflight(s, { areas: ['docker'] }), 'docker.file').severity, 'blocker');
  });
});
