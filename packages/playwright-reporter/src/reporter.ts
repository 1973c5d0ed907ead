/**
 * The Playwright reporter: a thin shell over testsigma-tm-core. It resolves settings at construction (so a bad
 * option stops the run before any test), keeps the root suite, and at the end converts every test (all its
 * attempts) and uploads once, awaited in `onEnd`. Everything it prints goes to stderr, through core's redaction.
 */
import type { FullConfig, FullResult, Reporter, Suite } from '@playwright/test/reporter';
import { ConfigError, redactingLogger, renderText, resolveReporterSettings, uploadResults, type Logger, type Settings, type TestResult } from 'testsigma-tm-core';
import { toTestResult } from './convert.js';
import { splitOptions, type TestsigmaReporterOptions } from './options.js';

export const PACKAGE_NAME = 'playwright-testsigma-tm-reporter';

/** Prefix of every line this reporter prints. */
export const PREFIX = '[testsigma-tm]';

export const NO_TOKEN_MESSAGE = `${PREFIX} No API token (set TESTSIGMA_API_TOKEN): test results were not recorded in Testsigma Test Management.`;

const TOKEN_SETTING = 'TESTSIGMA_API_TOKEN (or the apiToken reporter option)';

export class TestsigmaReporter implements Reporter {
  readonly #settings: Settings;
  readonly #listMode: boolean;
  readonly #write: (text: string) => void;
  #config: FullConfig | undefined;
  #suite: Suite | undefined;

  constructor(options?: TestsigmaReporterOptions) {
    const { own, listMode } = splitOptions(options);
    this.#settings = withReporterName(() => resolveReporterSettings(own, process.env));
    this.#listMode = listMode;
    this.#write = (text) => void process.stderr.write(`${text}\n`);
    if (this.#settings.token && !this.#settings.projectId) {
      throw new ConfigError(
        'CONFIG_MISSING_PROJECT',
        `${PACKAGE_NAME}: No project: set the projectId reporter option (or TESTSIGMA_PROJECT_ID) to the project UUID or its exact name.`,
      );
    }
  }

  /** Only a short summary at the end: Playwright keeps its own progress output when this is the only reporter. */
  printsToStdio(): boolean {
    return false;
  }

  onBegin(config: FullConfig, suite: Suite): void {
    this.#config = config;
    this.#suite = suite;
  }

  async onEnd(_result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    if (this.#listMode) return undefined;
    const settings = this.#settings;
    if (!settings.token) {
      this.#write(NO_TOKEN_MESSAGE);
      return undefined;
    }
    const results = this.#results();
    if (results.length === 0) {
      this.#write(`${PREFIX} No test ran, so nothing was recorded.`);
      return undefined;
    }
    const log = redactingLogger(stderrLogger(this.#write), [settings.token]);
    let message: string;
    try {
      const outcome = await uploadResults({ settings, results, env: process.env, log, tokenSettingName: TOKEN_SETTING });
      this.#write(prefixLines(reporterSummary(renderText(outcome.summary), results.length)));
      if (!outcome.error) return undefined;
      message = outcome.error.message;
    } catch (error) {
      // Core reports every failure in its outcome; this is only a guard against a bug of ours.
      message = `Unexpected failure: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (settings.failOnUploadError) {
      log.error(`${message} (failOnUploadError is true, so the test run is marked failed)`);
      return { status: 'failed' };
    }
    log.warn(`${message} (failOnUploadError is false, so the test run's status is kept)`);
    return undefined;
  }

  /** One TestResult per test per project (repeat-each copies are separate tests), every attempt inside. */
  #results(): TestResult[] {
    if (!this.#suite) return [];
    const rootDir = this.#config?.rootDir;
    return this.#suite.allTests().map((test) => toTestResult(test, rootDir ? { rootDir } : {}));
  }
}

/** Playwright prints a constructor's error as is: say which reporter refused its options, keep core's words. */
function withReporterName<T>(resolve: () => T): T {
  try {
    return resolve();
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(error.code, `${PACKAGE_NAME}: ${error.message}`);
    throw error;
  }
}

function stderrLogger(write: (text: string) => void): Logger {
  return {
    debug() {},
    info: (m) => write(prefixLines(m)),
    warn: (m) => write(prefixLines(`warning: ${m}`)),
    error: (m) => write(prefixLines(`error: ${m}`)),
  };
}

function prefixLines(text: string): string {
  return text
    .split('\n')
    .map((line) => `${PREFIX} ${line}`)
    .join('\n');
}

/** Core's summary speaks of result files; a reporter has none, so its first line is said the reporter's way. */
export function reporterSummary(text: string, count: number): string {
  return text.replace(/^Read \d+ test result\(s\) from 0 file\(s\)\./, `Collected ${count} Playwright test result(s).`);
}
