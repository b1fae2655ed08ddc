import { LocalHost } from '../../src/host/local.js';
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EventBus, type SlipwayEvent } from '../../src/engine/events.js';
import { Journal, replay, type JournalEntry } from '../../src/engine/journal.js';
import { Redactor } from '../../src/engine/redact.js';
import { recoverRun, recoveryFor, runPlan } from '../../src/engine/runner.js';
import { orderSteps, type Plan, type Step, type StepContext } from '../../src/engine/step.js';
import { SlipwayError } from '../../src/engine/errors.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let tmp: string;
before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'slipway-runner-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

let n = 0;
async function fresh(): Promise<{ journal: Journal; events: EventBus; seen: SlipwayEvent[] }> {
  const journal = new Journal(new LocalHost(), path.join(tmp, `j${++n}`), new Redactor());
  const events = new EventBus();
  const seen: SlipwayEvent[] = [];
  events.on((e) => seen.push(e));
  return { journal, events, seen };
}

async function entries(journal: Journal): Promise<JournalEntry[]> {
  const text = await readFile(journal.file, 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JournalEntry);
}

/** A promise that rejects after `ms` — guards waits that would hang if the runner were wrong. */
function guard<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    }),
  ]);
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

interface FakeOpts {
  needs?: string[];
  commit?: boolean;
  fail?: boolean;
  undoFails?: boolean;
  noUndo?: boolean;
  /** Awaited inside run() before the step ends. */
  wait?: () => Promise<void>;
  onRun?: (ctx: StepContext) => Promise<void> | void;
  onUndo?: (ctx: StepContext) => Promise<void> | void;
}

function fake(id: string, log: string[], o: FakeOpts = {}): Step {
  const s: Step = {
    id,
    titleKey: `test.${id}`,
    ...(o.needs ? { needs: o.needs } : {}),
    ...(o.commit ? { commit: true } : {}),
    async run(ctx) {
      log.push(`start:${id}`);
      await ctx.record({ touched: id });
      if (o.wait) await o.wait();
      if (o.onRun) await o.onRun(ctx);
      if (o.fail) {
        log.push(`fail:${id}`);
        throw new Error(`${id} broke`);
      }
      log.push(`end:${id}`);
      return { out: `${id}-out` };
    },
  };
  if (!o.noUndo) {
    s.undo = async (ctx) => {
      log.push(`undo:${id}`);
      if (o.onUndo) await o.onUndo(ctx);
      if (o.undoFails) throw new Error(`undo of ${id} broke`);
    };
  }
  return s;
}

describe('orderSteps', () => {
  const noop = async () => undefined;
  test('puts needs before the steps that need them', () => {
    const steps: Step[] = [
      { id: 'c', titleKey: 'c', needs: ['a', 'b'], run: noop },
      { id: 'b', titleKey: 'b', needs: ['a'], run: noop },
      { id: 'a', titleKey: 'a', run: noop },
    ];
    const order = orderSteps(steps).map((s) => s.id);
    assert.deepEqual(order, ['a', 'b', 'c']);
  });
  test('rejects a cycle, naming it', () => {
    const steps: Step[] = [
      { id: 'a', titleKey: 'a', needs: ['c'], run: noop },
      { id: 'b', titleKey: 'b', needs: ['a'], run: noop },
      { id: 'c', titleKey: 'c', needs: ['b'], run: noop },
    ];
    assert.throws(() => orderSteps(steps), /step cycle: a -> c -> b -> a/);
  });
  test('rejects a self-dependency', () => {
    assert.throws(() => orderSteps([{ id: 'a', titleKey: 'a', needs: ['a'], run: noop }]), /step cycle: a -> a/);
  });
  test('rejects an unknown need', () => {
    assert.throws(() => orderSteps([{ id: 'a', titleKey: 'a', needs: ['ghost'], run: noop }]), /step a needs unknown step ghost/);
  });
  test('runPlan refuses an invalid plan before journaling anything', async () => {
    const { journal, events } = await fresh();
    const plan: Plan = { kind: 'deploy', steps: [{ id: 'a', titleKey: 'a', needs: ['b'], run: noop }] };
    await assert.rejects(runPlan({ plan, journal, events, runId: 'r1' }), /unknown step b/);
    assert.equal(existsSync(journal.file), false);
  });
});

describe('runPlan', () => {
  test('runs independent steps in parallel and respects needs', async () => {
    const { journal, events } = await fresh();
    const log: string[] = [];
    // a and b each wait until both have started: only possible when they overlap.
    const started = { a: deferred(), b: deferred() };
    const both = () => guard(Promise.all([started.a.promise, started.b.promise]).then(() => undefined), 5000, 'a and b to overlap');
    const plan: Plan = {
      kind: 'deploy',
      steps: [
        fake('a', log, { onRun: () => (started.a.resolve(), both()) }),
        fake('b', log, { onRun: () => (started.b.resolve(), both()) }),
        fake('c', log, { needs: ['a', 'b'] }),
        fake('d', log, { needs: ['c'] }),
      ],
    };
    const r = await runPlan({ plan, journal, events, runId: 'r1' });
    assert.equal(r.ok, true);
    const at = (e: string) => log.indexOf(e);
    // both started before either ended
    assert.ok(at('start:a') < at('end:a') && at('start:a') < at('end:b'), log.join(' '));
    assert.ok(at('start:b') < at('end:a') && at('start:b') < at('end:b'), log.join(' '));
    // c after a and b, d after c
    assert.ok(at('start:c') > at('end:a') && at('start:c') > at('end:b'), log.join(' '));
    assert.ok(at('start:d') > at('end:c'), log.join(' '));
    assert.equal(log.filter((e) => e.startsWith('undo')).length, 0);
    // data returned and recorded is merged per step
    assert.deepEqual(r.data.get('c'), { touched: 'c', out: 'c-out' });
    const state = await journal.current();
    assert.equal(state?.outcome, 'succeeded');
    assert.deepEqual([...state!.steps.keys()].sort(), ['a', 'b', 'c', 'd']);
    assert.ok([...state!.steps.values()].every((s) => s.done && s.phase === 'done'));
    assert.deepEqual(state!.steps.get('d')!.data, { touched: 'd', out: 'd-out' });
  });

  test('a later step sees data recorded by an earlier one', async () => {
    const { journal, events } = await fresh();
    const log: string[] = [];
    let seen: unknown;
    const plan: Plan = {
      kind: 'deploy',
      steps: [
        fake('a', log, { onRun: (ctx) => ctx.record({ port: 4321 }) }),
        fake('b', log, { needs: ['a'], onRun: (ctx) => void (seen = { data: ctx.data('a'), done: ctx.isDone('a'), self: ctx.isDone('b') }) }),
      ],
    };
    const r = await runPlan({ plan, journal, events, runId: 'r1' });
    assert.equal(r.ok, true);
    assert.deepEqual(seen, { data: { touched: 'a', port: 4321, out: 'a-out' }, done: true, self: false });
  });

  test('a failure undoes what ran in reverse start order and starts no dependents', async () => {
    const { journal, events, seen } = await fresh();
    const log: string[] = [];
    const aRunning = deferred();
    const aMayEnd = deferred();
    const plan: Plan = {
      kind: 'deploy',
      steps: [
        fake('base', log),
        // slow: still running when f fails; it is allowed to finish, then undone
        fake('a', log, { needs: ['base'], onRun: () => (aRunning.resolve(), guard(aMayEnd.promise, 5000, 'f to fail')) }),
        // holds f back until a runs, so f certainly starts after a
        fake('gate', log, { needs: ['base'], wait: () => guard(aRunning.promise, 5000, 'a to run') }),
        fake('f', log, { needs: ['gate'], fail: true, onRun: () => void setTimeout(aMayEnd.resolve, 20) }),
        fake('afterA', log, { needs: ['a'] }),
        fake('afterF', log, { needs: ['f'] }),
      ],
    };
    const r = await runPlan({ plan, journal, events, runId: 'r1' });
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.undone);
    assert.match(String(!r.ok && (r.error as Error).message), /f broke/);
    assert.ok(!log.includes('start:afterA'), `afterA must not start: ${log.join(' ')}`);
    assert.ok(!log.includes('start:afterF'), `afterF must not start: ${log.join(' ')}`);
    assert.ok(log.indexOf('end:a') > log.indexOf('fail:f'), 'the step still running when f failed finishes');
    // undo: every touched step (the failed one included — it may have half-acted), newest start first.
    // a and gate start together (their relative order is the plan's), f after both.
    const undos = log.filter((e) => e.startsWith('undo:')).map((e) => e.slice(5));
    assert.deepEqual(undos, ['f', 'gate', 'a', 'base']);
    // all undos come after the forward work ended
    assert.ok(log.indexOf('undo:f') > log.indexOf('end:a'));

    const state = await journal.current();
    assert.equal(state?.outcome, 'undone');
    assert.equal(state!.steps.get('f')!.done, false);
    assert.equal(state!.steps.get('a')!.done, true, 'done stays recorded after the undo');
    for (const id of ['base', 'a', 'gate', 'f']) assert.equal(state!.steps.get(id)!.phase, 'undo-done');
    assert.equal(state!.steps.has('afterA'), false);
    assert.equal(state!.steps.has('afterF'), false);
    const failed = (await entries(journal)).find((e) => e.t === 'step' && e.phase === 'failed');
    assert.ok(failed && failed.t === 'step' && failed.step === 'f' && failed.error === 'f broke');
    const ends = seen.filter((e) => e.type === 'step:end').map((e) => e.type === 'step:end' && `${e.step}:${e.status}`);
    assert.ok(ends.includes('f:failed') && ends.includes('a:done'));
    assert.equal(seen.filter((e) => e.type === 'step:undo' && e.status === 'done').length, 4);
  });

  test('an undo error is reported and the other undos still run', async () => {
    const { journal, events, seen } = await fresh();
    const log: string[] = [];
    let failure: unknown;
    const plan: Plan = {
      kind: 'deploy',
      steps: [fake('a', log), fake('b', log, { needs: ['a'], undoFails: true }), fake('c', log, { needs: ['b'], fail: true, noUndo: true })],
      async onFailure(_ctx, e) {
        failure = e;
      },
    };
    const r = await runPlan({ plan, journal, events, runId: 'r1' });
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.undone, false, 'an undo failed, so the run is not cleanly undone');
    assert.deepEqual(
      log.filter((e) => e.startsWith('undo:')),
      ['undo:b', 'undo:a'],
    );
    assert.match(String((failure as Error).message), /c broke/);
    const undoFailed = seen.find((e) => e.type === 'step:undo' && e.status === 'failed');
    assert.ok(undoFailed && undoFailed.type === 'step:undo' && undoFailed.step === 'b' && /undo of b broke/.test(undoFailed.detail ?? ''));
    const state = await journal.current();
    assert.equal(state?.outcome, 'failed');
    assert.equal(state!.steps.get('b')!.phase, 'undo-failed');
    assert.equal(state!.steps.get('b')!.error, 'undo of b broke');
    assert.equal(state!.steps.get('a')!.phase, 'undo-done');
  });

  test('ctx.isDone stays true for a completed step after its undo ran', async () => {
    const { journal, events } = await fresh();
    const log: string[] = [];
    const checks: Record<string, boolean> = {};
    const plan: Plan = {
      kind: 'deploy',
      steps: [
        fake('a', log, { onUndo: (ctx) => void (checks.inUndoA_b = ctx.isDone('b')) }),
        fake('b', log, { needs: ['a'], onUndo: (ctx) => void (checks.inUndoB_b = ctx.isDone('b')) }),
        fake('c', log, { needs: ['b'], fail: true }),
      ],
      async onFailure(ctx) {
        checks.a = ctx.isDone('a');
        checks.b = ctx.isDone('b');
        checks.c = ctx.isDone('c');
        checks.dataA = ctx.data('a')?.touched === 'a';
      },
    };
    const r = await runPlan({ plan, journal, events, runId: 'r1' });
    assert.equal(r.ok, false);
    assert.deepEqual(log.filter((e) => e.startsWith('undo:')), ['undo:c', 'undo:b', 'undo:a']);
    assert.deepEqual(checks, { inUndoB_b: true, inUndoA_b: true, a: true, b: true, c: false, dataA: true });
  });

  test('an aborted signal stops launching steps and undoes', async () => {
    const { journal, events } = await fresh();
    const log: string[] = [];
    const ac = new AbortController();
    const plan: Plan = { kind: 'deploy', steps: [fake('a', log, { onRun: () => ac.abort() }), fake('b', log, { needs: ['a'] })] };
    const r = await runPlan({ plan, journal, events, runId: 'r1', signal: ac.signal });
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.error instanceof SlipwayError && r.error.key === 'run.aborted');
    assert.deepEqual(log, ['start:a', 'end:a', 'undo:a']);
  });
});

describe('recovery', () => {
  const mkState = async (journal: Journal, lines: JournalEntry[]) => {
    for (const l of lines) await journal.append(l);
    const s = await journal.current();
    assert.ok(s);
    return s;
  };
  const step = (s: string, phase: 'start' | 'data' | 'done' | 'failed', data?: Record<string, string>): JournalEntry => ({
    t: 'step',
    run: 'crashed',
    step: s,
    phase,
    ts: 1,
    ...(data ? { data } : {}),
  });
  const begin: JournalEntry = { t: 'begin', run: 'crashed', kind: 'deploy', ts: 1, meta: { release: 'r7' } };

  test('recoveryFor: resume only when the commit step is done', () => {
    const noop = async () => undefined;
    const plan: Plan = { kind: 'deploy', steps: [{ id: 'a', titleKey: 'a', run: noop }, { id: 'switch', titleKey: 's', commit: true, run: noop }] };
    const st = (phase?: 'start' | 'done') => replay([begin, ...(phase ? [step('a', 'done'), step('switch', phase)] : [])].map((e) => JSON.stringify(e)).join('\n'))!;
    assert.equal(recoveryFor(plan, st()), 'undo');
    assert.equal(recoveryFor(plan, st('start')), 'undo');
    assert.equal(recoveryFor(plan, st('done')), 'resume');
    const noCommit: Plan = { kind: 'deploy', steps: [{ id: 'a', titleKey: 'a', run: noop }] };
    assert.equal(recoveryFor(noCommit, st('done')), 'undo');
  });

  test('recoverRun resumes a run whose commit step was done: only the remaining steps run', async () => {
    const { journal, events } = await fresh();
    const state = await mkState(journal, [
      begin,
      step('a', 'start'),
      step('a', 'data', { made: 'x' }),
      step('a', 'done'),
      step('switch', 'start'),
      step('switch', 'done'),
      step('c', 'start'),
    ]);
    const log: string[] = [];
    let cSawA: unknown;
    const plan: Plan = {
      kind: 'deploy',
      steps: [
        fake('a', log),
        fake('switch', log, { needs: ['a'], commit: true }),
        fake('c', log, { needs: ['switch'], onRun: (ctx) => void (cSawA = ctx.data('a')) }),
        fake('d', log, { needs: ['c'] }),
      ],
    };
    const { mode, result } = await recoverRun({ plan, journal, events }, state);
    assert.equal(mode, 'resume');
    assert.equal(result.ok, true);
    assert.deepEqual(log, ['start:c', 'end:c', 'start:d', 'end:d']);
    assert.deepEqual(cSawA, { made: 'x' });
    const after = await journal.current();
    assert.equal(after?.run, 'crashed');
    assert.equal(after?.outcome, 'succeeded');
    assert.ok(['a', 'switch', 'c', 'd'].every((s) => after!.steps.get(s)!.done));
  });

  test('recoverRun undoes a run whose commit step was not done', async () => {
    const { journal, events } = await fresh();
    const state = await mkState(journal, [begin, step('a', 'start'), step('a', 'data', { made: 'x' }), step('a', 'done'), step('b', 'start'), step('b', 'failed')]);
    const log: string[] = [];
    let undoSaw: unknown;
    const plan: Plan = {
      kind: 'deploy',
      steps: [
        fake('a', log, { onUndo: (ctx) => void (undoSaw = { data: ctx.data('a'), done: ctx.isDone('a') }) }),
        fake('b', log, { needs: ['a'] }),
        fake('switch', log, { needs: ['b'], commit: true }),
      ],
    };
    const { mode, result } = await recoverRun({ plan, journal, events }, state);
    assert.equal(mode, 'undo');
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.undone);
    assert.ok(!result.ok && result.error instanceof SlipwayError && result.error.key === 'run.recoveredUndo');
    assert.deepEqual(log, ['undo:b', 'undo:a']);
    assert.deepEqual(undoSaw, { data: { made: 'x' }, done: true });
    const after = await journal.current();
    assert.equal(after?.outcome, 'undone');
  });

  test('recoverRun resume after a forward failure past the commit reports it and keeps the commit', async () => {
    const { journal, events } = await fresh();
    const state = await mkState(journal, [begin, step('a', 'start'), step('a', 'done'), step('switch', 'start'), step('switch', 'done')]);
    const log: string[] = [];
    const plan: Plan = {
      kind: 'deploy',
      steps: [fake('a', log), fake('switch', log, { needs: ['a'], commit: true }), fake('c', log, { needs: ['switch'], fail: true })],
    };
    const { mode, result } = await recoverRun({ plan, journal, events }, state);
    assert.equal(mode, 'resume');
    assert.equal(result.ok, false);
    assert.ok(log.includes('start:c'));
    assert.ok(!log.includes('start:a') && !log.includes('start:switch'));
  });
});

describe('SLIPWAY_FAILPOINT', () => {
  /** A plan whose steps create marker files; written to disk so a child and this process share it. */
  const PLAN_MODULE = `
import { mkdir, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
export function filePlan(dir, commitAt) {
  const out = path.join(dir, 'out');
  const mk = (id, needs, commit) => ({
    id, titleKey: 'test.' + id, needs, commit,
    async run(ctx) {
      await ctx.record({ file: path.join(out, id) });
      await mkdir(out, { recursive: true });
      await writeFile(path.join(out, id), id);
      return { ok: true };
    },
    async undo(ctx) {
      const f = ctx.data(id)?.file;
      if (f) await rm(f, { force: true });
    },
  });
  return { kind: 'deploy', steps: [mk('a', [], false), mk('b', ['a'], commitAt === 'b'), mk('c', ['b'], commitAt === 'c')] };
}
`;
  const CHILD = (root: string) => `
import { Journal } from ${JSON.stringify(pathToFileURL(path.join(root, 'src/engine/journal.ts')).href)};
import { Redactor } from ${JSON.stringify(pathToFileURL(path.join(root, 'src/engine/redact.ts')).href)};
import { EventBus } from ${JSON.stringify(pathToFileURL(path.join(root, 'src/engine/events.ts')).href)};
import { runPlan } from ${JSON.stringify(pathToFileURL(path.join(root, 'src/engine/runner.ts')).href)};
import { filePlan } from './plan.mjs';
import { LocalHost } from ${JSON.stringify(pathToFileURL(path.join(root, 'src/host/local.ts')).href)};
const dir = process.argv[2];
const journal = new Journal(new LocalHost(), dir + '/journal', new Redactor());
await runPlan({ plan: filePlan(dir, process.env.COMMIT_AT), journal, events: new EventBus(), runId: 'child-run' });
console.log('finished without being killed');
`;

  function runChild(dir: string, env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(dir, 'child.mts'), dir], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
  }

  async function setup(name: string): Promise<string> {
    const dir = path.join(tmp, name);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'plan.mjs'), PLAN_MODULE);
    await writeFile(path.join(dir, 'child.mts'), CHILD(ROOT));
    return dir;
  }

  test('b:after kills the run after b is journaled done; recovery resumes past the commit', async () => {
    const dir = await setup('fp-resume');
    const r = await runChild(dir, { SLIPWAY_FAILPOINT: 'b:after', COMMIT_AT: 'b' });
    assert.equal(r.signal, 'SIGKILL', `child should die by SIGKILL; code=${r.code} stderr=${r.stderr}`);
    assert.doesNotMatch(r.stdout, /finished/);
    const journal = new Journal(new LocalHost(), path.join(dir, 'journal'), new Redactor());
    const state = await journal.current();
    assert.ok(state);
    assert.equal(state.run, 'child-run');
    assert.equal(state.outcome, undefined, 'no end entry: the run was interrupted');
    assert.equal(state.steps.get('b')?.phase, 'done');
    assert.equal(state.steps.get('b')?.done, true);
    assert.equal(state.steps.has('c'), false, 'c never started');
    assert.equal(existsSync(path.join(dir, 'out', 'c')), false);

    {
      const { filePlan } = (await import(pathToFileURL(path.join(dir, 'plan.mjs')).href)) as { filePlan: (d: string, commitAt: string) => Plan };
      const { mode, result } = await recoverRun({ plan: filePlan(dir, 'b'), journal, events: new EventBus() }, state);
      assert.equal(mode, 'resume');
      assert.equal(result.ok, true);
    }
    for (const f of ['a', 'b', 'c']) assert.equal(existsSync(path.join(dir, 'out', f)), true, `out/${f}`);
    assert.equal((await journal.current())?.outcome, 'succeeded');
  });

  test('b:after before the commit step: recovery undoes everything', async () => {
    const dir = await setup('fp-undo');
    const r = await runChild(dir, { SLIPWAY_FAILPOINT: 'b:after', COMMIT_AT: 'c' });
    assert.equal(r.signal, 'SIGKILL', `child should die by SIGKILL; code=${r.code} stderr=${r.stderr}`);
    const journal = new Journal(new LocalHost(), path.join(dir, 'journal'), new Redactor());
    const state = await journal.current();
    assert.ok(state);
    assert.equal(state.steps.get('b')?.done, true);
    assert.equal(state.steps.has('c'), false);
    assert.equal(existsSync(path.join(dir, 'out', 'b')), true);

    {
      const { filePlan } = (await import(pathToFileURL(path.join(dir, 'plan.mjs')).href)) as { filePlan: (d: string, commitAt: string) => Plan };
      const { mode, result } = await recoverRun({ plan: filePlan(dir, 'c'), journal, events: new EventBus() }, state);
      assert.equal(mode, 'undo');
      assert.ok(!result.ok && result.undone);
    }
    for (const f of ['a', 'b', 'c']) assert.equal(existsSync(path.join(dir, 'out', f)), false, `out/${f} removed`);
    assert.equal((await journal.current())?.outcome, 'undone');
  });
});

test('begin journals the plan\'s steps (id, title, needs, commit), so steps that never ran are known afterwards', async () => {
  const { journal, events } = await fresh();
  const log: string[] = [];
  const plan: Plan = { kind: 'deploy', steps: [fake('a', log), fake('b', log, { needs: ['a'], fail: true }), fake('c', log, { needs: ['b'], commit: true })] };
  const r = await runPlan({ plan, journal, events, runId: 'planned', meta: {} });
  assert.equal(r.ok, false);
  const begin = (await entries(journal))[0]!;
  assert.equal(begin.t, 'begin');
  assert.deepEqual(begin.t === 'begin' ? begin.steps : undefined, [
    { id: 'a', titleKey: 'test.a' },
    { id: 'b', titleKey: 'test.b', needs: ['a'] },
    { id: 'c', titleKey: 'test.c', needs: ['b'], commit: true },
  ]);
  assert.deepEqual((await journal.lastRunEntries())?.map((e) => e.t), (await entries(journal)).map((e) => e.t), 'the last run is the one in current.ndjson until it is archived');
});
