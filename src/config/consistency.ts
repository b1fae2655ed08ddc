/**
 * Rules that span several settings and that the schema cannot say: no two environments
 * on one port of one host, no secret listed twice, a time zone the system knows, at least
 * one environment. Each breach is a ConfigError (exit 2) with the place and a fix.
 */
import { ConfigError } from '../engine/errors.js';
import { nearest } from '../engine/text.js';
import '../engine/messages/config.js';
import type { EnvironmentConfig, SlipwayConfig } from './schema.js';
import { formatPath } from './path.js';

export type Locate = (p: readonly PropertyKey[]) => number | undefined;

function place(file: string, locate: Locate, p: readonly PropertyKey[]): string {
  const line = locate(p);
  const where = formatPath(p);
  return line ? `${file}:${line} ${where}` : `${file} ${where}`;
}

export function checkConsistency(config: SlipwayConfig, file: string, locate: Locate): void {
  const names = Object.keys(config.environments);
  if (!names.length) {
    throw new ConfigError({ key: 'config.noEnvironments', place: place(file, locate, ['environments']), fix: 'config.noEnvironments.fix' });
  }
  checkSecretLists(config, file, locate);
  checkTimeZones(config, file, locate);
  checkPorts(config, file, locate);
}

function checkSecretLists(config: SlipwayConfig, file: string, locate: Locate): void {
  const lists: [PropertyKey[], readonly string[]][] = [[['secrets'], config.secrets]];
  for (const [name, env] of Object.entries(config.environments)) if (env.secrets) lists.push([['environments', name, 'secrets'], env.secrets]);
  for (const [p, list] of lists) {
    const seen = new Set<string>();
    list.forEach((s, i) => {
      if (seen.has(s)) {
        const params = { name: s, path: formatPath(p) };
        throw new ConfigError({ key: 'config.secretTwice', params, place: place(file, locate, [...p, i]), fix: 'config.secretTwice.fix', fixParams: params });
      }
      seen.add(s);
    });
  }
}

let zones: string[] | undefined;
function knownZones(): string[] {
  zones ??= Intl.supportedValuesOf('timeZone');
  return zones;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function checkTimeZones(config: SlipwayConfig, file: string, locate: Locate): void {
  for (const [name, env] of Object.entries(config.environments)) {
    const zone = env.check?.timeZone;
    if (zone === undefined || isTimeZone(zone)) continue;
    const p = ['environments', name, 'check', 'timeZone'];
    const suggestion = nearest(zone, knownZones(), { ignoreCase: true });
    const params = { path: formatPath(p), value: JSON.stringify(zone), suggestion: suggestion ?? '' };
    throw new ConfigError({
      key: 'config.badTimeZone',
      params,
      place: place(file, locate, p),
      fix: suggestion ? 'config.badTimeZone.fix' : 'config.badTimeZone.fixPlain',
      fixParams: params,
    });
  }
}

/** The machine an environment's stable port is on, or undefined when it has none (aws). */
function portHost(env: EnvironmentConfig): { host: string; port: number } | undefined {
  if (env.target === 'local') return { host: 'localhost', port: env.port };
  if (env.target === 'ssh') {
    const h = env.host ?? env.hosts![0]!; // a fleet: its first host stands for it
    const address = typeof h === 'string' ? h.replace(/^[^@]*@/, '').replace(/:\d+$/, '') : h.address;
    return { host: address.toLowerCase(), port: env.port };
  }
  return undefined;
}

function checkPorts(config: SlipwayConfig, file: string, locate: Locate): void {
  const taken = new Map<string, string>();
  const used = new Set<number>();
  for (const env of Object.values(config.environments)) {
    const ph = portHost(env);
    if (ph) used.add(ph.port);
  }
  for (const [name, env] of Object.entries(config.environments)) {
    const ph = portHost(env);
    if (!ph) continue;
    const k = `${ph.host}\n${ph.port}`;
    const first = taken.get(k);
    if (first === undefined) {
      taken.set(k, name);
      continue;
    }
    let free = ph.port + 1;
    while (used.has(free)) free++;
    const params = { first, second: name, port: ph.port, host: ph.host, free };
    throw new ConfigError({ key: 'config.portShared', params, place: place(file, locate, ['environments', name, 'port']), fix: 'config.portShared.fix', fixParams: params });
  }
}
