/**
 * RSpec JSON read in pieces (json-stream/item-stream.ts): each `examples[]` entry is built whole and converted
 * by the rules of ./rspec.ts as soon as it closes; `messages` and `summary` (small) are kept for the result that
 * stands for errors outside of examples, added at the end. Memory holds one example, never the file.
 */
import type { TestResult } from '../../model.js';
import { isObject, strings, type JsonObject as Json } from '../json-values.js';
import { FAILURE_TEXT, OTHER_TEXT, type StringLimit } from '../json-stream/long-string.js';
import type { ItemRoutes, PathStep, Route } from '../json-stream/item-stream.js';
import { exampleResult, outsideResult } from './rspec.js';

export class RspecStreamReader implements ItemRoutes {
  private ready: TestResult[] = [];
  private messages: string[] = [];
  private summary: Json = {};

  constructor(private readonly source: string) {}

  take(): TestResult[] {
    const out = this.ready;
    this.ready = [];
    return out;
  }

  route(path: readonly PathStep[], container: boolean): Route {
    if (path.length === 0) return 'walk';
    const [top] = path;
    if (path.length === 1) {
      if (top === 'examples') return container ? 'walk' : 'skip';
      return container && (top === 'messages' || top === 'summary') ? 'build' : 'skip';
    }
    return path.length === 2 && container ? 'build' : 'skip';
  }

  value(path: readonly PathStep[], value: unknown): void {
    if (path[0] === 'messages') this.messages = strings(value);
    else if (path[0] === 'summary' && isObject(value)) this.summary = value;
    else if (path.length === 2 && isObject(value)) this.ready.push(exampleResult(value, this.source));
  }

  limit(key: string | undefined): StringLimit {
    // `messages` items (inside an array) and an exception's message and backtrace lines are what failures show.
    return key === undefined || key === 'message' ? FAILURE_TEXT : OTHER_TEXT;
  }

  /** The end of the document: errors outside of examples become one result. */
  finish(): void {
    const outside = typeof this.summary.errors_outside_of_examples_count === 'number' ? this.summary.errors_outside_of_examples_count : 0;
    if (outside > 0) this.ready.push(outsideResult(this.messages, outside, this.source));
  }
}
