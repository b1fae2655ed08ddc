/** `slipway hosts trust` and `slipway logs` over every host of a fleet. */
import { registerCatalog, type Catalog } from '../i18n.js';

export const hosts: Catalog = {
  'cli.opt.fingerprints': {
    en: 'the fingerprint you checked: SHA256:… when one host is not trusted yet, or host=SHA256:… for a named host (repeatable)',
    'zh-CN': '你核对过的指纹：只有一台主机尚未信任时用 SHA256:…，或用 host=SHA256:… 指定主机（可重复）',
  },
  'hosts.confirmPair': {
    en: '{host} presents {fingerprint}. Compare it with the VM (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` in its console), then run: slipway hosts trust {env} --fingerprint {address}={fingerprint}',
    'zh-CN': '{host} 出示的指纹为 {fingerprint}。请与 VM 上的指纹核对（在控制台运行 `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`），然后运行：slipway hosts trust {env} --fingerprint {address}={fingerprint}',
  },
  'hosts.confirmAll': {
    en: 'Once every fingerprint above is checked, `slipway hosts trust {env} --yes` trusts them all at once.',
    'zh-CN': '核对完上面的每个指纹后，运行 `slipway hosts trust {env} --yes` 可一次信任全部主机。',
  },
  'hosts.fingerprintAmbiguous': {
    en: 'A bare fingerprint names no host, and {env} has more than one host not trusted yet ({hosts}).',
    'zh-CN': '单独的指纹无法对应到主机，而 {env} 有不止一台尚未信任的主机（{hosts}）。',
  },
  'hosts.fingerprintAmbiguous.fix': {
    en: 'Name each host: slipway hosts trust {env} --fingerprint <host>=SHA256:… --fingerprint <host>=SHA256:… (or --yes after checking every fingerprint shown).',
    'zh-CN': '为每台主机指明指纹：slipway hosts trust {env} --fingerprint <host>=SHA256:… --fingerprint <host>=SHA256:…（或在核对全部指纹后用 --yes）。',
  },
  'hosts.notInEnv': { en: '{host} is not a host of {env} (its hosts: {hosts}).', 'zh-CN': '{host} 不是 {env} 的主机（它的主机：{hosts}）。' },
  'hosts.notInEnv.fix': {
    en: 'Name the host as the config does (address, address:port or user@address), see environments.{env}.',
    'zh-CN': '请按配置中的写法指明主机（address、address:port 或 user@address），见 environments.{env}。',
  },
};

registerCatalog(hosts);
