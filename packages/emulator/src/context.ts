import type { Store } from './store.js';
import type { PaginationMode, ProjectRecord } from './types.js';

/** What a route handler gets; handlers are plain functions of it, which keeps them testable and small. */
export interface RequestContext {
  store: Store;
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Full request path as received (with the base path), used to build page URLs. */
  path: string;
  origin: string;
  pagination: PaginationMode;
  contentType: string;
  /** Reads the whole body, bounded by the size limit (throws the 413 ApiError above it). */
  readBody(): Promise<Buffer>;
}

export interface Reply {
  status: number;
  /** Serialised as JSON unless a string; omitted for 204. */
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

/** What a handler of a `/projects/{pid}/…` route gets: the router has already resolved the project (or answered 404). */
export interface ProjectContext extends RequestContext {
  project: ProjectRecord;
}

export type ProjectHandler = (ctx: ProjectContext) => Reply | Promise<Reply>;

/** `{"message": "", "data": {"<key>": value}}` — the single-object envelope. */
export function single(key: string, value: unknown, status = 200): Reply {
  return { status, body: { message: '', data: { [key]: value } } };
}
