/**
 * Reruns in a `go test -json` stream: `gotestsum --rerun-fails` runs the failed tests again into the same
 * stream, so a test that failed and then passed appears twice. Read as two results, the failure decides its
 * case (the worst decides), though the test passed on its rerun. As for JUnit, whether a repeat is a rerun is
 * the producer's to say (`go test -count=2` repeats every test, and a repeat there is no retry): with
 * `repeatsAreRetries` a test that ends again after a failed run is another attempt of it (merged as the JUnit
 * reader merges a repeated testcase, the last run deciding), otherwise each run stays a result of its own and
 * the repeats are named in a warning that points at the setting. Only failed tests are remembered, so memory
 * grows with the failures, not the run.
 */
import type { TestResult } from '../../model.js';
import type { JsonLine, LineReader } from '../json-lines.js';
import type { ReadContext } from '../format.js';
import { mergeRepeat } from '../junit/testcase.js';

const SHOWN = 5;

export class RerunsAsAttempts implements LineReader {
  /** With repeatsAreRetries: failed results held until the stream ends or a rerun passes. */
  private readonly held = new Map<string, TestResult>();
  /** Without: the keys of failed results, to notice a repeat. */
  private readonly failed = new Set<string>();
  private reruns = 0;
  /** The keys of the tests that ran again (within the failed ones, so bounded as they are). */
  private readonly rerun = new Set<string>();
  private readonly shown: string[] = [];
  private out: TestResult[] = [];

  constructor(
    private readonly inner: LineReader,
    private readonly ctx: ReadContext,
  ) {}

  line(line: JsonLine): void {
    this.inner.line(line);
    this.collect();
  }

  end(): void {
    this.inner.end();
    this.collect();
    this.out.push(...this.held.values());
    this.held.clear();
    if (this.reruns > 0) {
      const shown = this.shown.map((t) => `"${t}"`).join(', ');
      const more = this.rerun.size - this.shown.length;
      this.ctx.warn(
        `${this.ctx.source}: ${this.rerun.size} test(s) ran again after failing, ${this.reruns} rerun(s) in all (${shown}${more > 0 ? ` and ${more} more` : ''}); ` +
          'each run is read as a result of its own and the worst decides the case. If these are reruns (gotestsum --rerun-fails), set repeats-are-retries (--repeats-are-retries).',
      );
    }
  }

  take(): readonly TestResult[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private collect(): void {
    for (const result of this.inner.take()) {
      const key = [...result.suitePath, result.name].join('\u0000');
      const failed = result.status === 'failed' || result.status === 'error';
      if (this.ctx.repeatsAreRetries === true) {
        const earlier = this.held.get(key);
        if (earlier !== undefined) {
          mergeRepeat(earlier, result);
          if (!failed) {
            this.held.delete(key);
            this.out.push(earlier);
          }
        } else if (failed) this.held.set(key, result);
        else this.out.push(result);
        continue;
      }
      if (this.failed.has(key)) {
        this.reruns += 1;
        if (!this.rerun.has(key) && this.shown.length < SHOWN) this.shown.push([...result.suitePath.slice(1), result.name].join('/'));
        this.rerun.add(key);
      }
      if (failed) this.failed.add(key);
      this.out.push(result);
    }
  }
}
