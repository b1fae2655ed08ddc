/**
 * The app's secret values go to AWS only as one Secrets Manager secret (JSON, one key per
 * name). Task definitions reference each key by ARN and version id (valueFrom), so a
 * release pins the values it was deployed with and a rollback gets its own again.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsErrorName } from './clients.js';
import { sdk } from '../../engine/aws-sdk.js';

export interface StoredSecret {
  arn: string;
  versionId: string;
  changed: boolean;
}

function sameValues(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

export async function storeAppSecrets(sm: SecretsManagerClient, name: string, values: Map<string, string>, tags: { Key: string; Value: string }[]): Promise<StoredSecret> {
  const { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, RestoreSecretCommand } = sdk.sm();
  const wanted = Object.fromEntries([...values.entries()].sort(([a], [b]) => a.localeCompare(b)));
  let arn: string | undefined;
  try {
    const d = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    if (d.DeletedDate) await sm.send(new RestoreSecretCommand({ SecretId: name }));
    arn = d.ARN;
  } catch (e) {
    if (awsErrorName(e) !== 'ResourceNotFoundException') throw e;
  }
  if (!arn) {
    const r = await sm.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(wanted), Description: 'App secrets (written by slipway; referenced by task definitions)', Tags: tags }));
    return { arn: r.ARN!, versionId: r.VersionId!, changed: true };
  }
  const cur = await sm.send(new GetSecretValueCommand({ SecretId: arn }));
  let current: Record<string, string> = {};
  try {
    current = JSON.parse(cur.SecretString ?? '{}') as Record<string, string>;
  } catch {
    /* replaced below */
  }
  if (sameValues(current, wanted) && cur.VersionId) return { arn, versionId: cur.VersionId, changed: false };
  const r = await sm.send(new PutSecretValueCommand({ SecretId: arn, SecretString: JSON.stringify(wanted) }));
  return { arn, versionId: r.VersionId!, changed: true };
}
