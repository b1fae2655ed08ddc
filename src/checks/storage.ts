/**
 * Object storage / CDN: consistency of the configured provider (bucket, credentials,
 * CDN domain, styles, callback). Providers are never contacted from preflight; the CDN
 * domain gets the TLS checks of the domains area.
 */
import type { StorageConfig } from '../config/schema.js';
import { areaFinder, listOf } from './finding.js';
import type { CheckContext, CheckDef, Finding } from './types.js';

const f = areaFinder('storage');

export interface StorageProvider<C extends StorageConfig = StorageConfig> {
  name: C['provider'];
  /** Consistency findings; must not contact the provider. */
  check(ctx: CheckContext, cfg: C): Finding[];
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** Secrets the provider config names: declared, and with a value. */
function secretFindings(ctx: CheckContext, names: (string | undefined)[]): Finding[] {
  const wanted = names.filter((n): n is string => !!n);
  const undeclared = wanted.filter((n) => !ctx.envr.secretNames.includes(n));
  const empty = wanted.filter((n) => ctx.envr.secretNames.includes(n) && !ctx.secrets.values.has(n));
  const out: Finding[] = [];
  if (undeclared.length) out.push(f('storage.secrets', 'blocker', 'checks.storage.undeclared', { names: listOf(undeclared) }));
  if (empty.length) out.push(f('storage.secrets', 'blocker', 'checks.storage.emptySecret', { names: listOf(empty) }));
  if (!out.length) out.push(f('storage.secrets', 'passed', 'checks.storage.secretsOk', { names: listOf(wanted) }));
  return out;
}

function cdnFinding(domain: string | undefined, production: boolean): Finding[] {
  if (!domain) return [];
  if (!HOSTNAME.test(domain)) return [f('storage.cdn', 'blocker', 'checks.storage.cdnInvalid', { domain })];
  if (/\.(test\.upcdn\.net|b0\.upaiyun\.com)$/i.test(domain)) return [f('storage.cdn', production ? 'blocker' : 'warning', 'checks.storage.cdnTestDomain', { domain })];
  return [f('storage.cdn', 'passed', 'checks.storage.cdnOk', { domain })];
}

export const upyun: StorageProvider<Extract<StorageConfig, { provider: 'upyun' }>> = {
  name: 'upyun',
  check(ctx, cfg) {
    const out: Finding[] = [];
    if (!/^[a-z0-9][a-z0-9-]{2,49}$/.test(cfg.bucket)) out.push(f('storage.bucket', 'blocker', 'checks.storage.bucketInvalid', { bucket: cfg.bucket }));
    else out.push(f('storage.bucket', 'passed', 'checks.storage.bucketOk', { bucket: cfg.bucket, provider: 'UPYUN' }));
    out.push(...secretFindings(ctx, [cfg.operatorSecret, cfg.passwordSecret, cfg.directUpload ? cfg.formApiKeySecret : undefined]));
    if (cfg.directUpload && !cfg.formApiKeySecret) out.push(f('storage.secrets', 'blocker', 'checks.storage.noFormKey'));
    out.push(...cdnFinding(cfg.cdnDomain, ctx.envr.production));
    const badStyles = cfg.styles.filter((s) => !/^[A-Za-z0-9_-]{1,32}$/.test(s));
    const dup = cfg.styles.filter((s, i) => cfg.styles.indexOf(s) !== i);
    if (badStyles.length || dup.length) out.push(f('storage.styles', 'warning', 'checks.storage.stylesBad', { styles: listOf([...badStyles, ...dup]) }));
    else if (!cfg.styles.length) out.push(f('storage.styles', 'info', 'checks.storage.stylesNone'));
    else out.push(f('storage.styles', 'passed', 'checks.storage.stylesOk', { styles: cfg.styles.join(', ') }));
    out.push(callbackFinding(ctx, cfg.callbackUrl, cfg.directUpload));
    return out;
  },
};

export function callbackFinding(ctx: CheckContext, url: string | undefined, needed: boolean): Finding {
  const apiDomains = (ctx.envr.target.domains ?? []).filter((d) => d.role === 'api').map((d) => d.name);
  if (!url) return f('storage.callback', needed ? 'blocker' : 'info', needed ? 'checks.storage.noCallback' : 'checks.storage.callbackUnused');
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return f('storage.callback', 'blocker', 'checks.storage.callbackInvalid', { url });
  }
  if (u.protocol !== 'https:') return f('storage.callback', 'blocker', 'checks.storage.callbackHttp', { url });
  if (!apiDomains.length) return f('storage.callback', 'warning', 'checks.storage.callbackNoApi', { url, host: u.hostname });
  if (!apiDomains.includes(u.hostname)) return f('storage.callback', 'blocker', 'checks.storage.callbackHost', { url, host: u.hostname, api: apiDomains.join(', ') });
  return f('storage.callback', 'passed', 'checks.storage.callbackOk', { url });
}

/** S3 bucket naming rules (3–63, lower case, digits, dots, hyphens; not an IP). */
export function s3BucketValid(b: string): boolean {
  return /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(b) && !/\.\.|\.-|-\./.test(b) && !/^\d+\.\d+\.\d+\.\d+$/.test(b);
}

export const s3: StorageProvider<Extract<StorageConfig, { provider: 's3' }>> = {
  name: 's3',
  check(ctx, cfg) {
    const out: Finding[] = [];
    out.push(s3BucketValid(cfg.bucket) ? f('storage.bucket', 'passed', 'checks.storage.bucketOk', { bucket: cfg.bucket, provider: 'S3' }) : f('storage.bucket', 'blocker', 'checks.storage.bucketInvalid', { bucket: cfg.bucket }));
    out.push(...secretFindings(ctx, [cfg.accessKeySecret, cfg.secretKeySecret]));
    if (!cfg.endpoint && !cfg.region) out.push(f('storage.endpoint', 'blocker', 'checks.storage.noRegion'));
    else if (cfg.endpoint) {
      let u: URL | undefined;
      try {
        u = new URL(cfg.endpoint);
      } catch {
        /* reported below */
      }
      if (!u) out.push(f('storage.endpoint', 'blocker', 'checks.storage.endpointInvalid', { endpoint: cfg.endpoint }));
      else if (u.protocol !== 'https:' && !/^(localhost|127\.|\[::1\])/.test(u.host)) out.push(f('storage.endpoint', 'warning', 'checks.storage.endpointHttp', { endpoint: cfg.endpoint }));
      else {
        const m = /\.s3[.-]([a-z0-9-]+)\.amazonaws\.com$/.exec(u.hostname);
        if (m && cfg.region && m[1] !== cfg.region) out.push(f('storage.endpoint', 'blocker', 'checks.storage.regionMismatch', { endpoint: cfg.endpoint, region: cfg.region, endpointRegion: m[1] }));
        else out.push(f('storage.endpoint', 'passed', 'checks.storage.endpointOk', { endpoint: cfg.endpoint }));
      }
    } else out.push(f('storage.endpoint', 'passed', 'checks.storage.regionOk', { region: cfg.region }));
    out.push(...cdnFinding(cfg.cdnDomain, ctx.envr.production));
    return out;
  },
};

export const storageProviders: Record<StorageConfig['provider'], StorageProvider<never>> = { upyun, s3 } as never;

export const storageChecks: CheckDef = {
  id: 'storage.config',
  area: 'storage',
  async run(ctx) {
    const cfg = ctx.envr.target.storage;
    if (!cfg) return [f('storage.config', 'info', 'checks.storage.none')];
    const provider = storageProviders[cfg.provider] as unknown as StorageProvider;
    return [...provider.check(ctx, cfg), f('storage.remote', 'info', 'checks.storage.notContacted', { provider: cfg.provider })];
  },
};
