/**
 * Preflight time, two parts:
 *  - local: the full preflight of an environment in this process (default: examples/shop-api,
 *    environment `local`), median of --runs (target: under 2 s);
 *  - aws on moto: `slipway check production --json` through the real CLI against a fresh moto
 *    server, every aws check running (the config gets an ALB with a certificate requested in
 *    moto, so the certificate check calls ACM too); the figure is the preflight's own
 *    `durationMs` (from its start to the last check, SDK loading included) and the command's wall
 *    time, median of --runs, each run a new process (what a user waits for). Goal (issue 11):
 *    ≤ 1.5 s. Every aws finding that says a call could not be made is listed under the table.
 *
 *   npx tsx bench/preflight.ts [config] [env] [--runs N] [--print] [--zh] [--local-only | --aws-only]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, readSecrets, resolveEnvironment } from '../src/config/index.js';
import { runPreflight } from '../src/checks/index.js';
import { renderPreflight } from '../src/report/preflight.js';
import { setLang } from '../src/engine/i18n.js';
import { awsTestEnv, startMoto } from '../test/aws/moto.js';
import { run } from './lib/proc.js';
import { parseEvents, repoRoot, slipwayBin } from './lib/slipway.js';
import { ascending, fmtMs, percentile } from './lib/stats.js';
import { table } from './lib/table.js';

const AWS_GOAL_MS = 1500;

async function local(args: string[], flags: Set<string>, runs: number): Promise<void> {
  const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs');
  const file = path.resolve(positional[0] ?? path.join(import.meta.dirname, '..', 'examples', 'shop-api', 'slipway.yaml'));
  const envName = positional[1] ?? 'local';
  const times: number[] = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const loaded = await loadConfig({ file });
    const envr = resolveEnvironment(loaded, envName);
    const secrets = await readSecrets(envr);
    last = await runPreflight(envr, secrets);
    times.push(performance.now() - t0);
  }
  if (flags.has('--print') && last) console.log(renderPreflight(last, { color: process.stdout.isTTY }));
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  console.log(`preflight ${path.relative(process.cwd(), file)} [${envName}]: median ${median.toFixed(0)} ms, min ${sorted[0]!.toFixed(0)} ms, max ${sorted[sorted.length - 1]!.toFixed(0)} ms over ${runs} run(s) (target < 2000 ms); ${last?.findings.length} findings, go=${last?.go}`);
}

interface Report {
  durationMs: number;
  findings: { id: string; area: string; severity: string; title: string; evidence?: string }[];
}

async function aws(runs: number): Promise<void> {
  const example = path.join(repoRoot, 'examples', 'shop-api');
  const moto = await startMoto();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-preflight-bench-'));
  try {
    const env = { ...process.env, ...awsTestEnv, AWS_ENDPOINT_URL: moto.url, SLIPWAY_LANG: 'en', HOME: dir };
    // A certificate in moto for the ALB, so aws.certificate makes its call too.
    const acm = await fetch(moto.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CertificateManager.RequestCertificate', authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/ap-southeast-2/acm/aws4_request, SignedHeaders=host, Signature=0' },
      body: JSON.stringify({ DomainName: 'api.shop.example', ValidationMethod: 'DNS' }),
    });
    const { CertificateArn: arn } = (await acm.json()) as { CertificateArn: string };
    const yaml = readFileSync(path.join(example, 'slipway.yaml'), 'utf8')
      .replace(/^ {2}dir: \.$/m, `  dir: ${JSON.stringify(example)}`)
      .replace(/^ {4}# alb: .*$/m, `    alb: { certificateArn: ${JSON.stringify(arn)}, domain: api.shop.example }`);
    const config = path.join(dir, 'slipway.yaml');
    writeFileSync(config, yaml);
    const inner: number[] = [];
    const wall: number[] = [];
    let last: Report | undefined;
    for (let i = 0; i < runs + 1; i++) {
      const r = await run([process.execPath, slipwayBin, '-c', config, 'check', 'production', '--json'], { cwd: dir, env, timeoutMs: 120_000 });
      const report = parseEvents(r.stdout).find((e) => typeof e.durationMs === 'number' && Array.isArray(e.findings)) as Report | undefined;
      if (!report) throw new Error(`slipway check production printed no report (exit ${r.code}): ${r.stderr.trim()}`);
      if (i === 0) continue; // warm-up: the OS's file cache, moto's first answers
      inner.push(report.durationMs);
      wall.push(r.ms);
      last = report;
    }
    const a = ascending(inner);
    const w = ascending(wall);
    const ran = new Set(last!.findings.filter((f) => f.area === 'aws').map((f) => f.id));
    console.log(`\naws preflight on moto (slipway check production, ${runs} runs + 1 warm-up, each a new process), ${new Date().toISOString()}; goal: preflight ≤ ${AWS_GOAL_MS} ms`);
    console.log(
      table(
        ['measure', 'median', 'p90', 'min', 'goal'],
        [
          ['preflight (durationMs)', fmtMs(percentile(a, 50)), fmtMs(percentile(a, 90)), fmtMs(a[0]!), percentile(a, 50) <= AWS_GOAL_MS ? 'met' : 'NOT met'],
          ['slipway check (wall)', fmtMs(percentile(w, 50)), fmtMs(percentile(w, 90)), fmtMs(w[0]!), '-'],
        ],
      ),
    );
    console.log(`aws checks that ran: ${[...ran].sort().join(', ')}`);
    const unverified = last!.findings.filter((f) => f.area === 'aws' && f.severity === 'warning');
    for (const f of unverified) console.log(`  warning ${f.id}: ${f.title}${f.evidence ? ` (${f.evidence})` : ''}`);
  } finally {
    await moto.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const runsIdx = args.indexOf('--runs');
const runs = runsIdx >= 0 ? Number(args[runsIdx + 1]) : 3;
if (flags.has('--zh')) setLang('zh-CN');
if (!flags.has('--aws-only')) await local(args, flags, runs);
if (!flags.has('--local-only')) await aws(Math.max(runs, 5));
