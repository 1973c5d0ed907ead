/**
 * The Playwright reporter: a thin shell over testsigma-tm-core. It resolves settings at construction (a bad one
 * is said at once and again at the end, and the tests run anyway: Playwright stops the whole run when a
 * reporter's constructor throws), keeps the root suite, and at the end converts every test (all its
 * attempts) and uploads once through core's reportResults, awaited in `onEnd`. Everything it prints goes to
 * stderr, through core's redaction.
 */
import type { FullConfig, FullResult, Reporter, Suite, TestError } from '@playwright/test/reporter';
import type { TestResult } from 'testsigma-tm-core';
import {
  REPORTER_PREFIX,
  nodeTooOld,
  nodeTooOldMessage,
  noTokenMessage,
  reportResults,
  resolveReporterStart,
  sayInvalidSettings,
  type ReporterStart,
} from 'testsigma-tm-core/reporter';
import { outsideTestError, toTestResult } from './convert.js';
import { splitOptions, type TestsigmaReporterOptions } from './options.js';

const PACKAGE_NAME = 'playwright-testsigma-tm-reporter';

/** Prefix of every line this reporter prints. */
export const PREFIX = REPORTER_PREFIX;

export const NO_TOKEN_MESSAGE = noTokenMessage();

export class TestsigmaReporter implements Reporter {
  readonly #start: ReporterStart;
  readonly #listMode: boolean;
  readonly #write: (line: string) => void;
  #config: FullConfig | undefined;
  #suite: Suite | undefined;
  /** Errors outside any test (global setup or teardown, a worker, a test file that did not load), as they come. */
  readonly #outsideTests: TestError[] = [];

  constructor(options?: TestsigmaReporterOptions) {
    const { own, listMode } = splitOptions(options);
    this.#start = resolveReporterStart(own, process.env, PACKAGE_NAME);
    this.#listMode = listMode;
    this.#write = (line) => void process.stderr.write(`${line}\n`);
    sayInvalidSettings(this.#start, this.#write, 'start', this.#recording());
  }

  /** Whether this run is to be recorded: there is a token, and Playwright is not only listing the tests. */
  #recording(): boolean {
    return !this.#listMode && !nodeTooOld() && Boolean(this.#start.settings.token);
  }

  /** Only a short summary at the end: Playwright keeps its own progress output when this is the only reporter. */
  printsToStdio(): boolean {
    return false;
  }

  onBegin(config: FullConfig, suite: Suite): void {
    this.#config = config;
    this.#suite = suite;
  }

  /** Playwright's errors outside any test: they belong to no test case, so they are named in the summary instead. */
  onError(error: TestError): void {
    this.#outsideTests.push(error);
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    if (this.#listMode) return undefined;
    if (nodeTooOld()) {
      this.#write(`${PREFIX} ${nodeTooOldMessage(PACKAGE_NAME)} Test results were not recorded.`);
      return undefined;
    }
    if (!this.#start.settings.token) {
      this.#write(NO_TOKEN_MESSAGE);
      sayInvalidSettings(this.#start, this.#write, 'end', false);
      return undefined;
    }
    if (this.#start.invalid) return sayInvalidSettings(this.#start, this.#write, 'end', true) ? { status: 'failed' } : undefined;
    const failure = await reportResults({
      start: this.#start,
      packageName: PACKAGE_NAME,
      runner: 'Playwright',
      results: this.#results(),
      // Playwright writes screenshots and traces under each project's outputDir, wherever the run started.
      evidenceRoots: [...new Set((this.#config?.projects ?? []).map((project) => project.outputDir))],
      // Shown from the working directory, as a terminal user reads paths: a global setup usually lies outside testDir.
      outsideTests: { errors: this.#outsideTests.map((error) => outsideTestError(error, process.cwd())), runStatus: result.status },
      env: process.env,
      write: this.#write,
    });
    return failure ? { status: 'failed' } : undefined;
  }

  /** One TestResult per test per project (repeat-each copies are separate tests), every attempt inside. */
  #results(): TestResult[] {
    if (!this.#suite) return [];
    const rootDir = this.#config?.rootDir;
    return this.#suite.allTests().map((test) => toTestResult(test, rootDir ? { rootDir } : {}));
  }
}
