/**
 * The supervisor's own lines follow the user's language: started by a zh-CN deploy, the
 * lines it writes (into its own log, and into a release's log) are Chinese, so no English
 * supervisor line appears inside Chinese output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { makeEnv } from '../helpers/local-env.js';

const ZH = { env: { SLIPWAY_LANG: 'zh-CN' } };
/** A supervisor line whose text is English: `[slipway] ` followed by a Latin word. */
const ENGLISH_SUPERVISOR_LINE = /\[slipway\] [A-Za-z]/;

test('zh-CN: the supervisor failing to bind and a release exiting on start are told in Chinese lines, with no English supervisor line in the output or logs', async () => {
  // Nothing to install, build or migrate: only the supervisor and the release's start matter here.
  const env = await makeEnv('local', {
    app: (app) => {
      app.install = 'true';
      delete app.build;
      app.start = `node -e "console.error('boom'); process.exit(3)"`;
    },
  });
  try {
    await env.editConfig((c) => {
      delete c.database;
    });
    // 192.0.2.1 (TEST-NET-1) is no address of this machine: the supervisor cannot listen there.
    await env.editConfig((c) => {
      c.environments.local.host = '192.0.2.1';
    });
    const bind = await env.cli(['deploy', 'local'], ZH);
    assert.notEqual(bind.code, 0, bind.stdout + bind.stderr);
    assert.match(bind.stderr, /守护进程未能启动：.*守护进程启动失败：listen EADDRNOTAVAIL/s);
    assert.doesNotMatch(bind.stdout + bind.stderr, ENGLISH_SUPERVISOR_LINE);

    await env.editConfig((c) => {
      c.environments.local.host = '127.0.0.1';
    });
    const crash = await env.cli(['deploy', 'local'], ZH);
    assert.notEqual(crash.code, 0, crash.stdout + crash.stderr);
    assert.match(crash.stderr, /进程已退出（退出码 3，信号 -）/);
    assert.doesNotMatch(crash.stdout + crash.stderr, ENGLISH_SUPERVISOR_LINE);
    const supLog = await readFile(path.join(env.stateDir, 'logs', 'supervisor.log'), 'utf8');
    assert.match(supLog, /\[slipway\] 守护进程 \d+ 在 127\.0\.0\.1:\d+ 提供服务/);
    assert.doesNotMatch(supLog, ENGLISH_SUPERVISOR_LINE);
  } finally {
    await env.destroy();
  }
});
