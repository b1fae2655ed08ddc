/**
 * Which files are migrations, the same on every side: this machine's walk (`migrationFiles`)
 * and the one `find` a machine target runs on the host where the releases live; and the
 * prefix an aws ledger entry keeps instead of the list.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { migrationFiles, migrationPaths, migrationPrefix, shippedOf } from '../../src/engine/migrations.js';
import { listMigrationsArgv } from '../../src/targets/machine/migrations.js';

test('the host listing (one find) keeps exactly the files migrationFiles walks, in its order', async () => {
  const app = await mkdtemp(path.join(os.tmpdir(), 'slipway-migrations-'));
  try {
    const files = [
      'migrations/002_b.sql',
      'migrations/001_a.SQL',
      'migrations/003_c.ts',
      'migrations/types.d.ts',
      'migrations/README.md',
      'migrations/.hidden.sql',
      'migrations/node_modules/x.sql',
      'migrations/sub/004_d.sql',
      'migrations/sub/deeper/005_e.sql',
      'migrations/.git/006.sql',
      'drizzle/0000_init.sql',
      'drizzle/meta/_journal.json',
      'drizzle/meta/0000_snapshot.sql',
      'prisma/migrations/20240101_init/migration.sql',
      'src/db/migrations/1_x.mjs',
      'other/7_y.sql',
    ];
    for (const f of files) {
      await mkdir(path.dirname(path.join(app, f)), { recursive: true });
      await writeFile(path.join(app, f), '');
    }
    await mkdir(path.join(app, 'real'), { recursive: true });
    await writeFile(path.join(app, 'real', '9_linked.sql'), '');
    await mkdir(path.join(app, 'db'), { recursive: true });
    await symlink(path.join(app, 'real'), path.join(app, 'db', 'migrations'));

    const walked = (await migrationFiles(app)).map((f) => f.rel);
    const [cmd, ...args] = listMigrationsArgv(app);
    const listed = migrationPaths(execFileSync(cmd!, args, { encoding: 'utf8' }).split('\n').filter(Boolean));
    assert.deepEqual(walked, [
      'db/migrations/9_linked.sql',
      'drizzle/0000_init.sql',
      'migrations/001_a.SQL',
      'migrations/002_b.sql',
      'migrations/003_c.ts',
      'migrations/sub/004_d.sql',
      'prisma/migrations/20240101_init/migration.sql',
      'src/db/migrations/1_x.mjs',
    ]);
    assert.deepEqual(listed, walked);
  } finally {
    await rm(app, { recursive: true, force: true });
  }
});

test('a prefix tells the files a release shipped when they are the first of the list, and nothing otherwise', () => {
  const shipped = ['m/1.sql', 'm/2.sql', 'm/3.sql'];
  const p = migrationPrefix(shipped);
  assert.deepEqual({ count: p.count, last: p.last }, { count: 3, last: 'm/3.sql' });
  assert.ok(JSON.stringify(p).length < 120);
  assert.deepEqual([...shippedOf([...shipped, 'm/4.sql'], p)!], shipped);
  assert.deepEqual([...shippedOf(shipped, p)!], shipped);
  assert.equal(shippedOf(['m/0.sql', ...shipped], p), undefined, 'a file added before the newest');
  assert.equal(shippedOf(['m/1.sql', 'm/3.sql', 'm/4.sql'], p), undefined, 'a file removed');
  assert.equal(shippedOf(['m/1.sql', 'm/2b.sql', 'm/3.sql'], p), undefined, 'a file renamed');
  assert.equal(shippedOf(['m/1.sql'], p), undefined, 'fewer files than it shipped');
  assert.deepEqual([...shippedOf(['m/1.sql'], migrationPrefix([]))!], []);
});
