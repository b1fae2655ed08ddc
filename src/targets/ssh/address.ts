/** The VM an ssh environment names, as connection settings (pure: tested without a network). */
import type { SshEnvironment } from '../../config/schema.js';
import type { SshTarget } from '../../host/ssh-connection.js';

export function sshTarget(t: Pick<SshEnvironment, 'host' | 'identityFile' | 'knownHostsFile'> & { hosts?: SshEnvironment['hosts'] }, home: string): SshTarget {
  const expand = (p: string | undefined) => (p ? p.replace(/^~(?=\/|$)/, home) : undefined);
  let address: string;
  let port = 22;
  let user = 'root';
  const host = t.host ?? t.hosts?.[0];
  if (host === undefined) throw new Error('an ssh environment without host'); // the schema requires host or hosts
  if (typeof host === 'string') {
    const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host)!;
    if (m[1]) user = m[1];
    address = m[2]!.replace(/^\[|\]$/g, '');
    if (m[3]) port = Number(m[3]);
  } else {
    ({ address, port, user } = host);
  }
  const identityFile = expand(t.identityFile);
  const knownHostsFile = expand(t.knownHostsFile);
  return { address, port, user, ...(identityFile ? { identityFile } : {}), ...(knownHostsFile ? { knownHostsFile } : {}) };
}

/** Where the environment lives on the VM. */
export function remoteRoot(t: Pick<SshEnvironment, 'dir'>, app: string, env: string): string {
  return t.dir ?? `/srv/slipway/${app}/${env}`;
}
