/**
 * The one multiplexed SSH connection (ssh2, in-process) to a Linux VM.
 *
 * - The host key is verified against known_hosts (hashed entries too) before anything is
 *   sent; an unknown or changed key refuses the connection with both fingerprints.
 * - Keepalives detect a dead link; a dropped connection is re-opened by the next call.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { SlipwayError } from '../engine/errors.js';
import { parseKnownHosts, verifyHostKey, type HostKeyVerdict } from './known-hosts.js';

export interface SshTarget {
  address: string;
  port: number;
  user: string;
  identityFile?: string;
  knownHostsFile?: string;
  /** Milliseconds to wait for the connection (default 20 s). */
  readyTimeoutMs?: number;
}

export class SshConnection {
  readonly name: string;
  private conn: Promise<Client> | undefined;
  private closed = false;
  /** A reconnect that failed: later calls of this command fail at once instead of each waiting for a timeout. */
  private down: SlipwayError | undefined;
  private everConnected = false;
  /** Sessions sshd accepts on this connection (learned lower if it refuses one). */
  private limit = 10;
  /** The sessions open now (each its release), and the callers waiting for one to end. */
  private readonly held = new Set<() => void>();
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly t: SshTarget) {
    this.name = `${t.user}@${t.address}:${t.port}`;
  }

  /** The one connection, opened on first use and re-opened after a drop. */
  client(): Promise<Client> {
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
          this.releaseAll();
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

  lost(e: unknown): SlipwayError {
    if (e instanceof SlipwayError && e.key === 'ssh.connectionLost') return e;
    if (e instanceof SlipwayError) return new SlipwayError({ key: 'ssh.connectionLost', params: { host: this.name, reason: e.text() }, place: this.name, fix: 'ssh.connectionLost.fix' });
    return new SlipwayError({ key: 'ssh.connectionLost', params: { host: this.name, reason: e instanceof Error ? e.message : String(e) }, place: this.name, fix: 'ssh.connectionLost.fix' });
  }

  /**
   * A command's channel. sshd allows `MaxSessions` (default 10) sessions on one connection and
   * refuses the next, so at most `limit - 2` are open at once and the rest wait their turn; the
   * two kept back are for `urgent` ones (stopping a process group whose command holds a session).
   * A server that allows fewer refuses one: the limit drops to what was open, and it waits.
   */
  async channel(command: string, urgent = false): Promise<ClientChannel> {
    for (;;) {
      const release = await this.slot(urgent);
      let c: Client;
      try {
        c = await this.client(); // its own errors (host key, login) say what they are
      } catch (e) {
        release();
        throw e;
      }
      try {
        const ch = await new Promise<ClientChannel>((resolve, reject) => c.exec(command, (err, ch) => (err ? reject(err) : resolve(ch))));
        ch.once('close', release);
        return ch;
      } catch (e) {
        release();
        if (e instanceof Error && /channel open failure/i.test(e.message) && this.held.size > 0) {
          this.limit = Math.min(this.limit, this.held.size);
          continue;
        }
        throw this.lost(e);
      }
    }
  }

  private async slot(urgent: boolean): Promise<() => void> {
    const cap = () => (urgent ? this.limit : Math.max(1, this.limit - 2));
    while (this.held.size >= cap()) await new Promise<void>((r) => this.waiting.push(r));
    const release = () => {
      if (!this.held.delete(release)) return;
      this.waiting.shift()?.();
    };
    this.held.add(release);
    return release;
  }

  /** The connection closed: its channels are gone with it. */
  private releaseAll(): void {
    for (const r of [...this.held]) r();
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = await this.conn?.catch(() => undefined);
    c?.end();
  }
}

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
