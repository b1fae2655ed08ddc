/**
 * Merge the top-level settings with one environment's overrides and attach the secret
 * values (kept apart from everything that is ever written or printed).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../engine/errors.js';
import { checkSettingsSchema, durationSeconds, type CheckSettings, type DatabaseConfig, type EnvironmentConfig, type SlipwayConfig, type VerifyCheck } from './schema.js';
import { parseDotenv } from './dotenv.js';
import { decodeUtf8 } from './encoding.js';
import { checkSecretRefs } from './secret-refs.js';
import { checkEnvRefs } from './env-refs.js';
import { targetProvidedEnv } from './provided.js';
import type { LoadedConfig } from './load.js';
import { checkDatabaseOwnership } from './db-ownership.js';
import { parsePercent } from '../engine/window.js';

export interface ResolvedEnvironment<T extends EnvironmentConfig = EnvironmentConfig> {
  /** Environment name, e.g. `production`. */
  name: string;
  configFile: string;
  configDir: string;
  /** Absolute app directory. */
  appDir: string;
  app: SlipwayConfig['app'];
  database: DatabaseConfig | undefined;
  /** Plain env: top-level merged with the environment's. */
  env: Record<string, string>;
  /** Secret names the deployment provides. */
  secretNames: string[];
  verify: VerifyCheck[];
  /** Seconds a deploy watches the release afterwards (`verify.window`); `deploy --watch` overrides. */
  verifyWindowSeconds?: number;
  /** `verify.maxErrorRate` as a fraction (`1%` → 0.01), when given. */
  verifyMaxErrorRate?: number;
  /** `verify.logPatterns`: log lines after a switch that are a breach. */
  verifyLogPatterns?: string[];
  check: CheckSettings;
  production: boolean;
  target: T;
}

export function environmentNames(config: SlipwayConfig): string[] {
  return Object.keys(config.environments);
}

export function resolveEnvironment(loaded: LoadedConfig, name: string | undefined): ResolvedEnvironment {
  const { config } = loaded;
  const names = environmentNames(config);
  const envName = name ?? (names.length === 1 ? names[0] : names.includes('local') ? 'local' : undefined);
  if (!envName || !config.environments[envName]) {
    throw new ConfigError({
      key: envName ? 'config.unknownEnvironment' : 'config.chooseEnvironment',
      params: { name: envName ?? '', known: names.join(', ') },
      place: `${loaded.file} environments`,
      fix: 'config.unknownEnvironment.fix',
      fixParams: { known: names.join(', ') },
    });
  }
  const target = config.environments[envName]!;
  const database = config.database || target.database ? ({ ...config.database, ...target.database } as DatabaseConfig) : undefined;
  if (database && (!database.name || !database.user)) {
    throw new ConfigError({
      key: 'config.missing',
      params: { path: `environments.${envName}.database.${database.name ? 'user' : 'name'}`, value: '(missing)', expected: 'string', file: loaded.file },
      place: `${loaded.file} database`,
      fix: 'config.missing.fix',
      fixParams: { path: 'database.name / database.user' },
    });
  }
  if (database && database.version === undefined) database.version = 15;
  if (database?.mode === 'external' && !database.urlSecret) database.urlSecret = 'DATABASE_URL';
  const check = checkSettingsSchema.parse(target.check ?? {});
  const production = check.production ?? /^prod(uction)?$/.test(envName);
  const secretNames = [...new Set([...config.secrets, ...(target.secrets ?? [])])];
  const env = { ...config.env, ...target.env };
  checkDatabaseOwnership({ envName, file: loaded.file, database, target, env, secretNames });
  if (database?.urlSecret && !secretNames.includes(database.urlSecret)) secretNames.push(database.urlSecret);
  checkEnvRefs({ file: loaded.file, env, provided: targetProvidedEnv({ database, target }), secretNames, aws: target.target === 'aws' });
  // An environment's `verify` is a list of checks, or `{ checks, window }`.
  const own = Array.isArray(target.verify) ? { checks: target.verify } : target.verify;
  const verify = own?.checks ?? config.verify;
  checkSecretRefs(verify, secretNames, loaded.file, own?.checks ? `environments.${envName}.verify` : 'verify');
  const window = own?.window !== undefined ? durationSeconds(own.window) : undefined;
  const maxErrorRate = own?.maxErrorRate !== undefined ? parsePercent(own.maxErrorRate) : undefined;
  return {
    name: envName,
    configFile: loaded.file,
    configDir: loaded.dir,
    appDir: path.resolve(loaded.dir, config.app.dir),
    app: config.app,
    database,
    env,
    secretNames,
    verify,
    ...(window !== undefined ? { verifyWindowSeconds: window } : {}),
    ...(maxErrorRate !== undefined ? { verifyMaxErrorRate: maxErrorRate } : {}),
    verifyLogPatterns: own?.logPatterns ?? [],
    check,
    production,
    target,
  };
}

export interface SecretValues {
  values: Map<string, string>;
  missing: string[];
  /** Where values came from, for messages (never the values). */
  sources: string[];
}

/**
 * Read secret values: the process environment first, then `.env.<environment>` beside
 * the config. Only names the config declares are taken.
 */
export async function readSecrets(envr: ResolvedEnvironment, processEnv: NodeJS.ProcessEnv = process.env): Promise<SecretValues> {
  const file = path.join(envr.configDir, `.env.${envr.name}`);
  let fromFile = new Map<string, string>();
  const sources: string[] = [];
  try {
    const bytes = await readFile(file);
    const verdict = decodeUtf8(bytes);
    if (!verdict.ok) {
      throw new ConfigError({ key: 'config.notUtf8', params: { file, encoding: verdict.encoding.toUpperCase(), line: 1 }, place: file, fix: 'config.notUtf8.fix', fixParams: { file, from: 'GBK' } });
    }
    fromFile = parseDotenv(verdict.text);
    sources.push(file);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
  }
  const values = new Map<string, string>();
  const missing: string[] = [];
  for (const n of envr.secretNames) {
    const v = processEnv[n] || fromFile.get(n);
    if (v === undefined || v === '') missing.push(n);
    else values.set(n, v);
  }
  return { values, missing, sources };
}
