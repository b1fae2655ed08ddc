/**
 * The real CLI (bin/slipway.js → dist/, built by the test script) writing into pipes:
 * a reader that goes away early, and colours off a terminal.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { colorEnabled } from '../../src/report/colors.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin', 'slipway.js');
const CONFIG = 'app:\n  name: shop\n  start: node server.js\nenvironments:\n  local:\n    target: local\n';

let tmp: string;
before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'slipway-output-'));
  await writeFile(path.join(tmp, 'slipway.yaml'), CONFIG);
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Environment without the colour switches of the caller. */
function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SLIPWAY_LANG: 'en', ...extra };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'CI']) if (!(k in extra)) delete env[k];
  return env;
}

function run(args: string[], opts: { env: Record<string, string>; closeStdout?: boolean }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: tmp, env: baseEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    if (opts.closeStdout) child.stdout.destroy();
    else child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('CLI output into pipes', () => {
  test('releases with its stdout reader already gone exits 0 and writes nothing to stderr (no EPIPE trace)', async () => {
    const r = await run(['releases', 'local'], { env: {}, closeStdout: true });
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
  });

  test('under CI=true an error is printed without ANSI escape codes', async () => {
    const r = await run(['releases', 'nope'], { env: { CI: 'true' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /✗/);
    assert.doesNotMatch(r.stderr, /\x1b\[/);
  });

  test('releases printed into a pipe under CI=true carry no ANSI escape codes', async () => {
    const r = await run(['releases', 'local'], { env: { CI: 'true' } });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /No releases/);
    assert.doesNotMatch(r.stdout + r.stderr, /\x1b\[/);
  });
});

describe('colorEnabled', () => {
  test('a terminal gets colours; CI, NO_COLOR and TERM=dumb turn them off; FORCE_COLOR turns them on off a terminal', () => {
    const tty = { isTTY: true };
    assert.equal(colorEnabled(tty, {}), true);
    assert.equal(colorEnabled(tty, { CI: 'true' }), false);
    assert.equal(colorEnabled(tty, { NO_COLOR: '1' }), false);
    assert.equal(colorEnabled(tty, { TERM: 'dumb' }), false);
    assert.equal(colorEnabled({ isTTY: false }, {}), false);
    assert.equal(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' }), true);
  });
});
