/**
 * Mocha JSON read in pieces (json-stream/item-stream.ts): each `tests[]` entry is built whole and converted by
 * the rules of ./mocha.ts as soon as it closes, so memory does not grow with the file.
 *
 * Mocha writes `stats`, `tests`, `pending`, `failures`, `passes`, in that order, and a pending test looks in
 * `tests` like a passed one without a duration. What tells them apart before `pending` is read:
 * - a test with an error failed;
 * - Mocha (since 7) writes `speed` on passed tests only, so a test with `speed` passed, and once any test has
 *   it, a test without it and without an error is pending;
 * - `stats` counts them: no passes means every error-free test is pending, no pending means it passed.
 * A test still undecided (a file of an older Mocha with both) waits, with every later test so the order is
 * kept, until `pending` is read: only such a file holds its tests until then.
 * `failures` repeats the failed tests (Mocha's base reporter sets `err` on the test it reports as failed, so
 * each is in `tests` with its error); an entry that is no failed test there (a hook that failed) becomes an
 * `error` result. Only the failed tests' keys are kept for that, so memory grows with the failures.
 */
import type { TestResult, TestStatus } from '../../model.js';
import { isObject, type JsonObject as Json } from '../json-values.js';
import { FAILURE_TEXT, OTHER_TEXT, type StringLimit } from '../json-stream/long-string.js';
import type { ItemRoutes, PathStep, Route } from '../json-stream/item-stream.js';
import { failureOf, mochaTestKey, mochaTestResult } from './mocha.js';

const ARRAYS = new Set(['tests', 'pending', 'failures']);

export class MochaStreamReader implements ItemRoutes {
  private ready: TestResult[] = [];
  /** Tests not yet known to be passed or pending, in document order, with every test after them. */
  private readonly waiting: { test: Json; failed: boolean }[] = [];
  private readonly pendingKeys = new Set<string>();
  private pendingRead = false;
  private writesSpeed = false;
  private stats: Json = {};
  private readonly failedKeys = new Set<string>();

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
      if (top === 'stats' && container) return 'build';
      return container && typeof top === 'string' && ARRAYS.has(top) ? 'walk' : 'skip';
    }
    return path.length === 2 && container ? 'build' : 'skip';
  }

  closed(path: readonly PathStep[]): void {
    if (path.length === 1 && path[0] === 'pending') {
      this.pendingRead = true;
      this.release();
    }
  }

  value(path: readonly PathStep[], value: unknown): void {
    if (!isObject(value)) return;
    const [top] = path;
    if (path.length === 1) this.stats = value;
    else if (top === 'tests') this.test(value);
    else if (top === 'pending') this.pendingKeys.add(mochaTestKey(value));
    else if (top === 'failures' && !this.failedKeys.has(mochaTestKey(value))) this.ready.push(mochaTestResult(value, 'error', this.source));
  }

  limit(key: string | undefined): StringLimit {
    return key === 'message' || key === 'stack' || key === 'estack' ? FAILURE_TEXT : OTHER_TEXT;
  }

  /** The end of the document: whatever still waits is decided by `pending` (read, or absent). */
  finish(): void {
    this.pendingRead = true;
    this.release();
  }

  private test(test: Json): void {
    const failed = failureOf(test.err) !== undefined;
    if (failed) this.failedKeys.add(mochaTestKey(test));
    if (typeof test.speed === 'string') this.writesSpeed = true;
    this.waiting.push({ test, failed });
    this.release();
  }

  /** Converts the waiting tests, in order, as far as each one's status is known. */
  private release(): void {
    let done = 0;
    for (const { test, failed } of this.waiting) {
      const status = failed ? 'failed' : this.statusOf(test);
      if (status === undefined) break;
      this.ready.push(mochaTestResult(test, status, this.source));
      done += 1;
    }
    if (done > 0) this.waiting.splice(0, done);
  }

  private statusOf(test: Json): TestStatus | undefined {
    if (this.pendingRead) return this.pendingKeys.has(mochaTestKey(test)) ? 'skipped' : 'passed';
    if (typeof test.speed === 'string' || this.stats.pending === 0) return 'passed';
    if (this.writesSpeed || this.stats.passes === 0) return 'skipped';
    return undefined;
  }
}
