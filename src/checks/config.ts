/**
 * Configuration and secrets: every declared secret has a value, the DB password meets
 * the RDS rules (pitfall 4), nothing turns TLS verification off (pitfall 11), secrets are
 * not kept in plain env, and config / env / template files are UTF-8 (pitfall 1).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeUtf8, lineOfByte } from '../config/encoding.js';
import { parseDotenv } from '../config/dotenv.js';
import { areaFinder, listOf } from './finding.js';
import type { CheckContext, CheckDef, Finding } from './types.js';

const f = areaFinder('config');

export const secretsPresent: CheckDef = {
  id: 'secrets.present',
  area: 'config',
  async run({ envr, secrets }) {
    const file = path.join(envr.configDir, `.env.${envr.name}`);
    if (secrets.missing.length) {
      return [f('secrets.present', 'blocker', 'checks.secrets.missing', { names: listOf(secrets.missing, 20), count: secrets.missing.length, file })];
    }
    return [f('secrets.present', 'passed', 'checks.secrets.ok', { count: envr.secretNames.length })];
  },
};

/** Names of user-supplied database passwords. */
export function isDbPasswordName(name: string): boolean {
  return /(^|_)(DB|DATABASE|POSTGRES|PG|RDS)_?(MASTER_)?PASSWORD$/.test(name) || name === 'PGPASSWORD';
}

export interface PasswordVerdict {
  ok: boolean;
  length: number;
  forbidden: number;
}

/** RDS master-password rules: 8–128 printable ASCII, none of `/`, `@`, `"` or space. */
export function rdsPasswordVerdict(value: string): PasswordVerdict {
  let forbidden = 0;
  for (const ch of value) if (ch === '/' || ch === '@' || ch === '"' || ch === ' ' || ch < ' ' || ch > '~') forbidden++;
  const length = [...value].length;
  return { ok: length >= 8 && length <= 128 && forbidden === 0, length, forbidden };
}

export const dbPassword: CheckDef = {
  id: 'secrets.db-password',
  area: 'config',
  async run({ envr, secrets }) {
    const names = envr.secretNames.filter(isDbPasswordName);
    if (!names.length) return [f('secrets.db-password', 'info', 'checks.dbPassword.none')];
    const out: Finding[] = [];
    for (const name of names) {
      const v = secrets.values.get(name);
      if (v === undefined) continue; // reported by secrets.present
      const verdict = rdsPasswordVerdict(v);
      if (verdict.ok) out.push(f('secrets.db-password', 'passed', 'checks.dbPassword.ok', { name }, { subject: name }));
      else {
        const sev = envr.target.target === 'aws' ? 'blocker' : 'warning';
        const problems: string[] = [];
        if (verdict.length < 8 || verdict.length > 128) problems.push(`length ${verdict.length}`);
        if (verdict.forbidden) problems.push(`${verdict.forbidden} × [@ " / space or non-ASCII]`);
        out.push(f('secrets.db-password', sev, 'checks.dbPassword.bad', { name, problems: problems.join('; ') }, { subject: name }));
      }
    }
    return out.length ? out : [f('secrets.db-password', 'info', 'checks.dbPassword.none')];
  },
};

/** Why a value turns TLS verification off, or undefined. */
export function insecureTls(name: string, value: string): string | undefined {
  if (name === 'NODE_TLS_REJECT_UNAUTHORIZED' && value.trim() === '0') return 'NODE_TLS_REJECT_UNAUTHORIZED=0';
  if (name === 'PGSSLMODE' && /^(disable|no-verify|allow|prefer)$/i.test(value.trim())) return `PGSSLMODE=${value.trim()}`;
  const m = /[?&](?:sslmode|ssl)=(disable|no-verify|false)\b/i.exec(value);
  if (m) return `sslmode=${m[1]!.toLowerCase()}`;
  if (/rejectUnauthorized["']?\s*[:=]\s*false/.test(value)) return 'rejectUnauthorized=false';
  return undefined;
}

async function readDotenvFile(file: string): Promise<Map<string, string> | undefined> {
  try {
    const v = decodeUtf8(await readFile(file));
    return v.ok ? parseDotenv(v.text) : undefined;
  } catch {
    return undefined;
  }
}

export const tlsVerify: CheckDef = {
  id: 'secrets.tls-verify',
  area: 'config',
  async run({ envr, secrets }) {
    const hits: string[] = [];
    for (const [k, v] of Object.entries(envr.env)) {
      const why = insecureTls(k, v);
      if (why) hits.push(`env.${k} (${why})`);
    }
    for (const [k, v] of secrets.values) {
      const why = insecureTls(k, v);
      // For secrets only the name, never anything of the value.
      if (why) hits.push(`secret ${k}`);
    }
    const files = new Set([path.join(envr.configDir, `.env.${envr.name}`), path.join(envr.appDir, `.env.${envr.name}`), path.join(envr.appDir, '.env')]);
    for (const file of files) {
      const m = await readDotenvFile(file);
      if (!m) continue;
      for (const [k, v] of m) {
        if (envr.secretNames.includes(k) && secrets.values.has(k)) continue;
        const why = insecureTls(k, v);
        if (why) hits.push(`${path.relative(envr.configDir, file) || file}: ${k}`);
      }
    }
    if (hits.length) return [f('secrets.tls-verify', 'blocker', 'checks.tlsVerify.off', { where: listOf([...new Set(hits)]) })];
    return [f('secrets.tls-verify', 'passed', 'checks.tlsVerify.ok')];
  },
};

const SECRETISH = /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|ACCESS_KEY|CREDENTIALS?)$/;

export const plainSecrets: CheckDef = {
  id: 'config.plain-secret',
  area: 'config',
  async run({ envr }) {
    const names = Object.entries(envr.env)
      .filter(([k, v]) => (SECRETISH.test(k) && v !== '') || /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i.test(v))
      .map(([k]) => k);
    if (names.length) return [f('config.plain-secret', 'warning', 'checks.plainSecret.found', { names: listOf(names) })];
    return [f('config.plain-secret', 'passed', 'checks.plainSecret.ok')];
  },
};

const TEMPLATE_EXT = /\.(ya?ml|json|template|env)$/i;
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'coverage', '.slipway']);

async function templateFiles(dir: string, depth = 3, out: string[] = []): Promise<string[]> {
  if (depth < 0 || out.length > 200) return out;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) await templateFiles(p, depth - 1, out);
    } else if (e.isFile() && (TEMPLATE_EXT.test(e.name) || /^\.env(\..+)?$/.test(e.name)) && !/^(package-lock|tsconfig.*|package)\.json$/.test(e.name)) {
      out.push(p);
    }
  }
  return out;
}

export const encoding: CheckDef = {
  id: 'config.encoding',
  area: 'config',
  async run({ envr }: CheckContext) {
    const files = new Set<string>([envr.configFile, path.join(envr.configDir, `.env.${envr.name}`)]);
    for (const p of await templateFiles(envr.configDir)) files.add(p);
    if (path.relative(envr.configDir, envr.appDir).startsWith('..')) for (const p of await templateFiles(envr.appDir)) files.add(p);
    const out: Finding[] = [];
    let checked = 0;
    for (const file of files) {
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch {
        continue;
      }
      checked++;
      const v = decodeUtf8(bytes);
      if (!v.ok) {
        const line = v.byteOffset >= 0 ? lineOfByte(bytes, v.byteOffset) : 1;
        const from = v.encoding === 'unknown' ? 'GBK' : v.encoding.toUpperCase();
        out.push(f('config.encoding', 'blocker', 'checks.encoding.bad', { file: path.relative(envr.configDir, file) || file, encoding: from, line }, { subject: file }));
      }
    }
    return out.length ? out : [f('config.encoding', 'passed', 'checks.encoding.ok', { count: checked })];
  },
};

export const configChecks: CheckDef[] = [secretsPresent, dbPassword, tlsVerify, plainSecrets, encoding];
