/**
 * Result files' bytes → text, in pieces: the encoding is decided from the first bytes (a byte-order mark, or
 * an XML declaration naming one), and the bytes read are counted against the size limit as they are read.
 */
import type { FileHandle } from 'node:fs/promises';
import { TextDecoder } from 'node:util';

/** Bytes read at once: large enough for few system calls, small enough to be nothing beside the results. */
const READ_CHUNK_BYTES = 1024 * 1024;
/**
 * Bytes decoded into one piece of text. Small on purpose: V8 keeps strings above ~128 KiB in a space that
 * only a full garbage collection frees, and 1 MiB pieces measured 230 MB peak RSS on a 30 MB file where
 * 64 KiB pieces measured under 100 MB.
 */
const DECODE_PIECE_BYTES = 64 * 1024;

/** The file's text in pieces, decoded as `decoderFor` says; refused as soon as more than the limit was read. */
export async function* decodedPieces(handle: FileHandle, maxFileBytes: number, tooLarge: () => Error): AsyncGenerator<string, void, undefined> {
  const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  let decoder: TextDecoder | undefined;
  let total = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    total += bytesRead;
    if (total > maxFileBytes) throw tooLarge();
    decoder ??= decoderFor(buffer.subarray(0, bytesRead));
    for (let at = 0; at < bytesRead; at += DECODE_PIECE_BYTES) {
      const text = decoder.decode(buffer.subarray(at, Math.min(bytesRead, at + DECODE_PIECE_BYTES)), { stream: true });
      if (text !== '') yield text;
    }
  }
  const last = decoder?.decode() ?? '';
  if (last !== '') yield last;
}

/**
 * The decoder for a file, from its first bytes: UTF-8 unless a byte-order mark says UTF-16, or the XML
 * declaration names another encoding (some .NET and Java tools write ISO-8859-1 or UTF-16). Byte-order marks
 * are dropped by the decoder.
 */
function decoderFor(first: Uint8Array): TextDecoder {
  if (first[0] === 0xff && first[1] === 0xfe) return new TextDecoder('utf-16le');
  if (first[0] === 0xfe && first[1] === 0xff) return new TextDecoder('utf-16be');
  const utf16 = utf16WithoutBom(first);
  if (utf16 !== undefined) return new TextDecoder(utf16);
  const head = Buffer.from(first.subarray(0, 200)).toString('latin1');
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
  if (declared !== undefined && declared !== 'utf-8' && declared !== 'utf8') {
    try {
      return new TextDecoder(declared);
    } catch {
      // An encoding TextDecoder does not know: read as UTF-8, the most likely truth.
    }
  }
  return new TextDecoder('utf-8');
}

/**
 * UTF-16 written without a byte-order mark (some .NET and PowerShell tools): every result format starts
 * with ASCII (`<`, `{`, `[`, white space), so in UTF-16 every other byte of the start is zero — the even
 * ones in big-endian, the odd ones in little-endian — which UTF-8 text never has.
 */
function utf16WithoutBom(first: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const pairs = Math.min(64, Math.floor(first.length / 2));
  if (pairs < 2) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < pairs; i += 1) {
    if (first[2 * i] === 0) evenZero += 1;
    if (first[2 * i + 1] === 0) oddZero += 1;
  }
  // Most of the sample is the file's ASCII start; a few characters beyond Latin-1 may zero the other byte.
  if (oddZero >= pairs * 0.75 && evenZero <= pairs * 0.1) return 'utf-16le';
  if (evenZero >= pairs * 0.75 && oddZero <= pairs * 0.1) return 'utf-16be';
  return undefined;
}

/** Bytes → text, as files are decoded. */
export function decodeResultBytes(bytes: Uint8Array): string {
  return decoderFor(bytes).decode(bytes);
}
