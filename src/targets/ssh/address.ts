/** The VM an ssh environment names, as connection settings (pure: tested without a network). */
import type { SshEnvironment } from '../../config/schema.js';
import type { SshTarget } from '../../host/ssh.js';

export function sshTarget(t: Pick<SshEnvironment, 'host' | 'identityFile' | 'knownHostsFile'>, home: string): SshTarget {
  const expand = (p: string | undefined) => (p ? p.replace(/^~(?=\/|$)/, home) : undefined);
  let address: string;
  let port = 22;
  let user = 'root';
  if (typeof t.host === 'string') {
    const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(t.host)!;
    if (m[1]) user = m[1];
    address = m[2]!.replace(/^\[|\]$/g, '');
    if (m[3]) port = Number(m[3]);
  } else {
    ({ address, port, user } = t.host);
  }
  const identityFile = expand(t.identityFile);
  const knownHostsFile = expand(t.knownHostsFile);
  return { address, port, user, ...(identityFile ? { identityFile } : {}), ...(knownHostsFile ? { knownHostsFile } : {}) };
}

/** Where the environment lives on the VM. */
export function remoteRoot(t: Pick<SshEnvironment, 'dir'>, app: string, env: string): string {
  return t.dir ?? `/srv/slipway/${app}/${env}`;
}
