/**
 * `${NAME}` references in `env` are checked when the config is resolved: each must name a
 * variable the release gets (what the target provides, another `env` key, a declared secret),
 * else exit 2 with a did-you-mean. On aws a secret can only be referenced as a whole value
 * (it becomes the container's `secrets` entry; ECS cannot splice a secret into a string).
 */
import { ConfigError } from '../engine/errors.js';
import { envRefNames } from '../engine/env-refs.js';
import { nearest } from '../engine/text.js';
import '../engine/messages/config.js';

export function checkEnvRefs(opts: { file: string; env: Record<string, string>; provided: readonly string[]; secretNames: readonly string[]; aws: boolean }): void {
  const known = [...new Set([...opts.provided, ...Object.keys(opts.env), ...opts.secretNames])];
  // On aws the login comes from the master secret too (db rotate-password alternates it).
  const secret = new Set([...opts.secretNames, 'DB_PASSWORD', 'DATABASE_URL', 'PGPASSWORD', 'DB_USER', 'PGUSER']);
  for (const [key, value] of Object.entries(opts.env)) {
    for (const name of envRefNames(value)) {
      if (name === key) throw new ConfigError({ key: 'config.envRefSelf', params: { key }, place: `${opts.file} env.${key}`, fix: 'config.envRefSelf.fix', fixParams: { key } });
      if (!known.includes(name)) {
        const suggestion = nearest(name, known);
        throw new ConfigError({
          key: 'config.unknownEnvRef',
          params: { key, name },
          place: `${opts.file} env.${key}`,
          fix: suggestion ? 'config.unknownEnvRef.fix' : 'config.unknownEnvRef.fixPlain',
          fixParams: { suggestion: suggestion ?? '', known: known.join(', ') },
        });
      }
      if (opts.aws && secret.has(name) && value !== `\${${name}}`) {
        throw new ConfigError({ key: 'config.envRefSecretPart', params: { key, name }, place: `${opts.file} env.${key}`, fix: 'config.envRefSecretPart.fix', fixParams: { key, name } });
      }
    }
  }
}
