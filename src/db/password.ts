/**
 * The one password rule slipway generates by: characters RDS accepts (pitfall 4: no `@`,
 * `"`, `/` or spaces) that need no quoting in a URL, a shell or SQL, 32 characters.
 * Used for the RDS master secret and for rotated database passwords on every target.
 */
import { randomInt } from 'node:crypto';

export function generatePassword(len = 32): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.~';
  let s = '';
  for (let i = 0; i < len; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}
