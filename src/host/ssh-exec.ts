/**
 * One command on an SSH channel: its output split into lines as it streams (a process
 * group's pgid taken off stderr), the exit status, the input and the env block on stdin,
 * and the command stopped on a signal or a timeout.
 */
import os from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import type { ClientChannel } from 'ssh2';
import type { SlipwayError } from '../engine/errors.js';
import { envBlock, PGID } from './ssh-command.js';
import type { ExecOptions, ExecResult } from './types.js';

export interface ChannelHooks {
  /** The error for a channel that failed or closed without an exit status. */
  lost(e: unknown): SlipwayError;
  /** Stop the process group the command leads (on abort or timeout). */
  killGroup(pgid: number): void;
}

export function execOnChannel(ch: ClientChannel, opts: ExecOptions, o: ChannelHooks): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let code: number | undefined;
    let pgid: number | undefined;
    let settled = false;
    const split = (stream: 'stdout' | 'stderr') => {
      let buf = '';
      const dec = new StringDecoder('utf8'); // a character split across chunks stays whole
      return (chunk: Buffer) => {
        buf += dec.write(chunk);
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          const m = stream === 'stderr' && pgid === undefined && opts.onGroup ? PGID.exec(line) : null;
          if (m) {
            pgid = Number(m[1]);
            opts.onGroup!(pgid);
            continue;
          }
          if (!opts.discard && stream === 'stdout') stdout += line + '\n';
          if (!opts.discard && stream === 'stderr') stderr += line + '\n';
          opts.onLine?.(line, stream);
        }
      };
    };
    const outLines = split('stdout');
    const errLines = split('stderr');
    ch.on('data', outLines);
    ch.stderr.on('data', errLines);
    const stop = () => {
      if (pgid !== undefined) o.killGroup(pgid);
      ch.close();
    };
    opts.signal?.addEventListener('abort', stop, { once: true });
    const timer = opts.timeoutMs ? setTimeout(stop, opts.timeoutMs) : undefined;
    // Done when the exit status is in and both streams have ended; waiting for the channel's
    // close as well costs a delayed-ACK round trip (~40 ms) per command.
    let ended = 0;
    const finish = () => {
      if (settled || code === undefined || ended < 2) return;
      settled = true;
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', stop);
      outLines(Buffer.from('\n'));
      errLines(Buffer.from('\n'));
      resolve({ code, stdout: stdout.replace(/\n$/, ''), stderr: stderr.replace(/\n$/, '') });
    };
    ch.on('end', () => {
      ended++;
      finish();
    });
    ch.stderr.on('end', () => {
      ended++;
      finish();
    });
    ch.on('exit', (c: number | null, sig?: string) => {
      code = c ?? (sig ? 128 + (os.constants.signals[sig as NodeJS.Signals] ?? 1) : 1);
      finish();
    });
    ch.on('close', () => {
      ended = 2;
      if (code !== undefined) return finish();
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', stop);
      if (settled) return;
      settled = true;
      reject(o.lost(new Error('the channel closed without an exit status')));
    });
    ch.on('error', (e: Error) => {
      if (settled) return;
      settled = true;
      reject(o.lost(e));
    });
    ch.write(envBlock(opts.env));
    if (typeof opts.input === 'string') ch.end(opts.input);
    else if (opts.input) opts.input.pipe(ch);
    else ch.end();
  });
}
