/**
 * Time the full local preflight of an environment (default: examples/shop-api/slipway.yaml,
 * environment `local`). Usage: npx tsx bench/preflight.ts [config] [env] [--runs N] [--print] [--zh]
 * Target: under 2 s.
 */
import path from 'node:path';
import { loadConfig, readSecrets, resolveEnvironment } from '../src/config/index.js';
import { runPreflight } from '../src/checks/index.js';
import { renderPreflight } from '../src/report/preflight.js';
import { setLang } from '../src/engine/i18n.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  const runsIdx = args.indexOf('--runs');
  const runs = runsIdx >= 0 ? Number(args[runsIdx + 1]) : 3;
  const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs');
  const file = path.resolve(positional[0] ?? path.join(import.meta.dirname, '..', 'examples', 'shop-api', 'slipway.yaml'));
  const envName = positional[1] ?? 'local';
  if (flags.has('--zh')) setLang('zh-CN');
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

await main();
