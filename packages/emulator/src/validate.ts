// Field checks for JSON bodies: wrong types are 400 (validation, as seen on the live service);
// well-formed references to things that do not exist are 422, decided in the handlers.
import { badRequest } from './errors.js';
import { parseJson } from './multipart.js';

export type Obj = Record<string, unknown>;

export function jsonObject(body: Buffer): Obj {
  const value = parseJson(body);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('Invalid request body', 'The request body must be a JSON object.');
  }
  return value as Obj;
}

export function has(o: Obj, key: string): boolean {
  return Object.hasOwn(o, key) && o[key] !== undefined;
}

export function requiredString(o: Obj, key: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.trim() === '') throw badRequest(`${key} is required`, `${key} must be a non-empty string.`);
  return v;
}

/** undefined when absent; null only if `nullable`. */
export function optionalString(o: Obj, key: string, nullable = false): string | null | undefined {
  const v = o[key];
  if (v === undefined || (v === null && nullable)) return v;
  if (typeof v !== 'string') throw badRequest(`Invalid ${key}`, `${key} must be a string${nullable ? ' or null' : ''}.`);
  return v;
}

export function optionalNumber(o: Obj, key: string): number | null | undefined {
  const v = o[key];
  if (v === undefined || v === null) return v;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`Invalid ${key}`, `${key} must be a number (epoch milliseconds) or null.`);
  return v;
}

export function optionalStringArray(o: Obj, key: string): string[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw badRequest(`Invalid ${key}`, `${key} must be an array of strings.`);
  return v as string[];
}
