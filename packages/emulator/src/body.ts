// Bounded body reading. Above the limit the rest of the body is drained without being kept, so the
// client finishes sending and reliably reads the 413 instead of seeing a broken pipe; only a body far
// above the limit makes the emulator stop listening and close the connection.
import type { IncomingMessage } from 'node:http';
import { ApiError, payloadTooLarge } from './errors.js';

export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const hardCap = Math.max(limit * 4, 64 * 1024 * 1024);
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > hardCap) {
      reject(payloadTooLarge(limit, true));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      fn();
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
      if (size > hardCap) {
        req.pause();
        settle(() => reject(payloadTooLarge(limit, true)));
      }
    });
    req.on('end', () => settle(() => (size > limit ? reject(payloadTooLarge(limit)) : resolve(Buffer.concat(chunks)))));
    req.on('error', (err) => settle(() => reject(err)));
    req.on('close', () => settle(() => reject(new ApiError(400, 'Request body incomplete', 'The connection closed before the body was complete.'))));
  });
}
