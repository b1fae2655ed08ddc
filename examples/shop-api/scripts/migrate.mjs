#!/usr/bin/env node
// Runs node-pg-migrate `up` against ../migrations.
// Connection: DATABASE_URL if set, otherwise DB_HOST/DB_PORT/DB_NAME/DB_USER/DB_PASSWORD
// (same rules and TLS options as src/config.ts). Exits non-zero on any failure.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

function isSet(value) {
  return value !== undefined && value !== '';
}

function sslConfig() {
  const caPath = process.env.PGSSLROOTCERT ?? '';
  const sslMode = (process.env.PGSSLMODE ?? '').toLowerCase();
  if (sslMode === 'no-verify') {
    throw new Error('PGSSLMODE=no-verify is not supported: certificate verification is never disabled');
  }
  if (isSet(caPath)) {
    return { ca: readFileSync(caPath, 'utf8'), rejectUnauthorized: true };
  }
  if (['require', 'verify-ca', 'verify-full'].includes(sslMode)) return { rejectUnauthorized: true };
  if (sslMode === 'disable') return false;
  return undefined;
}

function databaseUrl() {
  const ssl = sslConfig();
  if (isSet(process.env.DATABASE_URL)) {
    return ssl === undefined ? process.env.DATABASE_URL : { connectionString: process.env.DATABASE_URL, ssl };
  }
  const host = process.env.DB_HOST;
  const port = process.env.DB_PORT ?? '5432';
  const name = process.env.DB_NAME;
  const user = process.env.DB_USER;
  const password = process.env.DB_PASSWORD;
  const missing = [];
  if (!isSet(host)) missing.push('DB_HOST');
  if (!isSet(name)) missing.push('DB_NAME');
  if (!isSet(user)) missing.push('DB_USER');
  if (!isSet(password)) missing.push('DB_PASSWORD');
  if (missing.length > 0) {
    throw new Error(
      `Database configuration is incomplete: missing ${missing.join(', ')} (set DATABASE_URL or DB_HOST/DB_PORT/DB_NAME/DB_USER/DB_PASSWORD)`,
    );
  }
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const url = `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${hostPart}:${port}/${encodeURIComponent(name)}`;
  return ssl === undefined ? url : { connectionString: url, ssl };
}

try {
  const applied = await runner({
    databaseUrl: databaseUrl(),
    dir: migrationsDir,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    checkOrder: true,
    singleTransaction: true,
    // Only .sql files are migrations; ignore dotfiles and anything else.
    ignorePattern: '\\..*|.*(?<!\\.sql)',
    logger: { debug() {}, info() {}, warn: console.error, error: (msg) => console.error(String(msg).split('\n')[0]) },
  });
  if (applied.length === 0) {
    console.log('migrate: no migrations to run');
  } else {
    for (const m of applied) console.log(`migrate: applied ${m.name}`);
  }
} catch (err) {
  console.error(`migrate: failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
