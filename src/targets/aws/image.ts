/**
 * The image of a release: `--image <uri or digest>` for a prebuilt one, otherwise a
 * docker build + push when an engine is reachable. The Dockerfile is checked first
 * (runbook 2.1 and pitfalls 6/7: EXPOSE = app.port, a TypeScript build step, not a dev
 * server, no .env baked in, the RDS CA bundle present).
 */
import type { Host } from '../../host/types.js';
import type { AwsClients } from './clients.js';
import { awsErrorName } from './clients.js';
import { sdk } from '../../engine/aws-sdk.js';

export interface DockerfileIssue {
  key: string;
  severity: 'error' | 'warn';
  params: Record<string, string | number>;
  line?: number;
}

/** Pure checks over the Dockerfile text. */
export function checkDockerfile(text: string, opts: { port: number; typescript: boolean; dockerignore?: string; caBundlePath?: string }): DockerfileIssue[] {
  const issues: DockerfileIssue[] = [];
  const lines = text.split(/\r?\n/);
  const find = (re: RegExp) => lines.findIndex((l) => re.test(l.trim()));
  const exposes = lines.flatMap((l, i) => {
    const m = /^EXPOSE\s+(.+)$/i.exec(l.trim());
    return m ? m[1]!.split(/\s+/).map((p) => ({ port: Number(p.split('/')[0]), line: i + 1 })) : [];
  });
  if (!exposes.length) issues.push({ key: 'aws.dockerfile.noExpose', severity: 'warn', params: { port: opts.port } });
  else if (!exposes.some((e) => e.port === opts.port)) issues.push({ key: 'aws.dockerfile.exposeMismatch', severity: 'error', params: { port: opts.port, exposed: exposes.map((e) => e.port).join(', ') }, line: exposes[0]!.line });
  if (opts.typescript && find(/^RUN\s+.*(npm run build|yarn build|pnpm (run )?build|\btsc\b)/i) < 0) issues.push({ key: 'aws.dockerfile.noBuild', severity: 'error', params: {} });
  const cmd = lines.map((l, i) => ({ l: l.trim(), i })).filter((x) => /^(CMD|ENTRYPOINT)\b/i.test(x.l)).pop();
  const argv = cmd?.l.replace(/[[\]",']/g, ' ').replace(/\s+/g, ' ') ?? '';
  if (cmd && /npm run dev|yarn dev|nodemon|ts-node|tsx watch|--watch|next dev|vite\b/i.test(argv)) issues.push({ key: 'aws.dockerfile.devServer', severity: 'error', params: { cmd: cmd.l }, line: cmd.i + 1 });
  const envCopy = find(/^(COPY|ADD)\s+.*\.env(\.\w+)?(\s|$)/i);
  if (envCopy >= 0) issues.push({ key: 'aws.dockerfile.envCopied', severity: 'error', params: {}, line: envCopy + 1 });
  else if (find(/^(COPY|ADD)\s+(--\S+\s+)*\.\s/i) >= 0 && !(opts.dockerignore ?? '').split(/\r?\n/).some((l) => /^\*?\*?\/?\.env/.test(l.trim()))) {
    issues.push({ key: 'aws.dockerfile.envNotIgnored', severity: 'error', params: {}, line: find(/^(COPY|ADD)\s+(--\S+\s+)*\.\s/i) + 1 });
  }
  if (opts.caBundlePath && !text.includes('global-bundle.pem') && !text.includes(opts.caBundlePath)) issues.push({ key: 'aws.dockerfile.noCaBundle', severity: 'warn', params: { path: opts.caBundlePath } });
  return issues;
}

/** Whether a docker engine answers (`docker info`). */
export async function dockerReachable(host: Host): Promise<{ ok: boolean; detail: string }> {
  try {
    const r = await host.exec(['docker', 'info', '--format', '{{.ServerVersion}}'], { timeoutMs: 15_000 });
    return { ok: r.code === 0, detail: (r.code === 0 ? r.stdout : r.stderr || r.stdout).trim().split('\n').pop() ?? '' };
  } catch (e) {
    return { ok: false, detail: (e as Error).message };
  }
}

/** Pin an image reference to a digest when the registry can tell us (our ECR repo). */
export async function resolveImage(c: AwsClients, repo: { name: string; uri: string }, image: string): Promise<{ image: string; digest?: string; pinned: boolean }> {
  const { DescribeImagesCommand } = sdk.ecr();
  const at = image.indexOf('@sha256:');
  if (at >= 0) return { image, digest: image.slice(at + 1), pinned: true };
  if (/^sha256:[0-9a-f]{64}$/.test(image)) return { image: `${repo.uri}@${image}`, digest: image, pinned: true };
  if (image.startsWith(`${repo.uri}:`) || !image.includes('/')) {
    const tag = image.startsWith(`${repo.uri}:`) ? image.slice(repo.uri.length + 1) : image.split(':')[1] ?? 'latest';
    try {
      const r = await c.ecr.send(new DescribeImagesCommand({ repositoryName: repo.name, imageIds: [{ imageTag: tag }] }));
      const d = r.imageDetails?.[0]?.imageDigest;
      if (d) return { image: `${repo.uri}@${d}`, digest: d, pinned: true };
    } catch (e) {
      if (awsErrorName(e) !== 'ImageNotFoundException') throw e;
      throw Object.assign(new Error(`image tag ${tag} is not in ${repo.uri}`), { name: 'ImageNotFound' });
    }
  }
  return { image, pinned: false };
}

export async function buildAndPush(c: AwsClients, host: Host, opts: { dir: string; dockerfile: string; repoUri: string; tag: string; signal?: AbortSignal; onLine?: (l: string) => void }): Promise<string> {
  const { GetAuthorizationTokenCommand } = sdk.ecr();
  const ref = `${opts.repoUri}:${opts.tag}`;
  const run = async (argv: string[], input?: string) => {
    const r = await host.exec(argv, { cwd: opts.dir, ...(input ? { input } : {}), ...(opts.onLine ? { onLine: opts.onLine } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
    if (r.code !== 0) throw new Error(`${argv.slice(0, 2).join(' ')} failed (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-5).join(' | ')}`);
    return r.stdout;
  };
  await run(['docker', 'build', '--platform', 'linux/amd64', '-f', opts.dockerfile, '-t', ref, '.']);
  const auth = (await c.ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData?.[0];
  const [user, password] = Buffer.from(auth?.authorizationToken ?? '', 'base64').toString('utf8').split(':');
  await run(['docker', 'login', '--username', user ?? 'AWS', '--password-stdin', opts.repoUri.split('/')[0]!], password ?? '');
  await run(['docker', 'push', ref]);
  return ref;
}
