import { readFileSync } from 'node:fs';
import type { PoolConfig } from 'pg';

/**
 * Database settings come either from DATABASE_URL or from the individual
 * DB_HOST / DB_PORT / DB_NAME / DB_USER / DB_PASSWORD variables
 * (mirrors the xituan backend's config.util.ts).
 */

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type SslConfig = PoolConfig['ssl'];

function isSet(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

/**
 * TLS settings, with the standard libpq variables:
 *  - PGSSLROOTCERT=<path>                     -> TLS, verifying the server against that CA (RDS: its CA bundle)
 *  - PGSSLMODE=require|verify-ca|verify-full  -> TLS, verifying against the system CAs
 *  - PGSSLMODE=disable, or nothing set        -> plain connection (slipway's local database is on loopback)
 * Certificate verification is never disabled (PGSSLMODE=no-verify is rejected).
 */
export function sslConfig(): SslConfig | undefined {
  const caPath = process.env.PGSSLROOTCERT ?? '';
  const sslMode = (process.env.PGSSLMODE ?? '').toLowerCase();

  if (sslMode === 'no-verify') {
    throw new ConfigError('PGSSLMODE=no-verify is not supported: certificate verification is never disabled');
  }
  if (isSet(caPath)) {
    let ca: string;
    try {
      ca = readFileSync(caPath, 'utf8');
    } catch (err) {
      throw new ConfigError(`Cannot read PGSSLROOTCERT file ${caPath}: ${(err as Error).message}`);
    }
    return { ca, rejectUnauthorized: true };
  }
  if (['require', 'verify-ca', 'verify-full'].includes(sslMode)) return { rejectUnauthorized: true };
  if (sslMode === 'disable') return false;
  return undefined;
}

export function databaseConfig(): PoolConfig {
  const ssl = sslConfig();
  const withSsl = (config: PoolConfig): PoolConfig => (ssl === undefined ? config : { ...config, ssl });

  const url = process.env.DATABASE_URL;
  if (isSet(url)) {
    return withSsl({ connectionString: url });
  }

  const host = process.env.DB_HOST;
  const port = process.env.DB_PORT ?? '5432';
  const database = process.env.DB_NAME;
  const user = process.env.DB_USER;
  const password = process.env.DB_PASSWORD;

  const missing: string[] = [];
  if (!isSet(host)) missing.push('DB_HOST');
  if (!isSet(database)) missing.push('DB_NAME');
  if (!isSet(user)) missing.push('DB_USER');
  if (!isSet(password)) missing.push('DB_PASSWORD');
  if (missing.length > 0) {
    throw new ConfigError(
      `Database configuration is incomplete: missing ${missing.join(', ')} (set DATABASE_URL or DB_HOST/DB_PORT/DB_NAME/DB_USER/DB_PASSWORD)`,
    );
  }

  const portNumber = Number(port);
  if (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) {
    throw new ConfigError(`Invalid DB_PORT: ${port}`);
  }

  return withSsl({ host, port: portNumber, database, user, password });
}

export interface AppConfig {
  host: string;
  port: number;
  version: string;
  jwtSecret: string;
  db: PoolConfig;
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function loadConfig(): AppConfig {
  const rawPort = process.env.PORT ?? '3050';
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`Invalid PORT: ${rawPort}`);
  }

  const jwtSecret = process.env.JWT_SECRET;
  if (!isSet(jwtSecret)) {
    throw new ConfigError('Missing required secret: JWT_SECRET');
  }

  return {
    host: isSet(process.env.HOST) ? process.env.HOST : '127.0.0.1',
    port,
    version: isSet(process.env.APP_VERSION) ? process.env.APP_VERSION : packageVersion(),
    jwtSecret,
    db: databaseConfig(),
  };
}
