/**
 * The supervisor's code as uploaded to a VM is self-contained: run from the uploaded files
 * alone (no dist/, no node_modules), it speaks the language it was started with.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalHost } from '../../src/host/local.js';
import { uploadSupervisor } from '../../src/targets/ssh/supervisor-code.js';
import { ensureBuilt } from '../helpers/local-env.js';

test('the uploaded supervisor bundle runs on its own and writes its lines in zh-CN when started with --lang zh-CN', async () => {
  ensureBuilt();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-supbundle-'));
  try {
    const [node, main] = await uploadSupervisor(new LocalHost(), path.join(dir, 'bin'));
    assert.ok(main?.startsWith(path.join(dir, 'bin')));
    const zh = spawnSync(node!, [main!, '--lang', 'zh-CN'], { cwd: dir, encoding: 'utf8' });
    assert.equal(zh.status, 2, zh.stderr);
    assert.match(zh.stderr, /\[slipway\] 守护进程：缺少 --state/);
    const en = spawnSync(node!, [main!], { cwd: dir, encoding: 'utf8' });
    assert.match(en.stderr, /\[slipway\] supervisor: missing --state/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
