// Multipart parsing is left to the platform's Request#formData(), the same parser undici clients use,
// so the emulator and a Node client cannot disagree about the wire format.
import { badRequest } from './errors.js';

export function isMultipart(contentType: string): boolean {
  return contentType.toLowerCase().startsWith('multipart/form-data');
}

export async function parseForm(body: Buffer, contentType: string): Promise<FormData> {
  try {
    return await new Request('http://emulator.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(body),
    }).formData();
  } catch (err) {
    throw badRequest('Malformed multipart body', err instanceof Error ? err.message : String(err));
  }
}

export function parseJson(body: Buffer, what = 'Request body'): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw badRequest('Invalid JSON', `${what} is not valid JSON.`);
  }
}
