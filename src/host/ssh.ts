/**
 * A Linux VM as a Host, over one multiplexed SSH connection (ssh2, in-process).
 *
 * - The host key is verified against known_hosts (hashed entries too) before anything is
 *   sent; an unknown or changed key refuses the connection with both fingerprints.
 * - Commands are argv arrays: the remote command line is a fixed wrapper script plus the
 *   argv, each word single-quoted. Environment values (secrets) never appear on it: they
 *   travel base64-encoded on the channel's stdin ahead of the command's own input, and
 *   the wrapper exports them before exec'ing the command.
 * - Running as another user uses `setpriv` (no fork, so a detached process keeps its pid);
 *   a process group uses `setsid -w`, whose leader reports its pgid first thing on stderr.
 * - Keepalives detect a dead link; a dropped connection is re-opened by the next call,
 *   and idempotent reads are retried once.
 */
import { hashTap } from './hash-tap.js';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import path from 'node:path';
import { type Duplex, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { SlipwayError } from '../engine/errors.js';
import { copyMismatch, hostOpFailed, type HostOp } from './errors.js';
import { parseKnownHosts, verifyHostKey, type HostKeyVerdict } from './known-hosts.js';
import type { ExecOptions, ExecResult, FileInfo, Host, HostEndpoint, SpawnDetachedOptions, UploadResult } from './types.js';

export interface SshTarget {
  address: string;
  port: number;
  user: string;
  identityFile?: string;
  knownHostsFile?: string;
  /** Milliseconds to wait for the connection (default 20 s). */
  readyTimeoutMs?: number;
}

/** Quote one word for a POSIX shell. */
export function shq(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The wrapper every command runs under: $1 user ('' = as logged in), $2 cwd, $3 '1' for a
 * process group of its own; the command follows. Stdin starts with `NAME=base64` lines and `--`.
 */
const WRAPPER = [
  'while IFS= read -r l; do [ "$l" = "--" ] && break; export "${l%%=*}=$(printf %s "${l#*=}" | base64 -d)"; done',
  'u=$1; d=$2; g=$3; shift 3',
  'if [ -n "$d" ]; then cd "$d" || exit 126; fi',
  'if [ -n "$u" ] && [ "$u" != "$(id -un)" ]; then',
  '  export HOME="$(getent passwd "$u" | cut -d: -f6)" USER="$u" LOGNAME="$u"',
  '  set -- setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- "$@"',
  'fi',
  'if [ "$g" = 1 ]; then exec setsid -w sh -c \'echo "@@slipway-pgid $$" >&2; exec "$@"\' sh "$@"; fi',
  'exec "$@"',
].join('\n');

export function envBlock(env: Record<string, string> | undefined): string {
  const lines = Object.entries(env ?? {}).map(([k, v]) => `${k}=${Buffer.from(v, 'utf8').toString('base64')}`);
  return [...lines, '--', ''].join('\n');
}

export function remoteCommand(argv: readonly string[], opts: { user?: string; cwd?: string; group?: boolean }): string {
  return ['sh', '-c', WRAPPER, 'slipway', opts.user ?? '', opts.cwd ?? '', opts.group ? '1' : '0', ...argv].map(shq).join(' ');
}

const PGID = /^@@slipway-pgid (\d+)$/;

export class SshHost implements Host {
  readonly name: string;
  readonly local = false;
  private conn: Promise<Client> | undefined;
  private closed = false;
  /** A reconnect that failed: later calls of this command fail at once instead of each waiting for a timeout. */
  private down: SlipwayError | undefined;
  private everConnected = false;

  constructor(private readonly t: SshTarget) {
    this.name = `${t.user}@${t.address}:${t.port}`;
  }

  /** The one connection, opened on first use and re-opened after a drop. */
  private client(): Promise<Client> {
    if (this.closed) return Promise.reject(new Error(`connection to ${this.name} was closed`));
    if (this.down) return Promise.reject(this.down);
    this.conn ??= this.open().then(
      (c) => {
        this.everConnected = true;
        return c;
      },
      (e: unknown) => {
        this.conn = undefined;
        if (this.everConnected) this.down = this.lost(e);
        throw e;
      },
    );
    return this.conn;
  }

  private async open(): Promise<Client> {
    const knownHosts = this.t.knownHostsFile ?? path.join(os.homedir(), '.ssh', 'known_hosts');
    const entries = parseKnownHosts((await readFile(knownHosts, 'utf8').catch(() => '')) || '');
    let verdict: HostKeyVerdict | undefined;
    const cfg: ConnectConfig = {
      host: this.t.address,
      port: this.t.port,
      username: this.t.user,
      readyTimeout: this.everConnected ? 8_000 : (this.t.readyTimeoutMs ?? 20_000),
      keepaliveInterval: 5_000,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer) => {
        verdict = verifyHostKey(entries, this.t.address, this.t.port, key);
        return verdict.kind === 'ok';
      },
    };
    if (this.t.identityFile) {
      const file = this.t.identityFile.replace(/^~(?=\/)/, os.homedir());
      const key = await readFile(file).catch((e: NodeJS.ErrnoException) => {
        throw new SlipwayError({ key: 'ssh.identityUnreadable', params: { file, reason: e.code ?? e.message }, place: 'identityFile', fix: 'ssh.identityUnreadable.fix', exitCode: 2 });
      });
      cfg.privateKey = key;
    } else if (process.env.SSH_AUTH_SOCK) cfg.agent = process.env.SSH_AUTH_SOCK;
    const c = new Client();
    return new Promise<Client>((resolve, reject) => {
      const fail = (e: Error) => reject(this.connectError(e, verdict, knownHosts));
      c.once('ready', () => {
        c.off('error', fail);
        c.setNoDelay(true); // small request/answer packets: Nagle + delayed ACK would add ~40 ms to each
        c.on('error', () => undefined); // later errors surface on the calls that fail
        c.once('close', () => {
          this.conn = undefined; // the next call reconnects
        });
        resolve(c);
      });
      c.once('error', fail);
      c.connect(cfg);
    });
  }

  private connectError(e: Error, verdict: HostKeyVerdict | undefined, knownHosts: string): SlipwayError {
    const place = `${this.name} (${knownHosts})`;
    const trust = { host: this.t.address, port: this.t.port };
    if (verdict?.kind === 'unknown') return new SlipwayError({ key: 'ssh.hostUnknown', params: { host: this.name, fingerprint: verdict.fingerprint, type: verdict.keyType }, place, fix: 'ssh.hostUnknown.fix', fixParams: trust });
    if (verdict?.kind === 'changed')
      return new SlipwayError({ key: 'ssh.hostChanged', params: { host: this.name, fingerprint: verdict.fingerprint, expected: verdict.expected.join(', '), lines: verdict.lines.join(', '), file: knownHosts }, place, fix: 'ssh.hostChanged.fix', fixParams: { ...trust, file: knownHosts } });
    if (verdict?.kind === 'revoked') return new SlipwayError({ key: 'ssh.hostRevoked', params: { host: this.name, fingerprint: verdict.fingerprint }, place, fix: 'ssh.hostChanged.fix', fixParams: { ...trust, file: knownHosts } });
    const auth = /authentication methods failed|All configured authentication/i.test(e.message);
    return new SlipwayError({
      key: auth ? 'ssh.authFailed' : 'ssh.connectFailed',
      params: { host: this.name, reason: e.message },
      place: this.name,
      fix: auth ? 'ssh.authFailed.fix' : 'ssh.connectFailed.fix',
      fixParams: { user: this.t.user, host: this.t.address, port: this.t.port },
    });
  }

  private lost(e: unknown): SlipwayError {
    if (e instanceof SlipwayError && e.key === 'ssh.connectionLost') return e;
    if (e instanceof SlipwayError) return new SlipwayError({ key: 'ssh.connectionLost', params: { host: this.name, reason: e.text() }, place: this.name, fix: 'ssh.connectionLost.fix' });
    return new SlipwayError({ key: 'ssh.connectionLost', params: { host: this.name, reason: e instanceof Error ? e.message : String(e) }, place: this.name, fix: 'ssh.connectionLost.fix' });
  }

  private async channel(command: string): Promise<ClientChannel> {
    const c = await this.client();
    return new Promise((resolve, reject) => {
      c.exec(command, (err, ch) => (err ? reject(this.lost(err)) : resolve(ch)));
    });
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

  private async runOnce(argv: readonly string[], opts: ExecOptions): Promise<ExecResult> {
    const ch = await this.channel(remoteCommand(argv, { ...(opts.user ? { user: opts.user } : {}), ...(opts.cwd ? { cwd: opts.cwd } : {}), group: !!opts.onGroup }));
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
            if (stream === 'stdout') stdout += line + '\n';
            else stderr += line + '\n';
            opts.onLine?.(line, stream);
          }
        };
      };
      const outLines = split('stdout');
      const errLines = split('stderr');
      ch.on('data', outLines);
      ch.stderr.on('data', errLines);
      const stop = () => {
        if (pgid !== undefined) void this.exec(['kill', '-TERM', '--', `-${pgid}`]).catch(() => undefined);
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
        reject(this.lost(new Error('the channel closed without an exit status')));
      });
      ch.on('error', (e: Error) => {
        if (settled) return;
        settled = true;
        reject(this.lost(e));
      });
      ch.write(envBlock(opts.env));
      if (typeof opts.input === 'string') ch.end(opts.input);
      else if (opts.input) opts.input.pipe(ch);
      else ch.end();
    });
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
    const r = await this.sh('stat -L -c "%s %Y %F" -- "$1" 2>/dev/null || exit 44', [p], { retry: true });
    if (r.code !== 0) return undefined;
    const [size, mtime, ...type] = r.stdout.trim().split(' ');
    return { size: Number(size), mtimeMs: Number(mtime) * 1000, isDirectory: type.join(' ') === 'directory' };
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
    // The file's bytes on a channel of their own (exec's output is text), hashed on their way into `dest`.
    const ch = await this.channel(remoteCommand(['cat', '--', src], {}));
    const h = hashTap();
    let stderr = '';
    let code: number | undefined;
    ch.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    ch.on('exit', (c: number | null) => (code = c ?? 1));
    ch.end(envBlock(undefined));
    await pipeline(ch, h.tap, dest).catch((e: unknown) => {
      throw this.lost(e);
    });
    const { sha256, bytes } = h.result();
    if (code === undefined) await new Promise((r) => ch.once('close', r));
    if (code !== 0) throw hostOpFailed(this.name, 'read', src, code, stderr);
    if (opts.sha256 && opts.sha256 !== sha256) throw copyMismatch(this.name, src, sha256, opts.sha256);
    return { sha256, bytes };
  }

  /** `cat` on the VM, its stdout streamed back over the channel (with SSH's flow control). */
  async readStream(p: string): Promise<Readable> {
    const ch = await this.channel(remoteCommand(['cat', '--', p], {}));
    ch.end(envBlock(undefined));
    let err = '';
    ch.stderr.on('data', (c: Buffer) => (err += c.toString()));
    ch.on('exit', (code: number | null) => {
      if (code) ch.emit('error', hostOpFailed(this.name, 'read', p, code, err));
    });
    return ch;
  }

  async readFrom(p: string, offset: number): Promise<{ text: string; size: number }> {
    const r = await this.sh('s=$(stat -L -c %s -- "$1" 2>/dev/null) || { echo 0; exit 0; }; echo "$s"; [ "$s" -gt "$2" ] && tail -c +$(($2 + 1)) -- "$1" | head -c $((s - $2)); exit 0', [p, offset], { retry: true });
    const nl = r.stdout.indexOf('\n');
    const size = Number(nl < 0 ? r.stdout : r.stdout.slice(0, nl)) || 0;
    return { text: nl < 0 ? '' : r.stdout.slice(nl + 1), size };
  }

  async connect(to: HostEndpoint): Promise<Duplex> {
    const c = await this.client();
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
    this.closed = true;
    const c = await this.conn?.catch(() => undefined);
    c?.end();
  }
}

/** argv prefixed with the wrapper's run-as and cwd handling, for `spawnDetached`'s inner command. */
function remoteCommandArgv(argv: readonly string[], user: string | undefined, cwd: string | undefined): string[] {
  return ['sh', '-c', WRAPPER_NO_STDIN, 'slipway', user ?? '', cwd ?? '', ...argv];
}

/** The run-as and cwd part of the wrapper, for a detached process (its env is already exported). */
const WRAPPER_NO_STDIN = [
  'u=$1; d=$2; shift 2',
  'if [ -n "$d" ]; then cd "$d" || exit 126; fi',
  'if [ -n "$u" ] && [ "$u" != "$(id -un)" ]; then',
  '  export HOME="$(getent passwd "$u" | cut -d: -f6)" USER="$u" LOGNAME="$u"',
  '  exec setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- "$@"',
  'fi',
  'exec "$@"',
].join('\n');

/**
 * The host key a server presents, without logging in (for `slipway hosts trust`): the
 * handshake stops at the key check.
 */
export function scanHostKey(t: Pick<SshTarget, 'address' | 'port'>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    let key: Buffer | undefined;
    c.on('error', (e: Error) => (key ? resolve(key) : reject(e)));
    c.on('close', () => (key ? resolve(key) : reject(new Error(`no host key from ${t.address}:${t.port}`))));
    c.connect({
      host: t.address,
      port: t.port,
      username: 'slipway-hostkey-scan',
      readyTimeout: 15_000,
      hostVerifier: (k: Buffer) => {
        key = k;
        return false;
      },
    });
  });
}
