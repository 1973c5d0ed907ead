import { createHash, randomBytes, randomUUID } from 'node:crypto';

/**
 * A stable UUID derived from a key (sha1, shaped like a version-5 UUID), so seeded records keep
 * the same ids on every start and tests can rely on them. Keys: `user:<email>`, `label:<name>`,
 * `lookup:<kind>:<name>`, `project:<PREFIX>`, `folder:<PREFIX>:<name>`, `test_case:<PREFIX>-<n>`,
 * `test_plan:<PREFIX>-P-<n>`, `test_run:<PREFIX>-R-<n>`.
 */
export function seedId(key: string): string {
  const hash = createHash('sha1').update(`testsigma-tm-emulator:${key}`).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function newId(): string {
  return randomUUID();
}

/** Deliberately not JWT-shaped, so an emulator token can never be mistaken for a real key. */
export function newToken(): string {
  return `tms_emu_${randomBytes(16).toString('hex')}`;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}
