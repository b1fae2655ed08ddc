import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { s3BucketValid } from '../../src/checks/storage.js';
import { byId, one, preflight, setup } from './helpers.js';

const UPYUN = { provider: 'upyun', bucket: 'filmtrip-prod', operatorSecret: 'UPYUN_OPERATOR', passwordSecret: 'UPYUN_PASSWORD', formApiKeySecret: 'UPYUN_FORM_KEY', cdnDomain: 'img.filmtrip.example', styles: ['thumb', 'preview', 'large'], callbackUrl: 'https://api.filmtrip.example/api/storage/callback' };
const SECRETS = ['UPYUN_OPERATOR', 'UPYUN_PASSWORD', 'UPYUN_FORM_KEY'];
const VALUES = { UPYUN_OPERATOR: 'op', UPYUN_PASSWORD: 'pw', UPYUN_FORM_KEY: 'key' };
const API = [{ name: 'api.filmtrip.example', role: 'api' }];

async function storage(cfg: Record<string, unknown>, secrets = SECRETS, values: Record<string, string> = VALUES, domains: unknown[] = API, envName = 'staging') {
  const s = await setup({ envName, config: { secrets }, environment: { storage: cfg, domains }, secretValues: values });
  return preflight(s, { areas: ['storage'] });
}

describe('object storage / CDN (consistency only, never contacted)', () => {
  it('upyun: a consistent configuration passes and says the provider was not contacted', async () => {
    const r = await storage(UPYUN);
    for (const id of ['storage.bucket', 'storage.secrets', 'storage.cdn', 'storage.styles', 'storage.callback']) assert.equal(one(r, id).severity, 'passed', id);
    assert.equal(one(r, 'storage.remote').severity, 'info');
  });

  it('upyun: callback must be https on the api domain', async () => {
    const http = await storage({ ...UPYUN, callbackUrl: 'http://api.filmtrip.example/cb' });
    assert.equal(one(http, 'storage.callback').severity, 'blocker');
    const other = await storage({ ...UPYUN, callbackUrl: 'https://filmtrip.example/cb' });
    assert.match(one(other, 'storage.callback').evidence, /api\.filmtrip\.example/);
    assert.equal(one(other, 'storage.callback').severity, 'blocker');
    const none = await storage({ ...UPYUN, callbackUrl: undefined });
    assert.equal(one(none, 'storage.callback').severity, 'blocker');
    const noApi = await storage(UPYUN, SECRETS, VALUES, []);
    assert.equal(one(noApi, 'storage.callback').severity, 'warning');
  });

  it('upyun: undeclared or empty credentials, missing form key, test CDN domain in production, bad styles', async () => {
    const undeclared = await storage(UPYUN, ['UPYUN_OPERATOR', 'UPYUN_PASSWORD']);
    assert.ok(byId(undeclared, 'storage.secrets').some((f) => f.severity === 'blocker' && /UPYUN_FORM_KEY/.test(f.evidence)));
    const empty = await storage(UPYUN, SECRETS, { UPYUN_OPERATOR: 'op' });
    assert.ok(byId(empty, 'storage.secrets').some((f) => f.severity === 'blocker' && /UPYUN_PASSWORD/.test(f.evidence)));
    const noKey = await storage({ ...UPYUN, formApiKeySecret: undefined });
    assert.ok(byId(noKey, 'storage.secrets').some((f) => f.severity === 'blocker'));
    const prod = await storage({ ...UPYUN, cdnDomain: 'filmtrip.test.upcdn.net' }, SECRETS, VALUES, API, 'production');
    assert.equal(one(prod, 'storage.cdn').severity, 'blocker');
    const styles = await storage({ ...UPYUN, styles: ['thumb', 'thumb', 'bad style'] });
    assert.equal(one(styles, 'storage.styles').severity, 'warning');
    const bucket = await storage({ ...UPYUN, bucket: 'Bad_Bucket' });
    assert.equal(one(bucket, 'storage.bucket').severity, 'blocker');
  });

  it('s3: bucket rules, keys, endpoint and region consistency', async () => {
    assert.ok(s3BucketValid('my-bucket.assets') && !s3BucketValid('My_Bucket') && !s3BucketValid('192.168.1.1') && !s3BucketValid('ab'));
    const S3 = { provider: 's3', bucket: 'shop-assets', accessKeySecret: 'S3_KEY', secretKeySecret: 'S3_SECRET', region: 'ap-southeast-2' };
    const vals = { S3_KEY: 'AKIA', S3_SECRET: 'x' };
    const ok = await storage(S3, ['S3_KEY', 'S3_SECRET'], vals);
    assert.equal(one(ok, 'storage.endpoint').severity, 'passed');
    assert.equal(one(ok, 'storage.secrets').severity, 'passed');
    const mismatch = await storage({ ...S3, endpoint: 'https://shop-assets.s3.us-east-1.amazonaws.com' }, ['S3_KEY', 'S3_SECRET'], vals);
    assert.equal(one(mismatch, 'storage.endpoint').severity, 'blocker');
    const http = await storage({ ...S3, endpoint: 'http://minio.example.test:9000' }, ['S3_KEY', 'S3_SECRET'], vals);
    assert.equal(one(http, 'storage.endpoint').severity, 'warning');
    const noRegion = await storage({ ...S3, region: undefined }, ['S3_KEY', 'S3_SECRET'], vals);
    assert.equal(one(noRegion, 'storage.endpoint').severity, 'blocker');
  });

  it('no storage configured is info', async () => {
    const s = await setup({});
    assert.equal(one(await preflight(s, { areas: ['storage'] }), 'storage.config').severity, 'info');
  });
});
