/**
 * Reads every page of a list (CONTRACT §2): asks for 100 per page, follows `next` whether it is an opaque
 * cursor or a same-origin URL, and stops with a clear error instead of looping when the service misbehaves.
 */
import { ApiError } from '../errors.js';
import type { HttpClient } from './http.js';

export const PAGE_SIZE = 100;

interface PageInfo {
  page_size?: number;
  total_count?: number;
  next?: string | null;
}

export async function listAll<T>(http: HttpClient, path: string, key: string, query: Record<string, string | number | undefined> = {}, resource?: string): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let request: { path: string; query: Record<string, string | number | undefined> } = { path, query: { ...query, page_size: PAGE_SIZE } };
  for (let page = 1; ; page++) {
    const res = await http.send({ method: 'GET', path: request.path, query: request.query, idempotent: true, resource });
    const body = res.body as { data?: unknown; page_info?: PageInfo } | undefined;
    items.push(...listOf<T>(body?.data, key));

    const info = body?.page_info;
    const next = info?.next;
    if (next === null || next === undefined || next === '') return items;
    const maxPages = Math.ceil((info?.total_count ?? 0) / Math.max(1, info?.page_size ?? PAGE_SIZE)) + 1;
    if (seen.has(next) || page >= maxPages) {
      throw new ApiError(
        'API_PAGINATION_LOOP',
        { method: 'GET', path, status: res.status, requestId: res.requestId },
        `The service kept returning more pages than its total_count of ${info?.total_count ?? 'unknown'} allows (page ${page}); stopped to avoid looping.`,
      );
    }
    seen.add(next);
    // A URL already carries the query; a cursor is sent back together with the original query (CONTRACT §2).
    request = /^https?:\/\//i.test(next) ? { path: next, query: {} } : { path, query: { ...query, page_size: PAGE_SIZE, cursor: next } };
  }
}

/** `data.<plural>`, or a bare `data` array as `/users` answers (CONTRACT §8). */
export function listOf<T>(data: unknown, key: string): T[] {
  if (Array.isArray(data)) return data as T[];
  if (data && typeof data === 'object') {
    const value = (data as Record<string, unknown>)[key];
    if (Array.isArray(value)) return value as T[];
  }
  return [];
}
