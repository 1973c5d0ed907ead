/**
 * CTRF read in pieces (json-stream/item-stream.ts): each `results.tests[]` entry is built whole and converted by
 * the rules of ./ctrf.ts as soon as it closes; the counts of `summary` are kept for ./summary-check.ts, and
 * `environment`, `insights`, `baseline` and every `extra` outside a test are skipped. Memory holds one test (its
 * long strings cut), the counts, and the titles of the tests of one test file for the repeated-title warning (at
 * most REPEAT_WINDOW of them), never the report.
 */
import { nameOnly, type TestResult } from '../../model.js';
import { FAILURE_TEXT, OTHER_TEXT, type StringLimit } from '../json-stream/long-string.js';
import type { ItemRoutes, PathStep, Route } from '../json-stream/item-stream.js';
import { isObject } from '../json-values.js';
import { RepeatedTitles } from '../repeated-titles.js';
import { ctrfTestResult } from './ctrf.js';
import { SummaryCheck } from './summary-check.js';

/** Base64 of 12 MiB: above the default per-file upload limit (8 MiB), so that a screenshot that could be sent is kept whole. */
const SCREENSHOT_MAX_CHARS = 16 * 1024 * 1024;

/** How many titles of one test file are compared for repeats; a longer run of one file is compared in windows of it. */
const REPEAT_WINDOW = 10_000;

export class CtrfStreamReader implements ItemRoutes {
  private ready: TestResult[] = [];
  /** What the document held where CTRF puts its results: for the refusal of one that is not CTRF. */
  sawResults = false;
  sawTool = false;
  /** `results.tool.name`, once read: reporters write it before the tests, and some name tests their own way (./ctrf.ts). */
  private tool: string | undefined;
  /** `results.tests`: undefined when absent, else whether it is an array. */
  testsIsArray: boolean | undefined;
  /** Entries of `results.tests` that are no object, so no test: counted, and said once at the end. */
  notTests = 0;
  firstNotTest: number | undefined;
  readonly repeated = new RepeatedTitles();
  /** `results.summary`'s counts and the tests read, compared at the end of the document. */
  readonly summary = new SummaryCheck();
  /** The titles of the tests read since the test file last changed, for `repeated`. */
  private sameFile: TestResult[] = [];

  constructor(private readonly source: string) {}

  take(): TestResult[] {
    const out = this.ready;
    this.ready = [];
    return out;
  }

  route(path: readonly PathStep[], container: boolean): Route {
    if (path.length === 0) return 'walk';
    if (path[0] !== 'results') return 'skip';
    if (path.length === 1) return container ? 'walk' : 'skip';
    // `tests` of another type than an array is walked too, to be told apart from none.
    if (path.length === 2) return path[1] === 'tests' || (container && (path[1] === 'tool' || path[1] === 'summary')) ? 'walk' : 'skip';
    // An entry of a `tests` array: an object is a test; anything else is counted (value) as no test.
    if (path.length === 3 && path[1] === 'tests' && typeof path[2] === 'number') return container ? 'build' : 'walk';
    // A count of the summary (`"failed": 2`), wherever the summary stands: before the tests or after them.
    if (path.length === 3 && path[1] === 'summary' && !container) return 'walk';
    if (path.length === 3 && path[1] === 'tool' && path[2] === 'name' && !container) return 'walk';
    return 'skip';
  }

  opened(path: readonly PathStep[], isObject: boolean): void {
    if (path.length === 1) this.sawResults = this.sawResults || isObject;
    else if (path.length === 2 && path[1] === 'tool') this.sawTool = this.sawTool || isObject;
    else if (path.length === 2 && path[1] === 'tests') this.testsIsArray = !isObject;
  }

  value(path: readonly PathStep[], value: unknown): void {
    if (path[1] === 'summary') return this.summary.summaryCount(path[2], value);
    if (path[1] === 'tool') {
      if (typeof value === 'string') this.tool = value;
      return;
    }
    if (path.length === 2) this.testsIsArray = false;
    if (path.length !== 3 || typeof path[2] !== 'number' || this.testsIsArray !== true) return;
    // An entry that is no test is counted too: it is said of on its own (index.ts), not again as a test missing.
    this.summary.testRead(isObject(value) ? value.status : undefined);
    if (!isObject(value)) {
      this.notTests += 1;
      this.firstNotTest ??= path[2];
      return;
    }
    const result = ctrfTestResult(value, this.source, this.tool);
    this.noteTitle(result);
    this.ready.push(result);
  }

  limit(key: string | undefined): StringLimit {
    if (key === 'screenshot') return { kind: 'whole', max: SCREENSHOT_MAX_CHARS };
    return key === 'message' || key === 'trace' ? FAILURE_TEXT : OTHER_TEXT;
  }

  /** The end of the document: the last test file's titles are compared. */
  finish(): void {
    this.repeated.add(this.sameFile);
    this.sameFile = [];
  }

  /**
   * CTRF lists tests flat, and reporters write them one test file after another: titles are compared within a
   * run of one file, as Jest's reader compares a file's, so memory holds one file's titles, not the report's.
   */
  private noteTitle(result: TestResult): void {
    const previous = this.sameFile[this.sameFile.length - 1];
    if (previous !== undefined && (previous.file !== result.file || this.sameFile.length >= REPEAT_WINDOW)) this.finish();
    const title = nameOnly(result);
    if (result.file !== undefined) title.file = result.file;
    this.sameFile.push(title);
  }
}
