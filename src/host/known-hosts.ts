/**
 * Host key verification against OpenSSH `known_hosts` files, hashed entries included
 * (`|1|salt|hash`: HMAC-SHA1 of the host name keyed with the salt). A host is `ok` when one
 * of its entries has the presented key, `changed` when it has entries but none matches
 * (a possible man-in-the-middle: refuse loudly), `revoked` when the key is marked
 * `@revoked`, and `unknown` when it has no entry (refuse, show the fingerprint and how to trust it).
 */
import { createHash, createHmac } from 'node:crypto';

export interface KnownHostEntry {
  marker?: '@revoked' | '@cert-authority';
  patterns: string[];
  /** `|1|salt|hash` entries: salt and hash, base64. */
  hashed?: { salt: string; hash: string };
  keyType: string;
  key: string;
  line: number;
}

export type HostKeyVerdict =
  | { kind: 'ok'; fingerprint: string }
  | { kind: 'unknown'; fingerprint: string; keyType: string }
  | { kind: 'changed'; fingerprint: string; keyType: string; expected: string[]; lines: number[] }
  | { kind: 'revoked'; fingerprint: string };

/** How OpenSSH names a host in known_hosts: `host`, or `[host]:port` when the port is not 22. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const f = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (f[0] === '@revoked' || f[0] === '@cert-authority') marker = f.shift() as KnownHostEntry['marker'];
    const [hosts, keyType, key] = f;
    if (!hosts || !keyType || !key) return;
    const entry: KnownHostEntry = { patterns: [], keyType, key, line: i + 1, ...(marker ? { marker } : {}) };
    const h = /^\|1\|([^|]+)\|([^|]+)$/.exec(hosts);
    if (h) entry.hashed = { salt: h[1]!, hash: h[2]! };
    else entry.patterns = hosts.split(',');
    out.push(entry);
  });
  return out;
}

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(name);
}

/** Whether an entry names the host (negated patterns `!x` exclude). */
export function entryMatches(e: KnownHostEntry, name: string): boolean {
  if (e.hashed) {
    const mac = createHmac('sha1', Buffer.from(e.hashed.salt, 'base64')).update(name).digest('base64');
    return mac === e.hashed.hash;
  }
  let hit = false;
  for (const p of e.patterns) {
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) hit = true;
  }
  return hit;
}

/** `SHA256:…` as `ssh-keygen -l` prints it. */
export function fingerprint(keyBase64: string): string {
  return `SHA256:${createHash('sha256').update(Buffer.from(keyBase64, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

/** The key type inside an SSH wire-format public key blob. */
export function keyTypeOf(blob: Buffer): string {
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  return blob.subarray(4, 4 + len).toString('ascii');
}

export function verifyHostKey(entries: readonly KnownHostEntry[], host: string, port: number, presented: Buffer): HostKeyVerdict {
  const name = knownHostName(host, port);
  const key = presented.toString('base64');
  const keyType = keyTypeOf(presented);
  const fp = fingerprint(key);
  const mine = entries.filter((e) => e.marker !== '@cert-authority' && entryMatches(e, name));
  if (mine.some((e) => e.marker === '@revoked' && e.key === key)) return { kind: 'revoked', fingerprint: fp };
  const plain = mine.filter((e) => !e.marker);
  if (plain.some((e) => e.key === key)) return { kind: 'ok', fingerprint: fp };
  if (!plain.length) return { kind: 'unknown', fingerprint: fp, keyType };
  return { kind: 'changed', fingerprint: fp, keyType, expected: plain.map((e) => `${e.keyType} ${fingerprint(e.key)}`), lines: plain.map((e) => e.line) };
}

/** The line `slipway hosts trust` appends. */
export function knownHostsLine(host: string, port: number, presented: Buffer): string {
  return `${knownHostName(host, port)} ${keyTypeOf(presented)} ${presented.toString('base64')}`;
}
