/** The tree reads top to bottom: cli → session → config/checks/targets → host → knowledge → engine, db. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from '../helpers/local-env.js';

async function imports(dir: string): Promise<{ file: string; spec: string }[]> {
  const out: { file: string; spec: string }[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith('.ts')) continue;
    const file = path.join(e.parentPath, e.name);
    for (const m of (await readFile(file, 'utf8')).matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g)) {
      const spec = m[1] ?? m[2]!;
      if (spec.startsWith('.')) out.push({ file: path.relative(ROOT, file), spec: path.relative(path.join(ROOT, 'src'), path.resolve(path.dirname(file), spec)) });
    }
  }
  return out;
}

const layerOf = (p: string) => p.split(path.sep)[0]!;

test('engine/ imports only from engine/; db/ only from db/ and engine/', async () => {
  const bad = [
    ...(await imports(path.join(ROOT, 'src', 'engine'))).filter((i) => layerOf(i.spec) !== 'engine'),
    ...(await imports(path.join(ROOT, 'src', 'db'))).filter((i) => !['db', 'engine'].includes(layerOf(i.spec))),
  ];
  assert.deepEqual(bad, []);
});

test('knowledge/ imports only from knowledge/ and engine/', async () => {
  const bad = (await imports(path.join(ROOT, 'src', 'knowledge'))).filter((i) => !['knowledge', 'engine'].includes(layerOf(i.spec)));
  assert.deepEqual(bad, []);
});

test('host/ imports nothing from targets, session, checks, config or cli; cli imports no target', async () => {
  const host = (await imports(path.join(ROOT, 'src', 'host'))).filter((i) => ['targets', 'session', 'checks', 'config', 'cli'].includes(layerOf(i.spec)));
  const cli = (await imports(path.join(ROOT, 'src', 'cli'))).filter((i) => /^targets\/(?!types|registry)/.test(i.spec));
  assert.deepEqual([...host, ...cli], []);
});
