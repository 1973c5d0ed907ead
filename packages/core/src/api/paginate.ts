/**
 * Reads every page of a list: asks for 100 per page, follows `next` whether it is an opaque cursor or a
 * same-origin URL (the live service sends cursors, its reference pages describe URLs), and stops with a clear
 * error instead of looping when the service misbehaves.
 */
import { ApiError } from '../errors.js';
import type { HttpClient } from './http.js';
import { readPage, unexpectedBody, type AnswerContext } from './wire.js';

const PAGE_SIZE = 100;

/** A long list says how far it is at most this often: 3,000 cases on a slow service take half a minute. */
const PROGRESS_EVERY_MS = 5_000;

/** Without a total_count, only a repeated cursor or this many pages (10 million items) stops a list. */
const MAX_PAGES_WITHOUT_TOTAL = 100_000;

type Query = Record<string, string | number | undefined>;

export async function listAll<T>(
  http: HttpClient,
  path: string,
  key: string,
  read: (value: unknown, where: string, ctx: AnswerContext) => T,
  query: Query = {},
  resource?: string,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  const what = key.replace(/_/g, ' ');
  let lastReport = http.clock();
  let request: { path: string; query: Query } = { path, query: { ...query, page_size: PAGE_SIZE } };
  for (let page = 1; ; page++) {
    const res = await http.send({ method: 'GET', path: request.path, query: request.query, idempotent: true, ...(resource ? { resource } : {}) });
    const ctx: AnswerContext = { method: 'GET', path: res.path, status: res.status, requestId: res.requestId };
    const { items: pageItems, pageInfo } = readPage(res.body, key, read, ctx);
    items.push(...pageItems);

    // A full page without page_info may have a next one we cannot reach: reading on would drop items silently.
    if (!pageInfo) {
      if (pageItems.length >= PAGE_SIZE)
        throw unexpectedBody(ctx, `holds a full page of ${pageItems.length} items but lacks page_info, so the next page cannot be found`);
      return items;
    }
    const next = pageInfo.next;
    if (next === null || next === undefined || next === '') return items;
    const total = pageInfo.total_count;
    const maxPages = total === undefined ? MAX_PAGES_WITHOUT_TOTAL : Math.ceil(total / Math.max(1, pageInfo.page_size ?? PAGE_SIZE)) + 1;
    if (seen.has(next) || page >= maxPages) {
      const why = seen.has(next)
        ? `sent the same next page twice (page ${page})`
        : `kept returning more pages than its total_count of ${total ?? 'unknown'} allows (page ${page})`;
      throw new ApiError(
        'API_PAGINATION_LOOP',
        { method: 'GET', path: res.path, status: res.status, ...(res.requestId ? { requestId: res.requestId } : {}) },
        `The service ${why}; stopped to avoid looping.`,
      );
    }
    seen.add(next);
    if (http.clock() - lastReport >= PROGRESS_EVERY_MS) {
      lastReport = http.clock();
      http.note(`listing ${what}: ${items.length.toLocaleString('en-US')}${total === undefined ? '' : ` of ~${total.toLocaleString('en-US')}`}`);
    }
    // A URL already carries the query; a cursor is sent back together with the original query.
    request = /^https?:\/\//i.test(next) ? { path: next, query: {} } : { path, query: { ...query, page_size: PAGE_SIZE, cursor: next } };
  }
}
