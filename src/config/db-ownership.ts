/**
 * One rule for database credentials: when slipway runs the database (local and ssh
 * targets, no `urlSecret`), it owns the password and the connection settings it gives the
 * app. Setting one of them yourself (in `env` or `secrets`) is a config error, not a silent
 * override that then fails authentication; a database you run is `database.mode: external`.
 */
import { ConfigError } from '../engine/errors.js';
import '../engine/messages/config.js';
import type { DatabaseConfig, EnvironmentConfig } from './schema.js';

/** What slipway sets when it runs the database (kept equal to TARGET_DATABASE_ENV in checks/envcontract). */
export const OWNED_DATABASE_ENV = ['DB_HOST', 'DB_PORT', 'DB_NAME', 'DB_USER', 'DB_PASSWORD', 'DATABASE_URL'];

export function checkDatabaseOwnership(opts: {
  envName: string;
  file: string;
  database: DatabaseConfig | undefined;
  target: EnvironmentConfig;
  env: Record<string, string>;
  secretNames: readonly string[];
}): void {
  const { database, target } = opts;
  if (!database || database.urlSecret || target.target === 'aws') return;
  const name = Object.keys(opts.env).find((n) => OWNED_DATABASE_ENV.includes(n)) ?? opts.secretNames.find((n) => OWNED_DATABASE_ENV.includes(n));
  if (!name) return;
  const where = name in opts.env ? 'env' : 'secrets';
  const params = { name, env: opts.envName, where };
  throw new ConfigError({ key: 'config.dbOwned', params, place: `${opts.file} ${where}.${name}`, fix: 'config.dbOwned.fix', fixParams: params });
}
