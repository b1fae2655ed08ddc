/**
 * The CLI: parse → call. Every command handler lives in `src/cli/commands.ts` and uses
 * the engine; this file only declares commands, flags and help text (both languages).
 */
import { Command, Option } from 'commander';
import { normalizeLang, registerCatalog, setLang, detectLang, t } from '../engine/i18n.js';
import { help } from '../engine/messages/help.js';
import { handleError } from './output.js';
import { exitQuietlyOnClosedPipe } from './pipe.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../engine/install.js';
import type { InitFlags } from './commands.js';
import type { DeployFlags, GlobalFlags } from './flags.js';

export type { DeployFlags, GlobalFlags } from './flags.js';
import '../engine/messages/ci.js';
import '../engine/messages/db-window.js';
import '../engine/messages/verify-window.js';
import '../engine/messages/env-releases.js';
import '../engine/messages/hosts.js';
import '../engine/messages/promote.js';
import '../engine/messages/rotate.js';
import '../engine/messages/rehearse.js';


function version(): string {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** commander's usage errors, in the user's language, with what to do. */
export function usageError(raw: string): string {
  const rules: [RegExp, string][] = [
    [/unknown option '([^']+)'(?:\s*\(Did you mean (\S+)\?\))?/, 'cli.err.unknownOption'],
    [/required option '([^']+)' not specified/, 'cli.err.missingOption'],
    [/missing required argument '([^']+)'/, 'cli.err.missingArgument'],
    [/unknown command '([^']+)'(?:\s*\(Did you mean (\S+)\?\))?/, 'cli.err.unknownCommand'],
    [/too many arguments(?: for '([^']+)')?/, 'cli.err.tooMany'],
    [/option '([^']+)' argument '([^']*)' is invalid/, 'cli.err.invalidArgument'],
  ];
  for (const [re, key] of rules) {
    const m = re.exec(raw);
    if (m) {
      const hint = m[2] && key !== 'cli.err.invalidArgument' ? ` ${t('cli.err.didYouMean', { name: m[2] })}` : '';
      return `✗ ${t(key, { name: m[1] ?? '', value: m[2] ?? '' })}${hint}\n  ${t('cli.fix')}: ${t('cli.err.fix')}\n`;
    }
  }
  return raw;
}

/** The language before commander runs, so help text is translated too. */
function earlyLang(argv: readonly string[]): void {
  const i = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  const raw = i < 0 ? undefined : argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
  setLang((raw && normalizeLang(raw)) || detectLang(process.env));
}

export async function main(argv: string[] = process.argv): Promise<number> {
  // Help text of every command; an area's own catalog (ci, report, knowledge) loads with the code of the command that needs it.
  registerCatalog(help);
  exitQuietlyOnClosedPipe();
  earlyLang(argv);
  const program = new Command('slipway');
  let exitCode = 0;
  const run = (fn: (g: GlobalFlags, ...a: never[]) => Promise<number>) =>
    async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const g = cmd.optsWithGlobals() as GlobalFlags;
      try {
        exitCode = await (fn as (g: GlobalFlags, ...a: unknown[]) => Promise<number>)(g, ...args.slice(0, -1));
      } catch (e) {
        exitCode = handleError(e, g.json);
      } finally {
        await (await import('../session/session.js')).closeSessions(); // SSH connections end with the command
      }
    };
  const cmds = () => import('./commands.js');

  program
    .description(t('cli.description'))
    .version(version(), '-V, --version', t('cli.opt.version'))
    .helpOption('-h, --help', t('cli.opt.help'))
    .addHelpCommand(false)
    .option('-c, --config <file>', t('cli.opt.config'))
    .option('--json', t('cli.opt.json'), false)
    .addOption(new Option('--lang <lang>', t('cli.opt.lang')).choices(['zh-CN', 'en']))
    .option('-v, --verbose', t('cli.opt.verbose'), false)
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (str, write) => write(usageError(str)) })
    .exitOverride();

  program
    .command('init')
    .description(t('cli.init'))
    .argument('[dir]', t('cli.arg.dir'), '.')
    .option('--force', t('cli.opt.forceInit'), false)
    .addOption(new Option('--target <target>', t('cli.opt.initTarget')).choices(['local', 'ssh']).default('local'))
    .option('--host <host>', t('cli.opt.initHost'))
    .option('--env <name>', t('cli.opt.initEnv'))
    .action(run(async (g, dir: string, o: InitFlags) => (await cmds()).init(g, dir, o)));

  program
    .command('check')
    .description(t('cli.check'))
    .argument('[env]', t('cli.arg.env'))
    .option('--accept-risk <id>', t('cli.opt.acceptRisk'), collect, [])
    .action(run(async (g, env: string | undefined, o: { acceptRisk?: string[] }) => (await import('./preflight.js')).check(g, env, o)));

  program
    .command('deploy')
    .description(t('cli.deploy'))
    .argument('[env]', t('cli.arg.env'))
    .option('--accept-risk <id>', t('cli.opt.acceptRisk'), collect, [])
    .option('--force-unlock', t('cli.opt.forceUnlock'), false)
    .option('--image <uri>', t('cli.opt.image'))
    .option('--allow-unverified', t('cli.opt.allowUnverified'), false)
    .option('--watch <duration>', t('cli.opt.watch'))
    .option('--report <file>', t('cli.opt.deployReport'))
    .action(run(async (g, env: string | undefined, o: DeployFlags) => (await import('./deploy.js')).deploy(g, env, o)));

  program
    .command('verify')
    .description(t('cli.verify'))
    .argument('[env]', t('cli.arg.env'))
    .option('--window <duration>', t('cli.opt.window'))
    .option('--rollback-on-fail', t('cli.opt.rollbackOnFail'), false)
    .action(run(async (g, env: string | undefined, o: { window?: string; rollbackOnFail: boolean }) => (await import('./verify.js')).verify(g, env, o)));

  program
    .command('promote')
    .description(t('cli.promote'))
    .argument('<from>', t('cli.arg.from'))
    .argument('<to>', t('cli.arg.to'))
    .option('--release <id>', t('cli.opt.promoteRelease'))
    .option('--accept-risk <id>', t('cli.opt.acceptRisk'), collect, [])
    .option('--force-unlock', t('cli.opt.forceUnlock'), false)
    .option('--watch <duration>', t('cli.opt.watch'))
    .option('--report <file>', t('cli.opt.deployReport'))
    .action(run(async (g, from: string, to: string, o: import('./promote.js').PromoteFlags) => (await import('./promote.js')).promote(g, from, to, o)));

  program
    .command('status')
    .description(t('cli.status'))
    .argument('[env]', t('cli.arg.env'))
    .action(run(async (g, env: string | undefined) => (await import('./inspect.js')).status(g, env)));

  program
    .command('releases')
    .description(t('cli.releases'))
    .argument('[env]', t('cli.arg.env'))
    .action(run(async (g, env: string | undefined) => (await import('./inspect.js')).releases(g, env)));

  program
    .command('rollback')
    .description(t('cli.rollback'))
    .argument('[env]', t('cli.arg.env'))
    .option('--to <release>', t('cli.opt.to'))
    .option('--force-unlock', t('cli.opt.forceUnlock'), false)
    .option('--allow-unverified', t('cli.opt.allowUnverified'), false)
    .option('--set <KEY=value>', t('cli.opt.rollbackSet'), collect, [])
    .option('--unset <KEY>', t('cli.opt.rollbackUnset'), collect, [])
    .action(
      run(async (g, env: string | undefined, o: { to?: string; forceUnlock: boolean; allowUnverified: boolean; set: string[]; unset: string[] }) =>
        o.set.length || o.unset.length ? (await import('./env.js')).rollbackSet(g, env, o) : (await cmds()).rollback(g, env, o),
      ),
    );

  program
    .command('env')
    .description(t('cli.env'))
    .command('set')
    .description(t('cli.env.set'))
    .argument('[env]', t('cli.arg.env'))
    .argument('[assignments...]', t('cli.arg.assignments'))
    .option('--unset <KEY>', t('cli.opt.unset'), collect, [])
    .option('--force-unlock', t('cli.opt.forceUnlock'), false)
    .action(run(async (g, env: string | undefined, assignments: string[], o: { unset: string[]; forceUnlock: boolean }) => (await import('./env.js')).envSet(g, env, assignments, o)));

  program
    .command('logs')
    .description(t('cli.logs'))
    .argument('[env]', t('cli.arg.env'))
    .option('-f, --follow', t('cli.opt.follow'), false)
    .option('-n, --lines <n>', t('cli.opt.lines'), '100')
    .action(run(async (g, env: string | undefined, o: { follow: boolean; lines: string }) => (await import('./inspect.js')).logs(g, env, o)));

  program
    .command('diagnose')
    .description(t('cli.diagnose'))
    .argument('[env]', t('cli.arg.env'))
    .option('--release <id>', t('cli.opt.diagnoseRelease'))
    .action(run(async (g, env: string | undefined, o: { release?: string }) => (await import('./inspect.js')).diagnoseEnv(g, env, o)));

  program
    .command('endpoint')
    .description(t('cli.endpoint'))
    .argument('[env]', t('cli.arg.env'))
    .action(run(async (g, env: string | undefined) => (await import('./inspect.js')).endpoint(g, env)));

  program
    .command('report')
    .description(t('cli.report'))
    .argument('[env]', t('cli.arg.env'))
    .option('-o, --out <file>', t('cli.opt.reportOut'))
    .action(run(async (g, env: string | undefined, o: { out?: string }) => (await import('./inspect.js')).report(g, env, o)));

  program
    .command('plan')
    .description(t('cli.plan'))
    .argument('[env]', t('cli.arg.env'))
    .option('--image <uri>', t('cli.opt.image'))
    .action(run(async (g, env: string | undefined, o: { image?: string }) => (await import('./infra.js')).plan(g, env, o)));

  program
    .command('synth')
    .description(t('cli.synth'))
    .argument('[env]', t('cli.arg.env'))
    .requiredOption('--out <dir>', t('cli.opt.out'))
    .action(run(async (g, env: string | undefined, o: { out: string }) => (await import('./infra.js')).synth(g, env, o)));

  program
    .command('cost')
    .description(t('cli.cost'))
    .argument('[env]', t('cli.arg.env'))
    .action(run(async (g, env: string | undefined) => (await import('./infra.js')).cost(g, env)));

  const db = program.command('db').description(t('cli.db'));
  db.command('import')
    .description(t('cli.dbImport'))
    .argument('[env]', t('cli.arg.env'))
    .requiredOption('--file <dump>', t('cli.opt.dumpFile'))
    .option('--cidr <cidr>', t('cli.opt.cidr'))
    .option('--accept-risk <id>', t('cli.opt.acceptRisk'), collect, [])
    .option('--force-unlock', t('cli.opt.forceUnlock'), false)
    .action(run(async (g, env: string | undefined, o: { file: string; cidr?: string; acceptRisk?: string[]; forceUnlock: boolean }) => (await cmds()).dbImport(g, env, o)));
  db.command('open')
    .description(t('cli.dbOpen'))
    .argument('[env]', t('cli.arg.env'))
    .option('--ttl <duration>', t('cli.opt.dbTtl'), '30m')
    .option('--cidr <cidr>', t('cli.opt.dbOpenCidr'))
    .option('--port <port>', t('cli.opt.dbOpenPort'))
    .option('--accept-risk <id>', t('cli.opt.acceptRisk'), collect, [])
    .action(run(async (g, env: string | undefined, o: import('./db-window.js').DbOpenFlags) => (await import('./db-window.js')).dbOpen(g, env, o)));
  db.command('close')
    .description(t('cli.dbClose'))
    .argument('[env]', t('cli.arg.env'))
    .action(run(async (g, env: string | undefined) => (await import('./db-window.js')).dbClose(g, env)));

  db.command('rotate-password')
    .description(t('cli.dbRotatePassword'))
    .argument('[env]', t('cli.arg.env'))
    .option('--force-unlock', t('cli.opt.forceUnlock'), false)
    .action(run(async (g, env: string | undefined, o: { forceUnlock: boolean }) => (await import('./db.js')).rotatePassword(g, env, o)));

  db.command('rehearse')
    .description(t('cli.dbRehearse'))
    .argument('[env]', t('cli.arg.env'))
    .option('--fresh', t('cli.opt.freshBackup'), false)
    .option('--lock-threshold <seconds>', t('cli.opt.lockThreshold'))
    .action(run(async (g, env: string | undefined, o: { fresh: boolean; lockThreshold?: string }) => (await import('./db-rehearse.js')).dbRehearse(g, env, o)));

  const lockCmd = program.command('lock').description(t('cli.lock'));
  for (const action of ['status', 'release'] as const) {
    lockCmd
      .command(action)
      .description(t(`cli.lock.${action}`))
      .argument('[env]', t('cli.arg.env'))
      .action(run(async (g, env: string | undefined) => (await cmds()).lock(g, action, env)));
  }

  program
    .command('history')
    .description(t('cli.history'))
    .argument('[env]', t('cli.arg.env'))
    .option('-n, --lines <n>', t('cli.opt.lines'), '50')
    .action(run(async (g, env: string | undefined, o: { lines: string }) => (await import('./inspect.js')).history(g, env, o)));

  program
    .command('hosts')
    .description(t('cli.hosts'))
    .command('trust')
    .description(t('cli.hosts.trust'))
    .argument('[env]', t('cli.arg.env'))
    .option('--fingerprint <sha256>', t('cli.opt.fingerprints'), collect, [])
    .option('--yes', t('cli.opt.trustYes'), false)
    .action(run(async (g, env: string | undefined, o: { fingerprint?: string[]; yes: boolean }) => (await cmds()).trustHost(g, env, o)));

  program
    .command('ci')
    .description(t('cli.ci'))
    .command('github')
    .description(t('cli.ci.github'))
    .argument('[env]', t('cli.arg.env'))
    .option('--branch <name>', t('cli.opt.branch'), 'production')
    .option('--repo <owner/name>', t('cli.opt.repo'))
    .option('--setup-aws', t('cli.opt.setupAws'), false)
    .option('--role-arn <arn>', t('cli.opt.roleArn'))
    .option('--oidc-provider-arn <arn>', t('cli.opt.oidcProviderArn'))
    .option('--force', t('cli.opt.forceWorkflow'), false)
    .action(run(async (g, env: string | undefined, o: { branch: string; repo?: string; setupAws: boolean; roleArn?: string; oidcProviderArn?: string; force: boolean }) => (await import('./infra.js')).ciGithub(g, env, o)));

  program
    .command('iam')
    .description(t('cli.iam'))
    .command('policy')
    .description(t('cli.iam.policy'))
    .argument('[env]', t('cli.arg.env'))
    .action(run(async (g, env: string | undefined) => (await import('./infra.js')).iamPolicy(g, env)));

  program
    .command('destroy')
    .description(t('cli.destroy'))
    .argument('[env]', t('cli.arg.env'))
    .option('--yes', t('cli.opt.yes'), false)
    .option('--force', t('cli.opt.forceDestroy'), false)
    .option('--force-unlock', t('cli.opt.forceUnlock'), false)
    .action(run(async (g, env: string | undefined, o: { yes: boolean; force: boolean; forceUnlock: boolean }) => (await cmds()).destroy(g, env, o)));

  try {
    await program.parseAsync(argv);
  } catch (e) {
    const err = e as { code?: string; exitCode?: number };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    if (typeof err.exitCode === 'number' && err.code?.startsWith('commander.')) return 2;
    return handleError(e, argv.includes('--json'));
  }
  return exitCode;
}

/** A repeatable option: `--accept-risk a --accept-risk b` (not variadic, so it cannot swallow the env name). */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

