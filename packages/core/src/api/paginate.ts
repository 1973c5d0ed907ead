/**
 * Reads every page of a list: asks for 100 per page, follows `next` whether it is an opaque cursor or a
 * same-origin URL (the live service sends cursors, its reference pages describe URLs), and stops with a clear
 * error instead of looping when the service misbehaves.
 */
import { ApiError } from '../errors.js';
import type { HttpClient } from './http.js';
import { readPage, unexpectedBody, type AnswerContext } from './wire.js';
import { withThousands } from '../digits.js';

const PAGE_SIZE = 100;

/** A long list says how far it is at most this often: 3,000 cases on a slow service take half a minute. */
const PROGRESS_EVERY_MS = 5_000;

/** Without a total_count, only a repeated cursor or this many pages (10 million items) stops a list. */
const MAX_PAGES_WITHOUT_TOTAL = 100_000;

type Query = Record<string, string | number | undefined>;

/**
 * Every item of the list. With `complete` (a list that does not change while it is read: the project's test
 * cases), a list that ends with fewer items than its total_count (an empty last page without a `next`, seen on
 * the live service) is read once more from the start, then refused: read as complete, a short list of test cases
 * would turn every result naming a case it misses into "no such test case". A run's cases change under the
 * feet of a reader while other jobs write (their count with them), so that list is taken as it comes.
 */
export async function listAll<T>(
  http: HttpClient,
  path: string,
  key: string,
  read: (value: unknown, where: string, ctx: AnswerContext) => T,
  query: Query = {},
  resource?: string,
  observed?: Observed,
  complete = false,
): Promise<T[]> {
  const first = await listOnce(http, path, key, read, query, resource, observed);
  if (first.complete || !complete) return first.items;
  const again = await listOnce(http, path, key, read, query, resource, observed);
  if (again.complete) return again.items;
  throw new ApiError(
    'API_LIST_INCOMPLETE',
    { method: 'GET', path: again.last.path, status: again.last.status, ...(again.last.requestId ? { requestId: again.last.requestId } : {}) },
    `The service ended the list at ${again.items.length} of the ${again.total} items its total_count announces, twice; stopped rather than treat the rest as missing. Try again later.`,
  );
}

/** Filled by a listing: when its first page was answered (the oldest state the whole list may show). */
export interface Observed {
  firstAnswerAt?: number;
}

interface Listing<T> {
  items: T[];
  /** Fewer items than total_count means the list was cut short. */
  complete: boolean;
  total: number | undefined;
  last: AnswerContext;
}

async function listOnce<T>(
  http: HttpClient,
  path: string,
  key: string,
  read: (value: unknown, where: string, ctx: AnswerContext) => T,
  query: Query,
  resource: string | undefined,
  observed: Observed | undefined,
): Promise<Listing<T>> {
  const items: T[] = [];
  const seen = new Set<string>();
  let lastReport = http.clock();
  let request: { path: string; query: Query } = { path, query: { ...query, page_size: PAGE_SIZE } };
  for (let page = 1; ; page++) {
    const res = await http.send({ method: 'GET', path: request.path, query: request.query, idempotent: true, ...(resource ? { resource } : {}) });
    const ctx: AnswerContext = { method: 'GET', path: res.path, status: res.status, requestId: res.requestId };
    if (observed && page === 1) observed.firstAnswerAt = res.answeredAt;
    const { items: pageItems, pageInfo } = readPage(res.body, key, read, ctx);
    items.push(...pageItems);

    // A full page without page_info may have a next one we cannot reach: reading on would drop items silently.
    if (!pageInfo) {
      if (pageItems.length >= PAGE_SIZE)
        throw unexpectedBody(ctx, `holds a full page of ${pageItems.length} items but lacks page_info, so the next page cannot be found`);
      return { items, complete: true, total: undefined, last: ctx };
    }
    const next = pageInfo.next;
    const total = pageInfo.total_count;
    if (next === null || next === undefined || next === '') return { items, complete: total === undefined || items.length >= total, total, last: ctx };
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
      http.note(`listing ${key.replace(/_/g, ' ')}: ${withThousands(items.length)}${total === undefined ? '' : ` of ~${withThousands(total)}`}`);
    }
    // A URL already carries the query; a cursor is sent back together with the original query.
    request = /^https?:\/\//i.test(next) ? { path: next, query: {} } : { path, query: { ...query, page_size: PAGE_SIZE, cursor: next } };
  }
}
