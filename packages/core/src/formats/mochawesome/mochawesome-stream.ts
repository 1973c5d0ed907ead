/**
 * mochawesome JSON read in pieces (json-stream/item-stream.ts): the suite tree is walked, each test and hook is
 * built whole and converted by the rules of ./mochawesome.ts as soon as its suite's `title` and `file` are
 * known (mochawesome writes them first; a file that writes them later has its tests wait until its suite
 * closes), so memory holds the open suites and one test, never the file. A test's `code` and `context` are
 * not read, so they are counted, not kept.
 */
import type { TestResult } from '../../model.js';
import { isObject, str, type JsonObject as Json } from '../json-values.js';
import { FAILURE_TEXT, OTHER_TEXT, UNREAD, type StringLimit } from '../json-stream/long-string.js';
import type { ItemRoutes, PathStep, Route } from '../json-stream/item-stream.js';
import { nonEmpty } from '../text.js';
import { isFailedHook, mochawesomeStatus, mochawesomeTestResult } from './mochawesome.js';

const ITEMS = new Set(['tests', 'beforeHooks', 'afterHooks']);

interface Suite {
  title?: string;
  file?: string;
  sawTitle: boolean;
  sawFile: boolean;
  closed: boolean;
  waiting: { item: Json; hook: boolean }[];
}

export class MochawesomeStreamReader implements ItemRoutes {
  private ready: TestResult[] = [];
  private readonly suites: Suite[] = [];

  constructor(private readonly source: string) {}

  take(): TestResult[] {
    const out = this.ready;
    this.ready = [];
    return out;
  }

  route(path: readonly PathStep[], container: boolean): Route {
    const depth = path.length;
    if (depth === 0) return 'walk';
    const last = path[depth - 1];
    const prev = path[depth - 2];
    if (depth === 1) return last === 'results' && container ? 'walk' : 'skip';
    if (typeof last === 'number') {
      if (prev === 'results' || prev === 'suites') return container ? 'walk' : 'skip';
      return container && typeof prev === 'string' && ITEMS.has(prev) ? 'build' : 'skip';
    }
    if (last === 'title' || last === 'file') return container ? 'skip' : 'walk';
    return container && last !== undefined && (last === 'suites' || ITEMS.has(last)) ? 'walk' : 'skip';
  }

  opened(path: readonly PathStep[], isObject: boolean): void {
    if (path.length >= 2 && isObject && typeof path[path.length - 1] === 'number')
      this.suites.push({ sawTitle: false, sawFile: false, closed: false, waiting: [] });
  }

  closed(path: readonly PathStep[]): void {
    if (path.length < 2 || typeof path[path.length - 1] !== 'number') return;
    const suite = this.suites[this.suites.length - 1];
    if (suite === undefined) return;
    suite.closed = true;
    this.flush(suite);
    this.suites.pop();
  }

  value(path: readonly PathStep[], value: unknown): void {
    const suite = this.suites[this.suites.length - 1];
    if (suite === undefined) return;
    const key = path[path.length - 1];
    if (key === 'title') {
      suite.title = str(value);
      suite.sawTitle = true;
    } else if (key === 'file') {
      suite.file = str(value);
      suite.sawFile = true;
    } else if (isObject(value)) {
      const hook = path[path.length - 2] !== 'tests';
      if (!hook || isFailedHook(value)) suite.waiting.push({ item: value, hook });
    }
    this.flush(suite);
  }

  limit(key: string | undefined): StringLimit {
    if (key === 'code' || key === 'context') return UNREAD;
    return key === 'message' || key === 'estack' || key === 'stack' ? FAILURE_TEXT : OTHER_TEXT;
  }

  /** Converts the suite's waiting tests once its title and file are known. */
  private flush(suite: Suite): void {
    if (suite.waiting.length === 0 || !(suite.closed || (suite.sawTitle && suite.sawFile))) return;
    const { path, file } = this.scope();
    for (const { item, hook } of suite.waiting) {
      this.ready.push(mochawesomeTestResult(item, hook ? 'error' : mochawesomeStatus(item), path, file, this.source));
    }
    suite.waiting = [];
  }

  /** The open suites' titles (empty ones left out) and the innermost file, as ./mochawesome.ts's walk gives them. */
  private scope(): { path: string[]; file: string | undefined } {
    const path: string[] = [];
    let file: string | undefined;
    for (const suite of this.suites) {
      const title = nonEmpty(suite.title);
      if (title !== undefined) path.push(title);
      file = nonEmpty(suite.file)?.replace(/^\//, '') ?? file;
    }
    return { path, file };
  }
}
