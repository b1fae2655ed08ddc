/**
 * A Linux VM as a Host, over one multiplexed SSH connection (ssh-connection.ts): each
 * command runs under a wrapper (ssh-command.ts) on a channel of its own (ssh-exec.ts); file
 * operations are short shell scripts with their paths as arguments. Idempotent reads are
 * retried once when the connection dropped.
 */
import { hashTap } from './hash-tap.js';
import { PassThrough, type Duplex, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ClientChannel } from 'ssh2';
import { SlipwayError } from '../engine/errors.js';
import { copyMismatch, hostOpFailed, type HostOp } from './errors.js';
import { envBlock, remoteCommand, remoteCommandArgv } from './ssh-command.js';
import { SshConnection, type SshTarget } from './ssh-connection.js';
import { execOnChannel } from './ssh-exec.js';
import type { ExecOptions, ExecResult, FileInfo, Host, HostEndpoint, SpawnDetachedOptions, UploadResult } from './types.js';

export class SshHost implements Host {
  readonly name: string;
  readonly local = false;
  private readonly conn: SshConnection;

  constructor(t: SshTarget) {
    this.conn = new SshConnection(t);
    this.name = this.conn.name;
  }

  private lost(e: unknown): SlipwayError {
    return this.conn.lost(e);
  }

  private channel(command: string, urgent = false): Promise<ClientChannel> {
    return this.conn.channel(command, urgent);
  }

  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.run(argv, opts);
  }

  /** Run a command; `retry` once on a dropped connection (for idempotent reads). */
  private async run(argv: readonly string[], opts: ExecOptions & { retry?: boolean; stdin?: Readable }): Promise<ExecResult> {
    try {
      return await this.runOnce(argv, opts);
    } catch (e) {
      if (!opts.retry || !(e instanceof SlipwayError) || e.key !== 'ssh.connectionLost') throw e;
      return this.runOnce(argv, opts);
    }
  }

  private async runOnce(argv: readonly string[], opts: ExecOptions, urgent = false): Promise<ExecResult> {
    const ch = await this.channel(remoteCommand(argv, { ...(opts.user ? { user: opts.user } : {}), ...(opts.cwd ? { cwd: opts.cwd } : {}), group: !!opts.onGroup }), urgent);
    // The kill goes ahead of waiting commands: the command it stops holds a session meanwhile.
    return execOnChannel(ch, opts, { lost: (e) => this.lost(e), killGroup: (pgid) => void this.runOnce(['kill', '-TERM', '--', `-${pgid}`], {}, true).catch(() => undefined) });
  }

  /** A shell snippet with arguments (never secrets); retried once when the connection drops. */
  private sh(script: string, args: (string | number)[], opts: ExecOptions & { retry?: boolean } = {}): Promise<ExecResult> {
    return this.run(['sh', '-c', script, 'sh', ...args.map(String)], opts);
  }

  private async must(r: Promise<ExecResult>, op: HostOp, file: string): Promise<ExecResult> {
    const res = await r;
    if (res.code !== 0) throw hostOpFailed(this.name, op, file, res.code, res.stderr);
    return res;
  }

  async spawnDetached(argv: readonly string[], opts: SpawnDetachedOptions): Promise<number> {
    // The background shell is not a group leader, so setsid execs in place and $! is the process's pid.
    const script = [
      'log=$1; shift',
      'mkdir -p "$(dirname "$log")" && touch "$log" && chmod 600 "$log"',
      '[ -n "$SLIPWAY_OWNER" ] && chown "$SLIPWAY_OWNER" "$log"',
      'setsid "$@" >> "$log" 2>&1 < /dev/null &',
      'echo $!',
    ].join('\n');
    const inner = remoteCommandArgv(argv, opts.user, opts.cwd);
    const r = await this.must(this.sh(script, [opts.logFile, ...inner], { env: { ...opts.env, ...(opts.user ? { SLIPWAY_OWNER: opts.user } : {}) } }), 'start', argv[0] ?? '');
    return Number(r.stdout.trim());
  }

  async readFile(p: string): Promise<string | undefined> {
    const r = await this.sh('[ -e "$1" ] || exit 44; cat -- "$1"', [p], { retry: true });
    if (r.code === 44) return undefined;
    if (r.code !== 0) throw hostOpFailed(this.name, 'read', p, r.code, r.stderr);
    return r.stdout;
  }

  /** One command for them all: each file base64 on a line of its own (exact bytes, any content), `-` for one that is absent. */
  async readFiles(paths: readonly string[]): Promise<(string | undefined)[]> {
    if (!paths.length) return [];
    const r = await this.sh('for f; do if [ -f "$f" ] && [ -r "$f" ]; then base64 -w0 -- "$f" || exit 1; echo; else echo -; fi; done', [...paths], { retry: true });
    if (r.code !== 0) throw hostOpFailed(this.name, 'read', paths.join(' '), r.code, r.stderr);
    const lines = r.stdout.split('\n');
    return paths.map((_, i) => (lines[i] === undefined || lines[i] === '-' ? undefined : Buffer.from(lines[i]!, 'base64').toString('utf8')));
  }

  async writeFile(p: string, data: string, mode = 0o600): Promise<void> {
    const script = 'mkdir -p "$(dirname "$1")" && t="$1.$$.tmp" && (umask 077; cat > "$t") && chmod "$2" "$t" && mv -f "$t" "$1"';
    await this.must(this.sh(script, [p, mode.toString(8)], { input: data }), 'write', p);
  }

  async createExclusive(p: string, data: string, mode = 0o600): Promise<boolean> {
    const script = 'mkdir -p "$(dirname "$1")" && t="$1.$$.tmp" && (umask 077; cat > "$t") && chmod "$2" "$t" || exit 2; ln "$t" "$1" 2>/dev/null; r=$?; rm -f "$t"; [ $r = 0 ] && exit 0; [ -e "$1" ] && exit 1; exit 2';
    const r = await this.sh(script, [p, mode.toString(8)], { input: data });
    if (r.code === 0) return true;
    if (r.code === 1) return false;
    throw hostOpFailed(this.name, 'create', p, r.code, r.stderr);
  }

  async appendDurable(p: string, data: string, mode = 0o600): Promise<void> {
    const script = 'mkdir -p "$(dirname "$1")" && [ -e "$1" ] || (umask 077; : > "$1"; chmod "$2" "$1"); cat >> "$1" && sync "$1"';
    await this.must(this.sh(script, [p, mode.toString(8)], { input: data }), 'append', p);
  }

  async mkdir(p: string, opts: { exclusive?: boolean; mode?: number } = {}): Promise<boolean> {
    const mode = (opts.mode ?? 0o755).toString(8);
    if (!opts.exclusive) {
      await this.must(this.sh('mkdir -p "$1" && { [ -z "$2" ] || chmod "$2" "$1"; }', [p, opts.mode ? mode : '']), 'create', p);
      return true;
    }
    const r = await this.sh('mkdir -p "$(dirname "$1")" && mkdir -m "$2" "$1" 2>/dev/null && exit 0; [ -d "$1" ] && exit 1; exit 2', [p, mode]);
    if (r.code === 2) throw hostOpFailed(this.name, 'create', p, r.code, r.stderr);
    return r.code === 0;
  }

  async rm(p: string): Promise<void> {
    await this.must(this.sh('rm -rf -- "$1"', [p], { retry: true }), 'remove', p);
  }

  async exists(p: string): Promise<boolean> {
    return (await this.stat(p)) !== undefined;
  }

  async stat(p: string): Promise<FileInfo | undefined> {
    return (await this.statFiles([p]))[0];
  }

  async statFiles(paths: readonly string[]): Promise<(FileInfo | undefined)[]> {
    if (!paths.length) return [];
    const r = await this.sh('for f; do stat -L -c "%s %Y %F" -- "$f" 2>/dev/null || echo -; done', [...paths], { retry: true });
    if (r.code !== 0) throw hostOpFailed(this.name, 'read', paths.join(' '), r.code, r.stderr);
    const lines = r.stdout.split('\n');
    return paths.map((_, i) => {
      const line = lines[i];
      if (!line || line === '-') return undefined;
      const [size, mtime, ...type] = line.split(' ');
      return { size: Number(size), mtimeMs: Number(mtime) * 1000, isDirectory: type.join(' ') === 'directory' };
    });
  }

  async list(dir: string): Promise<string[]> {
    const r = await this.sh('[ -d "$1" ] || exit 0; ls -1A -- "$1"', [dir], { retry: true });
    return r.code === 0 ? r.stdout.split('\n').filter(Boolean) : [];
  }

  async rename(from: string, to: string): Promise<void> {
    await this.must(this.sh('mkdir -p "$(dirname "$2")" && mv -f -- "$1" "$2"', [from, to]), 'rename', from);
  }

  async isAlive(pid: number): Promise<boolean> {
    if (!Number.isInteger(pid) || pid <= 0) return false;
    return (await this.sh('[ -d "/proc/$1" ]', [pid], { retry: true })).code === 0;
  }

  async stopGroup(pgid: number, graceMs = 5000): Promise<void> {
    // Only a group whose leader still has that pgid (field 5 of /proc/<pid>/stat) is ours.
    const script = [
      'p=$1; n=$2',
      '[ -r "/proc/$p/stat" ] || exit 0',
      'g=$(sed "s/.*) //" "/proc/$p/stat" | cut -d" " -f3)',
      '[ "$g" = "$p" ] || exit 0',
      'kill -TERM -- "-$p" 2>/dev/null',
      'i=0; while [ $i -lt $n ] && [ -d "/proc/$p" ]; do sleep 0.1; i=$((i+1)); done',
      'kill -KILL -- "-$p" 2>/dev/null; exit 0',
    ].join('\n');
    await this.sh(script, [pgid, Math.ceil(graceMs / 100)]);
  }

  async upload(src: Readable, dest: string, opts: { sha256?: string; mode?: number } = {}): Promise<UploadResult> {
    // Hash what is sent on its way through (a transform buffers until the channel is open).
    const h = hashTap();
    src.pipe(h.tap);
    const script = [
      'd=$1; want=$2; t="$1.part.$$"',
      'mkdir -p "$(dirname "$d")" && (umask 077; cat > "$t") || exit 2',
      's=$(sha256sum "$t" | cut -d" " -f1)',
      'if [ -n "$want" ] && [ "$s" != "$want" ]; then rm -f "$t"; echo "$s"; exit 3; fi',
      'chmod "$3" "$t" && mv -f "$t" "$d" && echo "$s"',
    ].join('\n');
    const r = await this.sh(script, [dest, opts.sha256 ?? '', (opts.mode ?? 0o600).toString(8)], { input: h.tap });
    const { sha256: sent, bytes } = h.result();
    const arrived = r.stdout.trim();
    if (r.code !== 0 || arrived !== sent) {
      await this.rm(dest).catch(() => undefined);
      throw new SlipwayError({ key: 'ssh.uploadMismatch', params: { file: dest, host: this.name, sent, arrived: arrived || r.stderr.trim() }, place: `${this.name}:${dest}`, fix: 'ssh.uploadMismatch.fix' });
    }
    return { sha256: arrived, bytes };
  }

  async download(src: string, dest: Writable, opts: { sha256?: string } = {}): Promise<UploadResult> {
    const h = hashTap();
    await pipeline(await this.readStream(src), h.tap, dest);
    const { sha256, bytes } = h.result();
    if (opts.sha256 && opts.sha256 !== sha256) throw copyMismatch(this.name, src, sha256, opts.sha256);
    return { sha256, bytes };
  }

  /**
   * `cat` on the VM, its bytes streamed back over a channel of their own (with SSH's flow
   * control). The stream ends only once `cat` exited 0: its exit status comes after the end of
   * its output, so a failed read (unreadable, absent, a directory) errors the stream instead
   * of ending it short.
   */
  async readStream(p: string): Promise<Readable> {
    const ch = await this.channel(remoteCommand(['cat', '--', p], {}));
    ch.end(envBlock(undefined));
    const out = new PassThrough();
    let err = '';
    let code: number | undefined;
    let ended = false;
    const settle = () => {
      if (!ended || code === undefined || out.destroyed) return;
      if (code === 0) out.end();
      else out.destroy(hostOpFailed(this.name, 'read', p, code, err));
    };
    ch.stderr.on('data', (c: Buffer) => (err += c.toString()));
    ch.on('exit', (c: number | null) => {
      code = c ?? 1;
      settle();
    });
    ch.on('end', () => {
      ended = true;
      settle();
    });
    ch.on('error', (e: Error) => out.destroy(this.lost(e)));
    ch.on('close', () => {
      if (code === undefined) out.destroy(this.lost(new Error('the channel closed without an exit status')));
    });
    out.on('close', () => ch.close()); // a reader that stops early ends the remote cat too
    ch.pipe(out, { end: false });
    return out;
  }

  async readFrom(p: string, offset: number): Promise<{ text: string; size: number }> {
    const r = await this.sh('s=$(stat -L -c %s -- "$1" 2>/dev/null) || { echo 0; exit 0; }; echo "$s"; [ "$s" -gt "$2" ] && tail -c +$(($2 + 1)) -- "$1" | head -c $((s - $2)); exit 0', [p, offset], { retry: true });
    const nl = r.stdout.indexOf('\n');
    const size = Number(nl < 0 ? r.stdout : r.stdout.slice(0, nl)) || 0;
    return { text: nl < 0 ? '' : r.stdout.slice(nl + 1), size };
  }

  async connect(to: HostEndpoint): Promise<Duplex> {
    const c = await this.conn.client();
    return new Promise((resolve, reject) => {
      const done = (err: Error | undefined, ch: ClientChannel) => (err ? reject(err) : resolve(ch));
      if ('socket' in to) c.openssh_forwardOutStreamLocal(to.socket, done);
      else c.forwardOut('127.0.0.1', 0, to.address ?? '127.0.0.1', to.port, done);
    });
  }

  async freePort(): Promise<number> {
    const js = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})";
    const r = await this.must(this.run(['node', '-e', js], { retry: true }), 'port', '');
    return Number(r.stdout.trim());
  }

  async close(): Promise<void> {
    await this.conn.close();
  }
}
