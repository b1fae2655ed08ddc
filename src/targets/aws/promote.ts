/**
 * `slipway promote` from an aws environment: the release's image by digest, as its ledger
 * recorded it, and whether ECR still holds that digest. The receiving environment's task
 * definition then references `repo@sha256:…` — the very image that ran and was verified.
 */
import { SlipwayError } from '../../engine/errors.js';
import '../../engine/messages/promote.js';
import type { PromotableRelease, TargetContext } from '../types.js';
import { awsErrorName } from './clients.js';
import { awsCtx } from './context.js';
import { recordedPrefix } from './history.js';
import { sdk } from '../../engine/aws-sdk.js';

export async function awsPromotable(tc: TargetContext, release: string | undefined): Promise<PromotableRelease> {
  const { DescribeImagesCommand } = sdk.ecr();
  const a = awsCtx(tc);
  const env = tc.envr.name;
  const all = await a.ledger.list();
  const record = release ? all.find((r) => r.id === release) : all.find((r) => r.active);
  if (!record && !release) throw new SlipwayError({ key: 'promote.nothingDeployed', params: { env }, fix: 'promote.nothingDeployed.fix', fixParams: { env }, exitCode: 1 });
  if (!record) throw new SlipwayError({ key: 'promote.unknownRelease', params: { env, release: release ?? '' }, fix: 'promote.unknownRelease.fix', fixParams: { env }, exitCode: 2 });
  const image = typeof record.details.image === 'string' ? record.details.image : '';
  const digest = typeof record.details.imageDigest === 'string' && record.details.imageDigest ? record.details.imageDigest : image.includes('@') ? image.slice(image.indexOf('@') + 1) : '';
  const uri = image.split('@')[0]!.replace(/:[^/:]+$/, '');
  const repositoryName = uri.split('/').slice(1).join('/');
  const where = `ecr:${repositoryName || '?'}@${digest || '?'}`;
  if (!digest || !repositoryName) return { record, kind: 'image', where, present: false };
  let present = true;
  try {
    await a.c.ecr.send(new DescribeImagesCommand({ repositoryName, imageIds: [{ imageDigest: digest }] }));
  } catch (e) {
    if (!['ImageNotFoundException', 'RepositoryNotFoundException'].includes(awsErrorName(e) ?? '')) throw e;
    present = false;
  }
  const migrations = recordedPrefix(record);
  return { record, kind: 'image', digest, image: `${uri}@${digest}`, where, present, ...(migrations ? { migrations } : {}) };
}
