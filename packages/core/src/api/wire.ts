/**
 * The shapes the client reads from the service, and small guards that check them on arrival. A field the
 * tool depends on that is missing or of the wrong type becomes an `API_UNEXPECTED_BODY` error naming the
 * request, the field and the request id — never a `TypeError` later, far from the answer that caused it.
 * Unknown fields are ignored; fields the real service is known to vary on are optional.
 */
import { ApiError } from '../errors.js';

export interface Project {
  id: string;
  name: string;
  human_id_prefix: string;
}

export interface TestCase {
  id: string;
  human_id: string;
  title: string;
  /** Read when present: a case this tool created carries its test's identity line in it. */
  description?: string;
  folder_id?: string | null;
  /** Epoch milliseconds (seconds on read are turned into milliseconds). */
  created_at?: number;
}

export interface Folder {
  id: string;
  name: string;
  parent_folder_id: string | null;
  created_at?: number;
}

/** An entry of a test case lookup (statuses, priorities, types, automation types). */
export interface Lookup {
  id: string;
  name: string;
}

export interface RunStatus {
  id: string;
  name: string;
}

export interface User {
  id: string;
  email: string;
  status?: string;
}

export interface TestRun {
  id: string;
  /** The service's human id (`DEMO-R-3`); the UUID when the answer carries none, for messages only. */
  human_id: string;
  title: string;
  status: string;
  selection_type?: string;
  description?: string;
  /** Label names (the service may answer names or `{name}` objects; both are read as names). */
  labels?: string[];
  /** Epoch milliseconds (seconds on read are turned into milliseconds). */
  created_at?: number;
}

export interface TestPlan {
  id: string;
  /** `DEMO-P-3`; the UUID when the answer carries none, for messages only. */
  human_id: string;
  title: string;
}

export interface RunCase {
  id: string;
  status_id?: string;
  test_case: { id: string; human_id?: string };
}

/** One result as the batch update takes it. */
export interface ResultEntry {
  test_case_id: string;
  test_run_status_id: string;
  user_id: string;
  description: string;
}

export interface PageInfo {
  page_size?: number;
  total_count?: number;
  next?: string | null;
}

/** What a guard needs to say where an answer came from. */
export interface AnswerContext {
  method: string;
  path: string;
  status: number;
  requestId: string | undefined;
}

export function unexpectedBody(ctx: AnswerContext, problem: string): ApiError {
  return new ApiError(
    'API_UNEXPECTED_BODY',
    { method: ctx.method, path: ctx.path, status: ctx.status, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) },
    `The answer ${problem}. The service may have changed, or the base URL points at something other than the Test Management API (it usually ends in /api/v1).`,
  );
}

export type Reader<T> = (value: unknown, where: string, ctx: AnswerContext) => T;

function record(value: unknown, where: string, ctx: AnswerContext): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw unexpectedBody(ctx, `has no object at ${where}`);
  return value as Record<string, unknown>;
}

function text(obj: Record<string, unknown>, field: string, where: string, ctx: AnswerContext): string {
  const value = obj[field];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  throw unexpectedBody(ctx, value === undefined || value === null ? `lacks ${where}.${field}` : `has ${where}.${field} of type ${typeof value}, not a string`);
}

function optionalText(obj: Record<string, unknown>, field: string): string | undefined {
  const value = obj[field];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

export const readProject: Reader<Project> = (value, where, ctx) => {
  const o = record(value, where, ctx);
  return { id: text(o, 'id', where, ctx), name: text(o, 'name', where, ctx), human_id_prefix: text(o, 'human_id_prefix', where, ctx) };
};

export const readTestCase: Reader<TestCase> = (value, where, ctx) => {
  const o = record(value, where, ctx);
  return {
    id: text(o, 'id', where, ctx),
    human_id: text(o, 'human_id', where, ctx),
    title: optionalText(o, 'title') ?? '',
    ...(typeof o.description === 'string' ? { description: o.description } : {}),
    ...(typeof o.folder_id === 'string' || o.folder_id === null ? { folder_id: o.folder_id } : {}),
    ...(typeof o.created_at === 'number' ? { created_at: epochMs(o.created_at) } : {}),
  };
};

export const readFolder: Reader<Folder> = (value, where, ctx) => {
  const o = record(value, where, ctx);
  const parent = optionalText(o, 'parent_folder_id');
  return {
    id: text(o, 'id', where, ctx),
    name: text(o, 'name', where, ctx),
    parent_folder_id: parent === undefined || parent === '' ? null : parent,
    ...(typeof o.created_at === 'number' ? { created_at: epochMs(o.created_at) } : {}),
  };
};

export const readLookup: Reader<Lookup> = (value, where, ctx) => {
  const o = record(value, where, ctx);
  return { id: text(o, 'id', where, ctx), name: text(o, 'name', where, ctx) };
};

export const readRunStatus: Reader<RunStatus> = (value, where, ctx) => {
  const o = record(value, where, ctx);
  return { id: text(o, 'id', where, ctx), name: text(o, 'name', where, ctx) };
};

export const readUser: Reader<User> = (value, where, ctx) => {
  const o = record(value, where, ctx);
  const status = optionalText(o, 'status');
  return { id: text(o, 'id', where, ctx), email: optionalText(o, 'email') ?? '', ...(status !== undefined ? { status } : {}) };
};

export const readTestRun: Reader<TestRun> = (value, where, ctx) => {
  const o = record(value, where, ctx);
  const id = text(o, 'id', where, ctx);
  const selection = optionalText(o, 'selection_type');
  // Optional fields set one by one, in this order, rather than spread from objects made for them: a job reads its
  // run again and again.
  const run: TestRun = { id, human_id: optionalText(o, 'human_id') || id, title: optionalText(o, 'title') ?? '', status: text(o, 'status', where, ctx) };
  if (selection !== undefined) run.selection_type = selection;
  if (typeof o.description === 'string') run.description = o.description;
  if (Array.isArray(o.labels)) run.labels = labelNames(o.labels);
  if (typeof o.created_at === 'number') run.created_at = epochMs(o.created_at);
  return run;
};

export const readTestPlan: Reader<TestPlan> = (value, where, ctx) => {
  const o = record(value, where, ctx);
  const id = text(o, 'id', where, ctx);
  return { id, human_id: optionalText(o, 'human_id') || id, title: optionalText(o, 'title') ?? '' };
};

function labelNames(labels: unknown[]): string[] {
  // A loop, not flatMap: every run read goes through here, most with no label or one.
  const names: string[] = [];
  for (const label of labels) {
    if (typeof label === 'string') names.push(label);
    else if (label && typeof label === 'object' && typeof (label as { name?: unknown }).name === 'string') names.push((label as { name: string }).name);
  }
  return names;
}

/** Timestamps are milliseconds, but some answers carry seconds: anything before 2001 in ms is read as seconds. */
function epochMs(value: number): number {
  return value < 1e12 ? value * 1000 : value;
}

export const readRunCase: Reader<RunCase> = (value, where, ctx) => {
  const o = record(value, where, ctx);
  const testCase = record(o.test_case, `${where}.test_case`, ctx);
  const statusId = optionalText(o, 'status_id');
  const humanId = optionalText(testCase, 'human_id');
  const id = text(o, 'id', where, ctx);
  const ofCase: RunCase['test_case'] = { id: text(testCase, 'id', `${where}.test_case`, ctx) };
  if (humanId !== undefined) ofCase.human_id = humanId;
  // Key order as before: id, status_id, test_case.
  return statusId !== undefined ? { id, status_id: statusId, test_case: ofCase } : { id, test_case: ofCase };
};

/** `data.<key>` of a single-object answer. */
export function readSingle<T>(body: unknown, key: string, read: Reader<T>, ctx: AnswerContext): T {
  const data = record(body, 'the top level (the body is empty or not an object)', ctx).data;
  return read(record(data, 'data', ctx)[key], `data.${key}`, ctx);
}

/**
 * One page of a list: `data.<key>[]`, or a bare `data` array (as `/users` answers), with its `page_info`
 * when present. Every item is checked.
 */
export function readPage<T>(body: unknown, key: string, read: Reader<T>, ctx: AnswerContext): { items: T[]; pageInfo: PageInfo | undefined } {
  const top = record(body, 'the top level (the body is empty or not an object)', ctx);
  let list: unknown = top.data;
  let where = 'data';
  if (!Array.isArray(list)) {
    list = record(top.data, 'data', ctx)[key];
    where = `data.${key}`;
    if (!Array.isArray(list)) throw unexpectedBody(ctx, `lacks the list ${where}[]`);
  }
  const items = (list as unknown[]).map((item, i) => read(item, `${where}[${i}]`, ctx));
  return { items, pageInfo: readPageInfo(top.page_info, ctx) };
}

function readPageInfo(value: unknown, ctx: AnswerContext): PageInfo | undefined {
  if (value === undefined || value === null) return undefined;
  const o = record(value, 'page_info', ctx);
  const info: PageInfo = {};
  const number = (field: 'page_size' | 'total_count'): void => {
    const v = o[field];
    if (typeof v === 'number' && Number.isFinite(v)) info[field] = v;
    else if (typeof v === 'string' && /^\d+$/.test(v)) info[field] = Number(v);
  };
  number('page_size');
  number('total_count');
  if (typeof o.next === 'string' || o.next === null) info.next = o.next;
  else if (o.next !== undefined) throw unexpectedBody(ctx, `has page_info.next of type ${typeof o.next}, not a string`);
  return info;
}
