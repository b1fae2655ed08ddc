/**
 * The real CLI (bin/slipway.js → dist/) on broken configurations: exit code 2, the
 * file, the place and a fix — and never a stack trace.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { t } from '../../src/engine/i18n.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin', 'slipway.js');
const ERR = path.join(ROOT, 'test', 'fixtures', 'config-errors');
const MAIN = path.join(ROOT, 'dist', 'cli', 'main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Build dist/ when it is missing or older than the sources these tests exercise (`npm test`
 * builds first, so this only matters when the file is run on its own). Type errors elsewhere
 * in the tree do not stop tsc emitting.
 */
function ensureBuilt(): void {
  const newest = Math.max(...['cli', 'config', 'engine'].map((d) => newestMtime(path.join(ROOT, 'src', d))));
  if (existsSync(MAIN) && statSync(MAIN).mtimeMs >= newest) return;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.ok(existsSync(MAIN), `build produced no ${MAIN}:\n${r.stdout}\n${r.stderr}`);
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
// eslint-disable-next-line no-control-regex
const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

function cliOnce(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: tmp, env: { ...process.env, SLIPWAY_LANG: 'en', NO_COLOR: '1', ...env }, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout: plain(stdout), stderr: plain(stderr) });
      },
    );
  });
}

/**
 * dist/ is shared with everyone working in the repo; a concurrent rebuild can leave it
 * half-written for a moment. A run that failed to load the CLI itself is retried; a
 * real failure repeats and is reported.
 */
async function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  let r = await cliOnce(args, env);
  for (let i = 0; i < 2 && /ERR_MODULE_NOT_FOUND|Cannot find module|does not provide an export|SyntaxError|internal error/i.test(r.stdout + r.stderr); i++) {
    await new Promise((res) => setTimeout(res, 3000));
    r = await cliOnce(args, env);
  }
  return r;
}

function assertNoStack(r: Run): void {
  const all = r.stdout + r.stderr;
  assert.doesNotMatch(all, /^\s+at /m, `no stack frames:\n${all}`);
  assert.doesNotMatch(all, /^\w*Error:/m, `no "Error:" prefix:\n${all}`);
  assert.doesNotMatch(all, /node:internal|file:\/\//, `no internals:\n${all}`);
  assert.doesNotMatch(all, /internal error/i);
}

/** Broken configurations: how each must be reported. */
const cases: { name: string; file: () => string; place: (f: string) => string; cause: RegExp; fix?: RegExp }[] = [
  { name: 'unknown key', file: () => path.join(ERR, 'unknown-key.yaml'), place: (f) => `${f}:4 app.heathPath`, cause: /Unknown key `heathPath` at app\.heathPath/ },
  { name: 'wrong type', file: () => path.join(ERR, 'wrong-type.yaml'), place: (f) => `${f}:5 database.version`, cause: /database\.version has the wrong type/ },
  { name: 'missing field', file: () => path.join(ERR, 'missing-start.yaml'), place: (f) => `${f}:2 app.start`, cause: /Missing required setting app\.start/ },
  { name: 'bad target', file: () => path.join(ERR, 'bad-target.yaml'), place: (f) => `${f}:8 environments.production.target`, cause: /"gcp", which is not a target/ },
  { name: 'misspelled top-level key `enviroments`', file: () => path.join(ERR, 'misspelled-environments.yaml'), place: (f) => `${f}:4 enviroments`, cause: /Unknown key `enviroments` at enviroments/, fix: /Did you mean `environments`\?/ },
  { name: 'misspelled `taget` in an environment', file: () => path.join(ERR, 'misspelled-target.yaml'), place: (f) => `${f}:6 environments.production.taget`, cause: /Unknown key `taget` at environments\.production\.taget/, fix: /Did you mean `target`\?.*region/ },
  { name: 'aws: a CIDR that is not one', file: () => path.join(ERR, 'aws-cidr.yaml'), place: (f) => `${f}:9 environments.production.allowedCidrs[0]`, cause: /allowedCidrs\[0\] is invalid \("office"\): an IPv4 CIDR such as 203\.0\.113\.7\/32/ },
  { name: 'aws: a log retention CloudWatch does not offer', file: () => path.join(ERR, 'aws-retention.yaml'), place: (f) => `${f}:8 environments.production.logRetentionDays`, cause: /logRetentionDays is invalid \(2\): a CloudWatch Logs retention: one of 1, 3, 5, 7, 14, 30/ },
  { name: 'aws: a Fargate cpu/memory pair Fargate does not run', file: () => path.join(ERR, 'aws-fargate.yaml'), place: (f) => `${f}:9 environments.production.memory`, cause: /memory is invalid \(4096\): with cpu 256, Fargate allows memory 512, 1024, 2048/ },
  { name: 'aws: an ACM certificate in another region', file: () => path.join(ERR, 'aws-acm-region.yaml'), place: (f) => `${f}:9 environments.production.alb.certificateArn`, cause: /certificateArn is invalid .*in the environment's region ap-southeast-2 \(this one is in us-east-1\)/ },
  { name: 'aws: a certificate value that is not an ACM ARN', file: () => path.join(ERR, 'aws-acm-format.yaml'), place: (f) => `${f}:9 environments.production.alb.certificateArn`, cause: /certificateArn is invalid \("my-cert"\): an ACM certificate ARN arn:aws:acm:<region>/ },
  { name: 'aws: a DB instance class RDS does not have', file: () => path.join(ERR, 'aws-db-class.yaml'), place: (f) => `${f}:8 environments.production.dbInstanceClass`, cause: /dbInstanceClass is invalid \("t3\.micro"\): an RDS PostgreSQL instance class db\.<family>\.<size>/ },
  { name: 'aws: DB storage under the 20 GiB minimum', file: () => path.join(ERR, 'aws-storage.yaml'), place: (f) => `${f}:8 environments.production.dbStorageGb`, cause: /dbStorageGb is invalid \(10\): at least 20 GiB/ },
  { name: 'aws: autoscaling min above max', file: () => path.join(ERR, 'aws-autoscaling.yaml'), place: (f) => `${f}:9 environments.production.autoscaling.min`, cause: /autoscaling\.min is invalid \(4\): at most autoscaling\.max \(2\)/ },
  { name: 'aws: an availability zone of another region', file: () => path.join(ERR, 'aws-zones.yaml'), place: (f) => `${f}:8 environments.production.availabilityZones[1]`, cause: /availabilityZones\[1\] is invalid \("us-east-1b"\): a zone of region ap-southeast-2/ },
  { name: 'aws: the same availability zone twice', file: () => path.join(ERR, 'aws-zones-same.yaml'), place: (f) => `${f}:8 environments.production.availabilityZones[1]`, cause: /availabilityZones\[1\] is invalid \("ap-southeast-2a"\): two different zones/ },
  { name: 'aws: a region that does not exist', file: () => path.join(ERR, 'aws-region.yaml'), place: (f) => `${f}:7 environments.production.region`, cause: /region is invalid \("ap-moon-1"\): an AWS region: one of us-east-1/ },
  { name: 'YAML syntax', file: () => path.join(ERR, 'syntax.yaml'), place: (f) => `${f}:3:10`, cause: /YAML syntax error .* line 3, column 10/ },
  { name: 'unknown secret in a verify header', file: () => path.join(ERR, 'unknown-secret-ref.yaml'), place: (f) => `${f} verify[0].headers.Authorization`, cause: /verify\[0\]\.headers\.Authorization references the secret `API_TOKN`, which this environment does not declare/ },
  { name: 'GBK file', file: () => gbkFile, place: (f) => `${f}:3`, cause: /is not UTF-8 \(it looks like GBK/ },
  { name: 'UTF-16 LE file', file: () => utf16File, place: (f) => `${f}:1`, cause: /is not UTF-8 \(it looks like UTF-16LE/ },
];
const started = new Map<string, Promise<Run>>();

let tmp: string;
let gbkFile: string;
let utf16File: string;
before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'slipway-cli-'));
  gbkFile = path.join(tmp, 'gbk.yaml');
  // "app:\n  name: shop-api\n  # 中文注释\n" with the comment in GBK (中文注释 = D6 D0 CE C4 D7 A2 CA CD)
  await writeFile(
    gbkFile,
    Buffer.concat([
      Buffer.from('app:\n  name: shop-api\n  # '),
      Buffer.from([0xd6, 0xd0, 0xce, 0xc4, 0xd7, 0xa2, 0xca, 0xcd]),
      Buffer.from('\n  start: node server.js\nenvironments:\n  local:\n    target: local\n'),
    ]),
  );
  utf16File = path.join(tmp, 'utf16.yaml');
  await writeFile(utf16File, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('app:\n  name: x\n', 'utf16le')]));
  ensureBuilt();
  // The CLI runs of the table below start early; each test awaits its own.
  // Four at a time: a shared 2-core machine times out a burst of two dozen Node start-ups.
  const lanes: Promise<unknown>[] = [Promise.resolve(), Promise.resolve(), Promise.resolve(), Promise.resolve()];
  cases.forEach((c, i) => {
    const run = lanes[i % lanes.length]!.then(() => cli(['status', '--config', c.file()]));
    lanes[i % lanes.length] = run;
    started.set(c.name, run);
  });
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('CLI: configuration errors', () => {
  for (const c of cases) {
    test(`${c.name}: exit 2, cause, where, fix — no stack`, async () => {
      const file = c.file();
      const r = await started.get(c.name)!;
      assert.equal(r.code, 2, `exit code; stderr:\n${r.stderr}`);
      assert.equal(r.stdout, '');
      assertNoStack(r);
      const lines = r.stderr.trimEnd().split('\n');
      assert.match(lines[0]!, /^✗ /);
      assert.match(lines[0]!, c.cause);
      assert.ok(r.stderr.includes(file), 'names the file');
      assert.ok(lines.includes(`  where: ${c.place(file)}`), `where line in:\n${r.stderr}`);
      assert.ok(lines.some((l) => /^ {2}fix: \S/.test(l)), `fix line in:\n${r.stderr}`);
      if (c.fix) assert.ok(lines.some((l) => l.startsWith('  fix: ') && c.fix!.test(l)), `fix ${c.fix} in:\n${r.stderr}`);
    });
  }

  test('unknown secret in a verify header: the fix suggests the declared name', async () => {
    const r = await started.get('unknown secret in a verify header')!;
    assert.ok(r.stderr.includes('fix: Did you mean `API_TOKEN`? Write `${secret:API_TOKEN}`'), r.stderr);
  });

  test('a missing --config file', async () => {
    const file = path.join(tmp, 'does-not-exist.yaml');
    const r = await cli(['status', '--config', file]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assertNoStack(r);
    assert.match(r.stderr, /does not exist/);
    assert.ok(r.stderr.includes(`  where: ${file}`));
  });

  test('--lang zh-CN: the message, labels and fix are Chinese', async () => {
    const file = path.join(ERR, 'unknown-key.yaml');
    const r = await cli(['status', '--config', file, '--lang', 'zh-CN']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assertNoStack(r);
    const lines = r.stderr.trimEnd().split('\n');
    assert.match(lines[0]!, /^✗ app\.heathPath 处有未知的键 `heathPath`/);
    assert.ok(lines.includes(`  ${t('cli.where', {}, 'zh-CN')}: ${file}:4 app.heathPath`), r.stderr);
    assert.ok(lines.some((l) => l.startsWith(`  ${t('cli.fix', {}, 'zh-CN')}: 是否想写 \`healthPath\``)), r.stderr);
  });

  test('SLIPWAY_LANG=zh-CN works like --lang', async () => {
    const r = await cli(['status', '--config', path.join(ERR, 'missing-start.yaml')], { SLIPWAY_LANG: 'zh-CN' });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /缺少必填项 app\.start/);
  });

  test('--json: one JSON error object on stdout', async () => {
    const file = path.join(ERR, 'bad-target.yaml');
    const r = await cli(['status', '--config', file, '--json']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.stderr, '');
    assertNoStack(r);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stdout);
    const obj = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(obj.type, 'error');
    assert.equal(obj.code, 'config.badTarget');
    assert.equal(obj.place, `${file}:8 environments.production.target`);
    assert.equal(obj.fix, 'Use one of: local, ssh, aws.');
    assert.equal(obj.exitCode, 2);
    assert.match(String(obj.message), /gcp/);
  });

  test('--json with --lang zh-CN translates message and fix, keeps the code', async () => {
    const r = await cli(['status', '--config', path.join(ERR, 'wrong-type.yaml'), '--json', '--lang', 'zh-CN']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const obj = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(obj.code, 'config.wrongType');
    assert.match(String(obj.message), /类型错误/);
    assert.match(String(obj.fix), /改为/);
  });
});

describe('CLI: basics', () => {
  test('--version prints the package.json version', async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await cli(['--version']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, `${pkg.version}\n`);
    const short = await cli(['-V']);
    assert.equal(short.stdout, `${pkg.version}\n`);
  });

  test('deploy --help exits 0 and describes the flags', async () => {
    const r = await cli(['deploy', '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Usage: slipway deploy/);
    assert.match(r.stdout, /--force-unlock/);
    assert.ok(r.stdout.includes(t('cli.deploy', {}, 'en')));
    const zh = await cli(['deploy', '--help', '--lang', 'zh-CN']);
    assert.equal(zh.code, 0);
    assert.ok(zh.stdout.includes(t('cli.deploy', {}, 'zh-CN')));
  });

  test('an unknown command is a usage error (exit 2)', async () => {
    const r = await cli(['deplyo']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assertNoStack(r);
    assert.match(r.stderr, /Unknown command deplyo\. Did you mean deploy\?/);
    assert.match(r.stderr, /fix: /);
  });
});
