// Keyset pagination like the live service: cursors are base64 of
// `[{"field":"<table>.tsid","value":"<seq>","direction":"ASC"|"DESC"}]` and are answered together with the
// original query, so filters apply again on every page. In `url` mode the same cursor is wrapped in a
// same-origin URL that repeats the original query.
import type { Reply, RequestContext } from './context.js';
import { badRequest } from './errors.js';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

interface PageInfo {
  page_size: number;
  total_count: number;
  next: string | null;
  prev: string | null;
}

interface Cursor {
  seq: number;
  direction: 'ASC' | 'DESC';
}

function encodeCursor(table: string, cursor: Cursor): string {
  const json = JSON.stringify([{ field: `${table}.tsid`, value: String(cursor.seq), direction: cursor.direction }]);
  return Buffer.from(json, 'utf8').toString('base64');
}

function decodeCursor(table: string, raw: string): Cursor {
  const invalid = badRequest(
    'Invalid cursor',
    `The cursor ${JSON.stringify(raw)} was not issued for this list; send page_info.next back unchanged (URL-encoded).`,
  );
  // Buffer's base64 decoder skips characters it does not know; a strict check catches a `+` that
  // arrived as a space because the client did not URL-encode the cursor.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(raw)) throw invalid;
  const bytes = Buffer.from(raw, 'base64');
  if (bytes.toString('base64') !== raw) throw invalid;
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalid;
  }
  const first: unknown = Array.isArray(parsed) && parsed.length === 1 ? parsed[0] : undefined;
  if (typeof first !== 'object' || first === null) throw invalid;
  const { field, value, direction } = first as Record<string, unknown>;
  if (field !== `${table}.tsid` || typeof value !== 'string' || !/^\d+$/.test(value)) throw invalid;
  if (direction !== 'ASC' && direction !== 'DESC') throw invalid;
  return { seq: Number(value), direction };
}

function pageSizeOf(query: URLSearchParams): number {
  const raw = query.get('page_size');
  if (raw === null || raw === '') return DEFAULT_PAGE_SIZE;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw badRequest('Invalid page_size', `page_size must be a positive integer; received ${JSON.stringify(raw)}`);
  }
  return Math.min(Number(raw), MAX_PAGE_SIZE);
}

function pointer(ctx: RequestContext, table: string, cursor: Cursor): string {
  const value = encodeCursor(table, cursor);
  if (ctx.pagination === 'cursor') return value;
  const url = new URL(ctx.path, ctx.origin);
  for (const [k, v] of ctx.query) if (k !== 'cursor') url.searchParams.append(k, v);
  url.searchParams.set('cursor', value);
  return url.toString();
}

/** One page of `items` (already filtered) in seq order, and its page_info. */
function paginate<T extends { seq: number }>(ctx: RequestContext, table: string, items: T[]): { page: T[]; page_info: PageInfo } {
  const sorted = [...items].sort((a, b) => a.seq - b.seq);
  const size = pageSizeOf(ctx.query);
  const rawCursor = ctx.query.get('cursor');
  const cursor = rawCursor === null || rawCursor === '' ? null : decodeCursor(table, rawCursor);

  let start = 0;
  let end: number;
  if (cursor === null) {
    end = Math.min(sorted.length, size);
  } else if (cursor.direction === 'ASC') {
    const idx = sorted.findIndex((i) => i.seq > cursor.seq);
    start = idx === -1 ? sorted.length : idx;
    end = Math.min(sorted.length, start + size);
  } else {
    const idx = sorted.findIndex((i) => i.seq >= cursor.seq);
    end = idx === -1 ? sorted.length : idx;
    start = Math.max(0, end - size);
  }
  const page = sorted.slice(start, end);
  const firstSeq = page[0]?.seq;
  const lastSeq = page.at(-1)?.seq;
  return {
    page,
    page_info: {
      page_size: size,
      total_count: sorted.length,
      next: lastSeq !== undefined && end < sorted.length ? pointer(ctx, table, { seq: lastSeq, direction: 'ASC' }) : null,
      prev: firstSeq !== undefined && start > 0 ? pointer(ctx, table, { seq: firstSeq, direction: 'DESC' }) : null,
    },
  };
}

/** `{"message": "", "data": {"<key>": [...]}, "page_info": {...}}` — the list envelope. */
export function listReply<T extends { seq: number }>(ctx: RequestContext, key: string, table: string, items: T[], view: (item: T) => unknown): Reply {
  const { page, page_info } = paginate(ctx, table, items);
  return { status: 200, body: { message: '', data: { [key]: page.map(view) }, page_info } };
}
