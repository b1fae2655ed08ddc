/**
 * A restore streams: slipway's own memory stays flat however big the dump is.
 * Generates a database whose pg_dump custom archive is about `--mb` MB (default 1024) in a
 * throwaway PostgreSQL on this machine, dumps it, then restores it into a second database
 * with slipway's `restoreDatabase` (the path `db import`, a failed migration's undo and
 * `db rehearse` use) in a child Node process, and prints that process's peak RSS against
 * the dump's size. Baseline in the same run: the peak RSS of a child that loads the same
 * modules and restores nothing.
 * Usage: npm run build && npx tsx bench/restore-memory.ts [--mb 1024] [--major 15]
 * Not part of `npm test` (it writes ~3× the dump size to the temp dir and takes minutes).
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { LocalHost } from '../src/host/local.js';
import { dumpDatabase } from '../src/db/backup.js';
import { findPgBinaries } from '../src/db/binaries.js';
import { pgEnv } from '../src/db/conn.js';
import { startThrowaway } from '../src/db/rehearsal.js';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const targetMb = opt('mb', 1024);
const major = opt('major', 15);
const ROOT = path.resolve(import.meta.dirname, '..');

/** Run a child Node that imports dist/db/backup.js and, unless `dry`, restores; returns its peak RSS in MB. */
function childPeak(env: Record<string, string>, dry: boolean): { peakMb: number; seconds: number } {
  const code = `
    const { restoreDatabase } = await import(${JSON.stringify(path.join(ROOT, 'dist', 'db', 'backup.js'))});
    const { LocalHost } = await import(${JSON.stringify(path.join(ROOT, 'dist', 'host', 'local.js'))});
    const t0 = Date.now();
    if (!${dry}) await restoreDatabase(new LocalHost(), Number(process.env.B_MAJOR), JSON.parse(process.env.B_CONN), process.env.B_FILE);
    console.log(JSON.stringify({ peakMb: process.resourceUsage().maxRSS / 1024, seconds: (Date.now() - t0) / 1000 }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as { peakMb: number; seconds: number };
}

async function main(): Promise<void> {
  const host = new LocalHost();
  const tw = await startThrowaway(host, major, 'bench', 'bench');
  const work = await mkdtemp(path.join(os.tmpdir(), 'slipway-bench-restore-'));
  try {
    // Random base64 barely compresses (~3:4 in the archive): ~1.35 × target MB, streamed into COPY by psql.
    const bins = await findPgBinaries(host, major);
    execFileSync(bins.bin('psql'), ['--no-psqlrc', '-q', '-c', 'CREATE TABLE blobs (id bigserial PRIMARY KEY, body text NOT NULL)'], { env: { ...process.env, ...pgEnv(tw.conn) } });
    const rows = Math.ceil((targetMb * 1.35 * 1024 * 1024) / 4096);
    const t0 = Date.now();
    let made = 0;
    const source = new Readable({
      read() {
        if (made >= rows) return void this.push(null);
        const n = Math.min(256, rows - made);
        made += n;
        const lines: string[] = [];
        for (let i = 0; i < n; i++) lines.push(randomBytes(3072).toString('base64'));
        this.push(lines.join('\n') + '\n');
      },
    });
    const copy = spawn(bins.bin('psql'), ['--no-psqlrc', '-q', '-v', 'ON_ERROR_STOP=1', '-c', 'COPY blobs (body) FROM STDIN'], { env: { ...process.env, ...pgEnv(tw.conn) }, stdio: ['pipe', 'inherit', 'inherit'] });
    await pipeline(source, copy.stdin);
    const code = await new Promise<number | null>((res) => copy.on('close', res));
    if (code !== 0) throw new Error(`COPY failed (${code})`);
    console.log(`generated ${((rows * 4096) / 1024 / 1024).toFixed(0)} MB of table data in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const file = path.join(work, 'big.dump');
    execFileSync('chmod', ['0755', work]);
    const info = await dumpDatabase(host, major, tw.conn, file);
    const dumpMb = (await stat(file)).size / 1024 / 1024;
    console.log(`dump: ${dumpMb.toFixed(0)} MB, ${info.entries} entries`);
    // Restore into a second, empty database owned by the same role.
    const s = new pg.Client({ host: tw.superConn.host, port: tw.superConn.port, user: tw.superConn.user, password: tw.superConn.password, database: 'postgres' });
    await s.connect();
    await s.query('CREATE DATABASE bench_restore OWNER bench');
    await s.end();
    const env = { B_MAJOR: String(major), B_CONN: JSON.stringify({ ...tw.conn, database: 'bench_restore' }), B_FILE: file };
    const base = childPeak(env, true);
    const run = childPeak(env, false);
    const check = new pg.Client({ host: tw.conn.host, port: tw.conn.port, user: tw.conn.user, password: tw.conn.password, database: 'bench_restore' });
    await check.connect();
    const restoredRows = (await check.query<{ n: string }>('SELECT count(*)::text AS n FROM blobs')).rows[0]!.n;
    await check.end();
    console.log('');
    console.log('| what | dump size | peak RSS of the slipway process | restore time |');
    console.log('| --- | --- | --- | --- |');
    console.log(`| baseline: modules loaded, nothing restored | – | ${base.peakMb.toFixed(0)} MB | – |`);
    console.log(`| restoreDatabase (pg_restore → psql, one transaction) | ${dumpMb.toFixed(0)} MB | ${run.peakMb.toFixed(0)} MB | ${run.seconds.toFixed(0)} s |`);
    console.log('');
    console.log(`restored ${restoredRows} of ${rows} rows; the process grew ${(run.peakMb - base.peakMb).toFixed(0)} MB over the baseline for a ${dumpMb.toFixed(0)} MB dump (${((run.peakMb - base.peakMb) / dumpMb * 100).toFixed(1)} %)`);
  } finally {
    await tw.destroy();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
