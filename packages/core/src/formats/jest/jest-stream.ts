/**
 * Jest's JSON read in pieces (json-stream/item-stream.ts): each `testResults[]` entry (one test file) is built
 * whole and converted by ./jest-json.ts as soon as it closes, and `runExecError` (Jest's run failed outside every
 * test file) is kept for the end of the file; everything else but `numTotalTests` is skipped.
 * Memory holds one test file's entry (its long strings cut), never the whole run: an aggregated result of a
 * large suite, with its console output, runs to hundreds of megabytes.
 */
import type { OutsideTestError, TestResult } from '../../model.js';
import { FAILURE_TEXT, OTHER_TEXT, type StringLimit } from '../json-stream/long-string.js';
import type { ItemRoutes, PathStep, Route } from '../json-stream/item-stream.js';
import { isJestSuite, jestSuiteResults } from './jest-json.js';
import { jestRunExecError } from './jest.js';
import { RepeatedTitles } from '../repeated-titles.js';

const FAILURE_KEYS = new Set(['message', 'failureMessage', 'stack']);

export class JestStreamReader implements ItemRoutes {
  private ready: TestResult[] = [];
  private suites = 0;
  /** Whether the file is Jest's: it counts its tests, or one of its entries holds tests. */
  jestLike = false;
  /** Tests of one file with one title, said once when the file has been read. */
  readonly repeated = new RepeatedTitles();
  /** The file's `runExecError`, once read. */
  runExecError: OutsideTestError | undefined;

  constructor(private readonly source: string) {}

  take(): TestResult[] {
    const out = this.ready;
    this.ready = [];
    return out;
  }

  route(path: readonly PathStep[], container: boolean): Route {
    if (path.length === 0) return 'walk';
    if (path.length === 1) {
      if (path[0] === 'testResults') return container ? 'walk' : 'skip';
      if (path[0] === 'runExecError') return container ? 'build' : 'walk';
      return path[0] === 'numTotalTests' && !container ? 'walk' : 'skip';
    }
    return path.length === 2 ? 'build' : 'skip';
  }

  value(path: readonly PathStep[], value: unknown): void {
    if (path.length === 1) {
      if (path[0] === 'runExecError') this.runExecError = jestRunExecError(value);
      else if (typeof value === 'number') this.jestLike = true;
      return;
    }
    if (isJestSuite(value)) this.jestLike = true;
    const results = jestSuiteResults(value, this.suites++, this.source);
    this.repeated.add(results);
    this.ready.push(...results);
  }

  limit(key: string | undefined): StringLimit {
    // `failureMessages` items are in an array (no key).
    return key === undefined || FAILURE_KEYS.has(key) ? FAILURE_TEXT : OTHER_TEXT;
  }
}
