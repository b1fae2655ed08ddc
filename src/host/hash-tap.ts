/** A pass-through stream that hashes (sha256) and counts what flows through it: uploads and downloads check it. */
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

export interface HashTap {
  tap: Transform;
  /** The sha256 (hex) and byte count of what passed, once it has all passed. */
  result(): { sha256: string; bytes: number };
}

export function hashTap(): HashTap {
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(c: Buffer, _e, cb) {
      hash.update(c);
      bytes += c.length;
      cb(null, c);
    },
  });
  return { tap, result: () => ({ sha256: hash.digest('hex'), bytes }) };
}
