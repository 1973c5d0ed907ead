/**
 * The Jest reporter: a thin adapter over testsigma-tm-core.
 *
 * - constructor: options → settings through core's reporter start (option > TESTSIGMA_* env > default). An invalid
 *   setting is said at once and again at the end, nothing is recorded, and Jest runs its tests all the same (a
 *   throwing constructor would stop the whole run).
 * - onTestFileResult: each file's test cases → core TestResults (core's Jest converter), kept in memory.
 * - onRunComplete: the single upload (core's reportResults); Jest awaits the returned promise, so nothing races
 *   the process exit. A `runExecError` (Jest's test runner failed outside every test file) is named after the
 *   summary; Jest fails that run itself, so the reporter leaves its verdict alone.
 * - getLastError: the upload's error (or the invalid settings' one) when `failOnUploadError` is on, so Jest exits non-zero.
 *
 * Everything is printed to stderr, as Jest's own reporters do, and never the token.
 */
import { applyRegistry, closeRegistry, openRegistry, readRegistry } from './registry.js';
import type { Env, FileOutcome } from 'testsigma-tm-core';
import {
  REPORTER_PREFIX,
  jestRunExecError,
  nodeTooOld,
  nodeTooOldMessage,
  noTokenMessage,
  reportResults,
  resolveReporterStart,
  sayInvalidSettings,
  type ReporterOptions,
  type ReporterStart,
} from 'testsigma-tm-core/reporter';
import { fileResults } from './convert.js';
import type { JestAggregatedResultLike, JestGlobalConfigLike, JestTestFileResult } from './jest-types.js';

export const PACKAGE_NAME = 'jest-testsigma-tm-reporter';

/** Prefix of every line this reporter prints (the same as the Playwright reporter's). */
export const PREFIX = REPORTER_PREFIX;

export const NO_TOKEN_MESSAGE = noTokenMessage();

/**
 * Options of `['jest-testsigma-tm-reporter', { ... }]`: core's reporter options. Each falls back to its
 * `TESTSIGMA_*` environment variable, then to its default; see the README for the full table.
 */
export type TestsigmaReporterOptions = ReporterOptions;

/** Where the reporter reads settings and writes lines; Jest never passes this (it is for tests and embedding). */
export interface ReporterDependencies {
  env: Env;
  /** Receives whole lines, without the trailing new line. */
  write: (line: string) => void;
}

export class TestsigmaReporter {
  private readonly start: ReporterStart;
  private readonly env: Env;
  private readonly write: (line: string) => void;
  private readonly rootDir: string | undefined;
  /** Why the reporter sits this run out, said once in one line; undefined when it uploads. */
  private readonly idle: string | undefined;
  private idleSaid = false;
  /** Converted as each file finishes (Jest's own objects are not kept), by fileKey. */
  private files = new Map<string, FileOutcome>();
  private lastError: Error | undefined;
  /** Where `attach()` calls in the test workers register files; undefined when idle. */
  private readonly registry: string | undefined;

  /** Jest calls `new Reporter(globalConfig, options, context)`. Never throws for what the user wrote. */
  constructor(
    globalConfig?: JestGlobalConfigLike,
    options?: TestsigmaReporterOptions | Record<string, unknown>,
    _context?: unknown,
    dependencies: Partial<ReporterDependencies> = {},
  ) {
    this.env = dependencies.env ?? process.env;
    this.write = dependencies.write ?? ((line) => void process.stderr.write(`${line}\n`));
    this.rootDir = globalConfig?.rootDir;
    const notRecording = notRecordingLine(globalConfig);
    // A token without a project can only fail after the whole suite ran: core says so now, like any invalid option.
    this.start = resolveReporterStart(options, this.env, PACKAGE_NAME, { requireProject: notRecording === undefined });
    this.idle = nodeTooOld()
      ? `${REPORTER_PREFIX} ${nodeTooOldMessage(PACKAGE_NAME)} Test results were not recorded.`
      : this.start.settings.token
        ? notRecording
        : noTokenMessage();
    sayInvalidSettings(this.start, this.write, 'start', this.idle === undefined);
    this.registry = this.idle || this.start.invalid || this.start.settings.attachments === 'none' ? undefined : openRegistry();
  }

  onRunStart(): void {
    this.files = new Map();
    this.lastError = undefined;
  }

  /** Jest 30 calls this for every test file, including files that failed to run. */
  onTestFileResult(_test: unknown, testResult: JestTestFileResult): void {
    if (this.idle || this.start.invalid) return;
    this.files.set(fileKey(testResult), { path: testResult.testFilePath, results: fileResults(testResult, this.rootDir) });
  }

  /** The hook's older name, used by Jest when onTestFileResult is absent; kept for Jest 27–29 style callers. */
  onTestResult(test: unknown, testResult: JestTestFileResult): void {
    this.onTestFileResult(test, testResult);
  }

  /** Jest awaits the returned promise. Never rejects: failures go to getLastError(). */
  async onRunComplete(_testContexts?: unknown, aggregatedResults?: JestAggregatedResultLike): Promise<void> {
    if (this.idle) {
      if (!this.idleSaid) {
        this.write(this.idle);
        sayInvalidSettings(this.start, this.write, 'end', false);
      }
      this.idleSaid = true;
      return;
    }
    if (this.start.invalid) {
      this.lastError = sayInvalidSettings(this.start, this.write, 'end', true);
      return;
    }
    // Files Jest aggregated but never announced (it should not happen) are not lost either.
    for (const file of aggregatedResults?.testResults ?? []) {
      if (!this.files.has(fileKey(file))) this.onTestFileResult(undefined, file);
    }
    const files = [...this.files.values()];
    if (this.registry) applyRegistry(files, readRegistry(this.registry));
    const execError = jestRunExecError(aggregatedResults?.runExecError);
    this.lastError = await reportResults({
      start: this.start,
      packageName: PACKAGE_NAME,
      runner: 'Jest',
      countTestFiles: true,
      results: files.flatMap((f) => f.results),
      files,
      // Jest throws right after handing it over, and so fails the run: its verdict is failed.
      ...(execError && { outsideTests: { errors: [execError], runStatus: 'failed' } }),
      env: this.env,
      write: this.write,
    });
    if (this.registry) closeRegistry(this.registry);
  }

  /** The upload's error when it failed and failOnUploadError is on; Jest then exits with code 1. */
  getLastError(): Error | undefined {
    return this.lastError;
  }
}

/**
 * One test file as one Jest project ran it: projects (each with its displayName) may run the same file, and
 * each of those runs is a result of its own.
 */
function fileKey(file: JestTestFileResult): string {
  const project = typeof file.displayName === 'string' ? file.displayName : file.displayName?.name;
  return `${project ?? ''}\u0000${file.testFilePath}`;
}

/** Runs in which the reporter records nothing although it has a token, and the one line that says so. */
function notRecordingLine(globalConfig: JestGlobalConfigLike | undefined): string | undefined {
  if (globalConfig?.collectTests) return `${REPORTER_PREFIX} jest --collectTests runs no test, so nothing is recorded.`;
  if (globalConfig?.watch || globalConfig?.watchAll) return `${REPORTER_PREFIX} Watch mode: test results are not recorded in Testsigma Test Management.`;
  return undefined;
}
