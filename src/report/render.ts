/**
 * Renderers of the event stream: a live task tree with timings on a TTY, plain lines off
 * a TTY or under CI, NDJSON with --json. Events arrive already redacted.
 */
import { colors as pc } from './colors.js';
import type { SlipwayEvent } from '../engine/events.js';
import { t } from '../engine/i18n.js';

export type RenderMode = 'tty' | 'plain' | 'json';

export interface Renderer {
  onEvent(e: SlipwayEvent): void;
  close(): void;
}

export function chooseMode(opts: { json: boolean; stream: NodeJS.WriteStream; env: NodeJS.ProcessEnv }): RenderMode {
  if (opts.json) return 'json';
  if (!opts.stream.isTTY || opts.env.CI === 'true' || opts.env.CI === '1' || opts.env.TERM === 'dumb') return 'plain';
  return 'tty';
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(1)}s`;
}

function logText(e: Extract<SlipwayEvent, { type: 'log' }>): string {
  return e.key ? t(e.key, e.params) : (e.text ?? '');
}

export function jsonRenderer(out: NodeJS.WritableStream): Renderer {
  return {
    onEvent(e) {
      const extra: Record<string, unknown> = {};
      if (e.type === 'log' && e.key) extra.message = t(e.key, e.params);
      if (e.type === 'step:start') extra.title = t(e.titleKey, e.params);
      out.write(JSON.stringify({ ...e, ...extra }) + '\n');
    },
    close() {},
  };
}

export function plainRenderer(out: NodeJS.WritableStream, verbose: boolean): Renderer {
  const titles = new Map<string, string>();
  const stamp = () => new Date().toISOString().slice(11, 19);
  return {
    onEvent(e) {
      switch (e.type) {
        case 'step:start':
          titles.set(e.step, t(e.titleKey, e.params));
          out.write(`${stamp()} ▶ ${titles.get(e.step)}\n`);
          break;
        case 'step:end':
          out.write(`${stamp()} ${e.status === 'done' ? '✓' : e.status === 'skipped' ? '-' : '✗'} ${titles.get(e.step) ?? e.step} (${seconds(e.durationMs)})${e.detail ? `: ${e.detail}` : ''}\n`);
          break;
        case 'step:undo':
          out.write(`${stamp()} ↺ ${t(`undo.${e.status}`, { step: titles.get(e.step) ?? e.step })}${e.detail ? `: ${e.detail}` : ''}\n`);
          break;
        case 'log':
          if (e.level === 'debug' && !verbose) break;
          out.write(`${stamp()}   ${e.level === 'warn' ? '! ' : e.level === 'error' ? '✗ ' : ''}${logText(e)}\n`);
          break;
        default:
          break;
      }
    },
    close() {},
  };
}

interface Node {
  id: string;
  title: string;
  status: 'running' | 'done' | 'failed' | 'skipped' | 'undoing' | 'undone' | 'undo-failed';
  started: number;
  ms?: number;
  last?: string;
  notes: string[];
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export async function ttyRenderer(out: NodeJS.WriteStream): Promise<Renderer> {
  const { createLogUpdate } = await import('log-update');
  const update = createLogUpdate(out);
  const nodes: Node[] = [];
  const byId = new Map<string, Node>();
  let frame = 0;
  let closed = false;
  const icon = (n: Node) =>
    ({
      running: pc.cyan(FRAMES[frame % FRAMES.length]!),
      done: pc.green('✓'),
      failed: pc.red('✗'),
      skipped: pc.dim('-'),
      undoing: pc.yellow('↺'),
      undone: pc.yellow('↺'),
      'undo-failed': pc.red('↺'),
    })[n.status];
  const draw = () => {
    const lines: string[] = [];
    for (const n of nodes) {
      const time = n.ms !== undefined ? pc.dim(` ${seconds(n.ms)}`) : pc.dim(` ${seconds(Date.now() - n.started)}`);
      const undo = n.status === 'undone' ? pc.yellow(` (${t('undo.done', { step: '' }).trim()})`) : '';
      lines.push(`${icon(n)} ${n.title}${time}${undo}`);
      if (n.status === 'running' && n.last) lines.push(pc.dim(`  └ ${n.last.slice(0, (out.columns ?? 100) - 6)}`));
      for (const note of n.notes) lines.push(`  ${note}`);
    }
    update(lines.join('\n'));
  };
  const timer = setInterval(() => {
    frame++;
    draw();
  }, 100);
  timer.unref();
  return {
    onEvent(e) {
      if (e.type === 'step:start') {
        const n: Node = { id: e.step, title: t(e.titleKey, e.params), status: 'running', started: e.ts, notes: [] };
        nodes.push(n);
        byId.set(e.step, n);
      } else if (e.type === 'step:end') {
        const n = byId.get(e.step);
        if (n) {
          n.status = e.status;
          n.ms = e.durationMs;
          if (e.detail && e.status === 'failed') n.notes.push(pc.red(e.detail.split('\n')[0]!));
        }
      } else if (e.type === 'step:undo') {
        const n = byId.get(e.step);
        if (n) n.status = e.status === 'start' ? 'undoing' : e.status === 'done' ? 'undone' : 'undo-failed';
      } else if (e.type === 'log') {
        const n = e.step ? byId.get(e.step) : undefined;
        const text = logText(e);
        if (e.level === 'debug') {
          if (n) n.last = text;
        } else if (n) n.notes.push(e.level === 'warn' ? pc.yellow(`! ${text}`) : e.level === 'error' ? pc.red(text) : pc.dim(text));
        else update.clear(), out.write(`${text}\n`);
      }
      if (!closed) draw();
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      draw();
      update.done();
    },
  };
}
