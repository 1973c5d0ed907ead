/**
 * The Jest reporter: a thin adapter over testsigma-tm-core.
 *
 * - constructor: options → settings through core's one resolver (option > TESTSIGMA_* env > default); invalid
 *   options throw, and Jest stops before any test runs, printing the message.
 * - onTestFileResult: each file's test cases → core TestResults (convert.ts), kept in memory.
 * - onRunComplete: the single upload; Jest awaits the returned promise, so nothing races the process exit.
 * - getLastError: the upload's error when it failed and `failOnUploadError` is on, so Jest exits non-zero.
 *
 * Everything is printed to stderr, as Jest's own reporters do, and never the token.
 */
import {
  ConfigError,
  SETTING_ENV,
  redact,
  renderText,
  resolveReporterSettings,
  uploadResults,
  type Env,
  type FileOutcome,
  type Logger,
  type Settings,
  type UploadInput,
  type UploadOutcome,
} from 'testsigma-tm-core';
import { fileResults } from './convert.js';
import type { JestAggregatedResultLike, JestGlobalConfigLike, JestTestFileResult } from './jest-types.js';

export const PACKAGE_NAME = 'jest-testsigma-tm-reporter';

/** Prefix of every line this reporter prints (the same as the Playwright reporter's). */
export const PREFIX = '[testsigma-tm]';

export const NO_TOKEN_MESSAGE = `${PREFIX} No API token (set ${SETTING_ENV.token}): test results were not recorded in Testsigma Test Management.`;

/**
 * Options of `['jest-testsigma-tm-reporter', { ... }]`. Each falls back to its `TESTSIGMA_*` environment
 * variable, then to its default; see the README for the full table.
 */
export interface TestsigmaReporterOptions {
  /** Project UUID or exact project name. Env `TESTSIGMA_PROJECT_ID`. Required when a token is set. */
  projectId?: string;
  /** API base URL. Env `TESTSIGMA_BASE_URL`. Default `https://test-management.testsigma.com/api/v1`. */
  baseUrl?: string;
  /** Record into this existing run (UUID or `DEMO-R-3`) instead of creating one. Env `TESTSIGMA_RUN_ID`. */
  runId?: string;
  /** Title of the run to create. Env `TESTSIGMA_RUN_TITLE`. Default: built from the CI context. */
  runTitle?: string;
  /** Close the run at the end when this upload created it. Env `TESTSIGMA_CLOSE_RUN`. Default `true`. */
  closeRun?: boolean;
  /** Tests that map to no test case: `ignore`, `warn` or `fail`. Env `TESTSIGMA_UNMAPPED`. Default `warn`. */
  unmapped?: 'ignore' | 'warn' | 'fail';
  /** Map and report what would be sent, write nothing. Env `TESTSIGMA_DRY_RUN`. Default `false`. */
  dryRun?: boolean;
  /** Fail the Jest run when the upload fails. Env `TESTSIGMA_FAIL_ON_UPLOAD_ERROR`. Default `true`. */
  failOnUploadError?: boolean;
  /** Entries per result request, 1–100. Env `TESTSIGMA_BATCH_SIZE`. Default `100`. */
  batchSize?: number;
  /** E-mail of the user results are recorded as. Env `TESTSIGMA_USER_EMAIL`. Default: the first active user. */
  userEmail?: string;
  /** Per-request timeout in milliseconds. Env `TESTSIGMA_TIMEOUT_MS`. Default `30000`. */
  timeoutMs?: number;
  /** Outcome → status name overrides, e.g. `{ skipped: 'Blocked' }`. Env `TESTSIGMA_STATUS_MAP`. */
  statusMap?: Partial<Record<'passed' | 'failed' | 'error' | 'skipped' | 'flaky', string>> | string;
  /** Prefer the `TESTSIGMA_API_TOKEN` environment variable: a token in a config file ends up in git. */
  apiToken?: string;
}

/** What a host can swap out; Jest never passes this (it is for tests and embedding). */
export interface ReporterDependencies {
  env: Env;
  /** Receives whole lines, without the trailing new line. */
  write: (line: string) => void;
  upload: (input: UploadInput) => Promise<UploadOutcome>;
}

/** Why the reporter sits this run out, said once in one line; undefined when it uploads. */
type Idle = { line: string } | undefined;

export class TestsigmaReporter {
  private readonly settings: Settings;
  private readonly env: Env;
  private readonly write: (line: string) => void;
  private readonly upload: (input: UploadInput) => Promise<UploadOutcome>;
  private readonly rootDir: string | undefined;
  private readonly tokenSettingName: string;
  private readonly idle: Idle;
  private idleSaid = false;
  /** Converted as each file finishes (Jest's own objects are not kept), by test file path. */
  private files = new Map<string, FileOutcome>();
  private lastError: Error | undefined;

  /** Jest calls `new Reporter(globalConfig, options, context)`. Throws core's ConfigError on invalid options. */
  constructor(globalConfig?: JestGlobalConfigLike, options?: TestsigmaReporterOptions | Record<string, unknown>, _context?: unknown, dependencies: Partial<ReporterDependencies> = {}) {
    this.env = dependencies.env ?? process.env;
    this.write = dependencies.write ?? ((line) => void process.stderr.write(`${line}\n`));
    this.upload = dependencies.upload ?? uploadResults;
    this.rootDir = globalConfig?.rootDir;
    this.settings = withReporterName(() => resolveReporterSettings(options, this.env));
    const explicitToken = typeof options?.apiToken === 'string' && options.apiToken.trim() !== '';
    this.tokenSettingName = explicitToken ? 'the apiToken reporter option' : SETTING_ENV.token;
    this.idle = idleReason(this.settings, globalConfig);
    // A token without a project can only fail after the whole suite ran: stop now, like any invalid option.
    if (!this.idle && !this.settings.projectId) {
      throw new ConfigError(
        'CONFIG_MISSING_PROJECT',
        `${PACKAGE_NAME}: No project: set the projectId reporter option (or ${SETTING_ENV.projectId}) to the project UUID or its exact name.`,
      );
    }
  }

  onRunStart(): void {
    this.files = new Map();
    this.lastError = undefined;
  }

  /** Jest 30 calls this for every test file, including files that failed to run. */
  onTestFileResult(_test: unknown, testResult: JestTestFileResult): void {
    if (this.idle) return;
    this.files.set(testResult.testFilePath, { path: testResult.testFilePath, results: fileResults(testResult, this.rootDir) });
  }

  /** The hook's older name, used by Jest when onTestFileResult is absent; kept for Jest 27–29 style callers. */
  onTestResult(test: unknown, testResult: JestTestFileResult): void {
    this.onTestFileResult(test, testResult);
  }

  /** Jest awaits the returned promise. Never rejects: failures go to getLastError(). */
  async onRunComplete(_testContexts?: unknown, aggregatedResults?: JestAggregatedResultLike): Promise<void> {
    if (this.idle) {
      if (!this.idleSaid) this.write(this.idle.line);
      this.idleSaid = true;
      return;
    }
    // Files Jest aggregated but never announced (it should not happen) are not lost either.
    for (const file of aggregatedResults?.testResults ?? []) {
      if (!this.files.has(file.testFilePath)) this.onTestFileResult(undefined, file);
    }
    const files = [...this.files.values()];
    const results = files.flatMap((f) => f.results);
    if (results.length === 0) {
      this.write(`${PREFIX} No test ran, so nothing was recorded.`);
      return;
    }

    let outcome: UploadOutcome;
    try {
      outcome = await this.upload({ settings: this.settings, results, files, env: this.env, log: this.logger(), tokenSettingName: this.tokenSettingName });
    } catch (error) {
      // uploadResults never throws for what a user can cause; this is a bug, reported like a failed upload.
      const message = error instanceof Error ? error.message : String(error);
      this.fail(new Error(`Unexpected failure while uploading results: ${message}. Please report this as a bug of ${PACKAGE_NAME}.`, { cause: error }));
      return;
    }
    this.print(reporterSummary(renderText(outcome.summary)));
    if (outcome.error) this.fail(outcome.error);
  }

  /** The upload's error when it failed and failOnUploadError is on; Jest then exits with code 1. */
  getLastError(): Error | undefined {
    return this.lastError;
  }

  /** Printed in full; kept for getLastError only when failOnUploadError is on (then Jest exits with 1). */
  private fail(error: Error): void {
    error.message = this.safe(error.message);
    if (this.settings.failOnUploadError) {
      this.print(`error: ${error.message} (failOnUploadError is true, so the test run is marked failed)`);
      this.lastError = error;
    } else {
      this.print(`warning: ${error.message} (failOnUploadError is false, so the test run's status is kept)`);
    }
  }

  /** Every line prefixed, the token scrubbed. */
  private print(text: string): void {
    for (const line of this.safe(text).split('\n')) this.write(`${PREFIX} ${line}`);
  }

  private logger(): Logger {
    const flag = this.env.TESTSIGMA_DEBUG?.trim().toLowerCase();
    const debug = flag !== undefined && !['', '0', 'false', 'no', 'off'].includes(flag);
    return {
      debug: (m) => (debug ? this.print(`debug: ${m}`) : undefined),
      info: (m) => this.print(m),
      warn: (m) => this.print(`warning: ${m}`),
      error: (m) => this.print(`error: ${m}`),
    };
  }

  private safe(text: string): string {
    return redact(text, [this.settings.token]);
  }
}

/** Runs in which the reporter records nothing, and the one line that says so. */
function idleReason(settings: Settings, globalConfig: JestGlobalConfigLike | undefined): Idle {
  if (!settings.token) return { line: NO_TOKEN_MESSAGE };
  if (globalConfig?.collectTests) return { line: `${PREFIX} jest --collectTests runs no test, so nothing is recorded.` };
  if (globalConfig?.watch || globalConfig?.watchAll) return { line: `${PREFIX} Watch mode: test results are not recorded in Testsigma Test Management.` };
  return undefined;
}

/** Jest's test files are no result files: the summary's first line is said the reporter's way. */
export function reporterSummary(text: string): string {
  return text.replace(/^Read (\d+) test result\(s\) from (\d+) file\(s\)\./, 'Collected $1 Jest test result(s) from $2 test file(s).');
}

/** Jest prints a constructor's error under the reporter's path: say which reporter refused, keep core's words. */
function withReporterName<T>(resolve: () => T): T {
  try {
    return resolve();
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(error.code, `${PACKAGE_NAME}: ${error.message}`, { cause: error });
    throw error;
  }
}
