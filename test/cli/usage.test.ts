/** Usage errors: exit 2, the user's language, a fix — never commander's raw English or a stack trace. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ensureBuilt, ROOT } from '../helpers/local-env.js';

function run(args: string[]): { code: number | null; stderr: string } {
  ensureBuilt();
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'slipway.js'), ...args], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, SLIPWAY_LANG: 'en' } });
  return { code: r.status, stderr: r.stderr };
}

test('unknown option, missing option, unknown command, too many arguments: exit 2 with a fix', () => {
  const cases: [string[], RegExp][] = [
    [['deploy', '--bogus'], /Unknown option --bogus\./],
    [['synth', 'production'], /The option --out <dir> is required\./],
    [['deplo'], /Unknown command deplo\. Did you mean deploy\?/],
    [['status', 'a', 'b'], /Too many arguments for status\./],
  ];
  for (const [args, re] of cases) {
    const r = run(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, re);
    assert.match(r.stderr, /fix: See `slipway <command> --help`/);
    assert.doesNotMatch(r.stderr, /^error:|\n\s+at /m);
  }
});

test('usage errors in Chinese with --lang zh-CN', () => {
  const r = run(['--lang', 'zh-CN', 'synth', 'production']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /缺少必填选项 --out <dir>。/);
  assert.match(r.stderr, /修复: 运行 `slipway <命令> --help` 查看用法。/);
});
