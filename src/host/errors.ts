/** The errors a host raises when an operation on its machine fails: the operation, the machine, why, and what to do. */
import { SlipwayError } from '../engine/errors.js';

/** What failed on the machine; each has its message `host.failed.<op>` (en, zh-CN). */
export type HostOp = 'start' | 'read' | 'write' | 'append' | 'create' | 'remove' | 'rename' | 'port';

/** A file operation or command on `host` exited non-zero; `reason` is its stderr (never a secret: none travels on argv). */
export function hostOpFailed(host: string, op: HostOp, file: string, code: number | undefined, reason: string): SlipwayError {
  return new SlipwayError({
    key: `host.failed.${op}`,
    params: { file, host, code: code ?? '?', reason: reason.trim() || '-' },
    place: host,
    fix: 'host.opFailed.fix',
    fixParams: { host },
  });
}

/** A copy from `host` arrived with a different sha256 than the one recorded; the copy is not used. */
export function copyMismatch(host: string, file: string, got: string, expected: string): SlipwayError {
  return new SlipwayError({
    key: 'host.copyMismatch',
    params: { file, host, got, expected },
    place: `${host}:${file}`,
    fix: 'host.copyMismatch.fix',
  });
}
