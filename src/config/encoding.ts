/**
 * Decode a config or template file as UTF-8, refusing anything else with a diagnosis
 * (pitfall 1 of the AWS runbook: a GBK-encoded YAML broke `aws cloudformation deploy`).
 */
export type EncodingVerdict =
  | { ok: true; text: string }
  | { ok: false; encoding: 'utf-16le' | 'utf-16be' | 'gbk' | 'unknown'; byteOffset: number };

export function decodeUtf8(bytes: Uint8Array): EncodingVerdict {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { ok: false, encoding: 'utf-16le', byteOffset: 0 };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { ok: false, encoding: 'utf-16be', byteOffset: 0 };
  try {
    let text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    // UTF-16 without a BOM: ASCII text with every other byte zero.
    if (text.includes('\u0000')) return { ok: false, encoding: looksUtf16(bytes), byteOffset: text.indexOf('\u0000') };
    return { ok: true, text };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    return { ok: false, encoding: looksGbk(bytes) ? 'gbk' : 'unknown', byteOffset: offset };
  }
}

function looksUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' {
  return bytes.length > 1 && bytes[1] === 0 ? 'utf-16le' : 'utf-16be';
}

function looksGbk(bytes: Uint8Array): boolean {
  try {
    const text = new TextDecoder('gbk', { fatal: true }).decode(bytes);
    return /[\u4e00-\u9fff]/.test(text);
  } catch {
    return false;
  }
}

/** Byte offset of the first byte that breaks UTF-8. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >> 5 === 0x6 ? 2 : b >> 4 === 0xe ? 3 : b >> 3 === 0x1e ? 4 : 0;
    if (len === 0) return i;
    for (let k = 1; k < len; k++) if (i + k >= bytes.length || bytes[i + k]! >> 6 !== 0x2) return i;
    i += len;
  }
  return -1;
}

/** 1-based line number of a byte offset. */
export function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}
