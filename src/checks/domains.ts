/**
 * Domains and TLS: each domain resolves (to `expectAddress` when set), its certificate
 * chains to a trusted root, covers the name and is not about to expire, and HTTPS
 * answers (on `healthPath` when set). One probe per domain, shared by the checks.
 */
import { promises as dnsp } from 'node:dns';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import tls, { type PeerCertificate } from 'node:tls';
import type { DomainConfig } from '../config/schema.js';
import { httpRequest } from '../engine/net.js';
import { areaFinder, reason } from './finding.js';
import type { CheckContext, CheckDef, Finding } from './types.js';

const f = areaFinder('domains');

export interface DomainProbe {
  addresses: string[];
  dnsError?: string;
  /** Address and port connected to. */
  endpoint?: string;
  cert?: PeerCertificate;
  /** OpenSSL verdict on the chain (undefined: trusted). */
  chainError?: string;
  tlsError?: string;
  status?: number;
  httpError?: string;
  date?: Date;
  /** Local time when the Date header was received. */
  dateAt?: number;
}

/** `127.0.0.1:5353`, `[::1]:53` or a bare address, as `setServers` wants it. */
function resolverServers(spec: string | string[]): string[] {
  return (Array.isArray(spec) ? spec : [spec]).map((s) => s.trim()).filter(Boolean);
}

export async function resolveName(name: string, resolver: string | string[] | undefined, timeoutMs: number): Promise<string[]> {
  if (!resolver) {
    const r = await dnsp.lookup(name, { all: true });
    return r.map((a) => a.address);
  }
  const res = new dnsp.Resolver({ timeout: Math.min(timeoutMs, 3000), tries: 2 });
  res.setServers(resolverServers(resolver));
  const [v4, v6] = await Promise.allSettled([res.resolve4(name), res.resolve6(name)]);
  const out = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  if (!out.length) throw v4.status === 'rejected' ? v4.reason : new Error(`no address for ${name}`);
  return out;
}

async function trustedCas(ctx: CheckContext): Promise<string[]> {
  return ctx.memo('tls.cas', async () => {
    const extra = ctx.envr.check.caFile ?? ctx.processEnv.NODE_EXTRA_CA_CERTS;
    if (!extra) return [...tls.rootCertificates];
    const pem = await readFile(path.resolve(ctx.envr.configDir, extra), 'utf8');
    return [...tls.rootCertificates, pem];
  });
}

function tlsHandshake(host: string, port: number, servername: string, ca: string[], timeoutMs: number): Promise<{ cert: PeerCertificate; chainError?: string }> {
  return new Promise((resolve, reject) => {
    const sock = tls.connect({ host, port, servername, ca, rejectUnauthorized: false, checkServerIdentity: () => undefined, timeout: timeoutMs });
    sock.once('secureConnect', () => {
      const cert = sock.getPeerCertificate(false);
      const err = sock.authorized ? undefined : String(sock.authorizationError ?? 'unknown');
      sock.destroy();
      resolve(err ? { cert, chainError: err } : { cert });
    });
    sock.once('timeout', () => sock.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    sock.once('error', reject);
  });
}

async function httpsGet(host: string, port: number, servername: string, pathname: string, ca: string[], timeoutMs: number): Promise<{ status: number; date?: Date; at: number }> {
  // The chain was judged by the handshake above; this request only reads the status and the clock.
  const url = `https://${net.isIPv6(host) ? `[${host}]` : host}:${port}${pathname}`;
  const r = await httpRequest(url, { servername, headers: { host: servername, 'user-agent': 'slipway-preflight' }, ca, rejectUnauthorized: false, timeoutMs });
  const d = r.headers.date ? new Date(r.headers.date) : undefined;
  return { status: r.status, at: r.at, ...(d && !Number.isNaN(d.getTime()) ? { date: d } : {}) };
}

export function probeDomain(ctx: CheckContext, d: DomainConfig): Promise<DomainProbe> {
  return ctx.memo(`domain:${d.name}:${d.port}`, async () => {
    const timeout = ctx.envr.check.httpTimeoutMs;
    const p: DomainProbe = { addresses: [] };
    try {
      p.addresses = await resolveName(d.name, ctx.envr.check.resolver, timeout);
    } catch (e) {
      p.dnsError = reason(e);
    }
    const address = d.connectAddress ?? p.addresses[0];
    if (!address) return p;
    p.endpoint = `${address}:${d.port}`;
    const ca = await trustedCas(ctx);
    try {
      const hs = await tlsHandshake(address, d.port, d.name, ca, timeout);
      p.cert = hs.cert;
      if (hs.chainError) p.chainError = hs.chainError;
    } catch (e) {
      p.tlsError = reason(e);
      return p;
    }
    try {
      const r = await httpsGet(address, d.port, d.name, d.healthPath ?? '/', ca, timeout);
      p.status = r.status;
      p.dateAt = r.at;
      if (r.date) p.date = r.date;
    } catch (e) {
      p.httpError = reason(e);
    }
    return p;
  });
}

/** Whether `pattern` (possibly `*.example.com`) covers `name`. */
export function nameMatches(pattern: string, name: string): boolean {
  const a = pattern.toLowerCase();
  const b = name.toLowerCase();
  if (a === b) return true;
  if (!a.startsWith('*.')) return false;
  const rest = a.slice(1);
  return b.endsWith(rest) && !b.slice(0, -rest.length).includes('.') && b.length > rest.length;
}

const DATE_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

export function domainFindings(ctx: CheckContext, d: DomainConfig, p: DomainProbe): Finding[] {
  const s = ctx.envr.check;
  const base = { domain: d.name, port: d.port, endpoint: p.endpoint ?? '-' };
  const sub = { subject: d.name };
  const out: Finding[] = [];
  if (p.dnsError) return [f('dns.resolve', 'blocker', 'checks.dns.fail', { ...base, reason: p.dnsError }, sub)];
  if (p.addresses.length || !d.connectAddress) {
    const addrs = p.addresses.join(', ');
    if (d.expectAddress && !p.addresses.includes(d.expectAddress)) out.push(f('dns.resolve', 'blocker', 'checks.dns.wrong', { ...base, addresses: addrs, expected: d.expectAddress }, sub));
    else out.push(f('dns.resolve', 'passed', 'checks.dns.ok', { ...base, addresses: addrs }, sub));
  }
  if (p.tlsError || !p.cert) return [...out, f('tls.handshake', 'blocker', 'checks.tls.handshake', { ...base, reason: p.tlsError ?? 'no certificate' }, sub)];
  const cert = p.cert;
  if (p.chainError && !DATE_ERRORS.has(p.chainError)) out.push(f('tls.chain', 'blocker', 'checks.tls.untrusted', { ...base, reason: p.chainError, issuer: String(cert.issuer?.CN ?? '-') }, sub));
  else out.push(f('tls.chain', 'passed', 'checks.tls.trusted', { ...base, issuer: String(cert.issuer?.CN ?? '-') }, sub));
  const idErr = tls.checkServerIdentity(d.name, cert);
  if (idErr) out.push(f('tls.name', 'blocker', 'checks.tls.wrongName', { ...base, names: String(cert.subjectaltname ?? cert.subject?.CN ?? '-') }, sub));
  else out.push(f('tls.name', 'passed', 'checks.tls.nameOk', base, sub));
  const notAfter = new Date(cert.valid_to);
  const notBefore = new Date(cert.valid_from);
  const days = Math.floor((notAfter.getTime() - ctx.now.getTime()) / 86_400_000);
  const dp = { ...base, days, until: notAfter.toISOString().slice(0, 10), warn: s.certWarnDays, block: s.certBlockDays };
  if (notAfter.getTime() <= ctx.now.getTime()) out.push(f('tls.expiry', 'blocker', 'checks.tls.expired', dp, sub));
  else if (notBefore.getTime() > ctx.now.getTime()) out.push(f('tls.expiry', 'blocker', 'checks.tls.notYetValid', { ...dp, from: notBefore.toISOString() }, sub));
  else if (days < s.certBlockDays) out.push(f('tls.expiry', 'blocker', 'checks.tls.expiresSoon', dp, sub));
  else if (days < s.certWarnDays) out.push(f('tls.expiry', 'warning', 'checks.tls.expiresWarn', dp, sub));
  else out.push(f('tls.expiry', 'passed', 'checks.tls.expiryOk', dp, sub));
  const path_ = d.healthPath ?? '/';
  if (p.httpError || p.status === undefined) out.push(f('https.answer', 'warning', 'checks.https.noAnswer', { ...base, path: path_, reason: p.httpError ?? '-' }, sub));
  else if (d.healthPath && (p.status < 200 || p.status >= 300)) out.push(f('https.answer', 'warning', 'checks.https.badStatus', { ...base, path: path_, status: p.status }, sub));
  else if (p.status >= 500) out.push(f('https.answer', 'warning', 'checks.https.badStatus', { ...base, path: path_, status: p.status }, sub));
  else out.push(f('https.answer', 'passed', 'checks.https.ok', { ...base, path: path_, status: p.status }, sub));
  return out;
}

/** Domains to check: the environment's, plus the storage CDN domain when not listed. */
export function domainsOf(ctx: CheckContext): DomainConfig[] {
  const list = [...(ctx.envr.target.domains ?? [])];
  const cdn = ctx.envr.target.storage?.cdnDomain;
  if (cdn && !list.some((d) => d.name === cdn)) list.push({ name: cdn, role: 'cdn', port: 443 });
  return list;
}

export const domainChecks: CheckDef = {
  id: 'dns.resolve',
  area: 'domains',
  async run(ctx) {
    const list = domainsOf(ctx);
    if (!list.length) return [f('dns.resolve', 'info', 'checks.dns.none')];
    const res = await Promise.all(list.map(async (d) => domainFindings(ctx, d, await probeDomain(ctx, d))));
    return res.flat();
  },
};
