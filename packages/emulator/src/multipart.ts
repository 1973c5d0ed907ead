// Multipart parsing is left to the platform's Request#formData(), the same parser undici clients use,
// so the emulator and a Node client cannot disagree about the wire format.
import { badRequest } from './errors.js';

export type ParsedBody = { kind: 'json'; value: unknown } | { kind: 'form'; form: FormData };

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

/** JSON for `multipart/form-data` would be a client error on JSON-only endpoints; the parse error says so. */
export async function parseBody(body: Buffer, contentType: string): Promise<ParsedBody> {
  if (isMultipart(contentType)) return { kind: 'form', form: await parseForm(body, contentType) };
  return { kind: 'json', value: parseJson(body) };
}
