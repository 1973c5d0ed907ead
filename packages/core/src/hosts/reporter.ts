/**
 * What every test-runner reporter (Jest, Playwright) does around the upload, written once: resolve its options
 * at start, print prefixed and redacted lines, upload once at the end, and turn the outcome into printed lines
 * and the "should the test run fail" decision (`failOnUploadError`). A reporter only adds what its host needs:
 * how to read the host's results, when to sit a run out, and how to tell the host that the run failed.
 */
import { ConfigError, type ErrorCode } from '../errors.js';
import { redact, type Logger } from '../log.js';
import type { FileOutcome, OutsideTestError, TestResult } from '../model.js';
import { outsideTestsWarning } from '../report/outside-tests.js';
import { warnRepeatedTitles } from '../formats/repeated-titles.js';
import {
  SETTINGS,
  SETTING_KEYS,
  howToSet,
  settingRow,
  type SettingKey,
  readSettings,
  reporterExplicit,
  type Env,
  type Settings,
  type SettingsInput,
  type SettingsReading,
} from '../settings/index.js';

/** Prefix of every line a reporter prints. */
export const REPORTER_PREFIX = '[testsigma-tm]';

/** The one line a reporter prints when no token is set (local runs, pull requests from forks): nothing is recorded. */
export function noTokenMessage(): string {
  return `${REPORTER_PREFIX} No API token (set ${SETTINGS.token.env}): test results were not recorded in Testsigma Test Management.`;
}

/** The line a reporter prints when the run produced no result. */
export function noTestRanMessage(): string {
  return `${REPORTER_PREFIX} No test ran, so nothing was recorded.`;
}

type OptionName<K extends SettingKey> = (typeof SETTINGS)[K] extends { option: infer O extends string } ? O : never;

/**
 * The reporters' options: every setting that has a reporter option in the settings table, under that name, with
 * the setting's type (a status map may also be written as text). Documented in the table and the READMEs.
 */
export type ReporterOptions = { [K in SettingKey as OptionName<K>]?: Settings[K] | (K extends 'statusMap' ? string : never) };

export interface ReporterStart {
  settings: Settings;
  /**
   * Set when a setting could not be read: the reporter then records nothing, says so at start and at the end
   * (sayInvalidSettings), and the test run goes on with its own verdict.
   */
  invalid?: InvalidSettings;
}

interface InvalidSettings {
  /** Every problem at once (a user fixes them all in one go), the package named, the token said as ***. */
  error: ConfigError;
  problems: string[];
  packageName: string;
  /**
   * failOnUploadError is itself among the settings that could not be read: its default (true) applies, so
   * that a run whose results silently went unrecorded does not pass for a recorded one.
   */
  failOnUploadErrorUnread: boolean;
}

/**
 * Settings from a reporter's options (option > TESTSIGMA_* variable > default), resolved when the host constructs
 * the reporter. Never throws for what a user wrote: a test runner stops the whole run when a reporter's
 * constructor throws, and a reporter never breaks the run it reports on. What is wrong is kept in `invalid`
 * instead, every problem at once, with the values that could be read (failOnUploadError first of all) still
 * read. A token without a project could only fail after the whole suite ran, so it is one of those problems,
 * unless the run records nothing anyway (`requireProject: false`).
 */
export function resolveReporterStart(
  options: unknown,
  env: Env,
  packageName: string,
  { requireProject = true }: { requireProject?: boolean } = {},
): ReporterStart {
  const problems: { code: ErrorCode; message: string }[] = [];
  const explicit = readOptions(options, problems);
  const reading = readSettings({ explicit, env }, 'reporter');
  problems.push(...reading.errors.map((message) => ({ code: 'CONFIG_INVALID' as const, message })));
  const settings = reading.settings;
  if (requireProject && settings.token && !settings.projectId) {
    problems.push({ code: 'CONFIG_MISSING_PROJECT', message: `No project: ${howToSet('projectId', 'reporter')}` });
  }
  if (problems.length === 0) return { settings };
  // A refused value is quoted back, and it may be the token pasted in the wrong place: said as ***.
  const said = problems.map((p) => redact(p.message, givenTokens(options, env)));
  const error = new ConfigError(problems[0]!.code, `${packageName}: Invalid settings:\n  - ${said.join('\n  - ')}`);
  return { settings, invalid: { error, problems: said, packageName, failOnUploadErrorUnread: unread('failOnUploadError', explicit, env, reading) } };
}

/**
 * The options as settings. Names that are not options (a typo) and options that are not an object are problems,
 * and the options that are known are still read: `{ projectID: 'Demo', failOnUploadError: false }` keeps its
 * failOnUploadError.
 */
function readOptions(options: unknown, problems: { code: ErrorCode; message: string }[]): SettingsInput {
  try {
    return reporterExplicit(options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push({ code: error.code, message: error.message });
    if (typeof options !== 'object' || options === null || Array.isArray(options)) return {};
    const known = new Set(SETTING_KEYS.map((key) => settingRow(key).option));
    return reporterExplicit(Object.fromEntries(Object.entries(options).filter(([name]) => known.has(name))));
  }
}

/** A setting was given (as an option or a variable) but its value could not be read, so its default applies. */
function unread(key: SettingKey, explicit: SettingsInput, env: Env, reading: SettingsReading): boolean {
  const source = reading.sources[key];
  if (source.kind === 'default') return false;
  const raw = source.kind === 'environment' ? env[settingRow(key).env] : explicit[key];
  return 'problem' in settingRow(key).parse.parse(raw);
}

/**
 * What a reporter says when its settings could not be read: at start (`when: 'start'`), before any test, and
 * again at the end, after the test runner's own output, where a user looks. At the end it returns the error that
 * must mark the test run failed: only when the run would have been recorded (`recording`: there is a token, and
 * the runner is not listing or watching) and failOnUploadError says so. Nothing is recorded either way.
 */
export function sayInvalidSettings(start: ReporterStart, write: (line: string) => void, when: 'start' | 'end', recording: boolean): Error | undefined {
  const invalid = start.invalid;
  if (!invalid) return undefined;
  const failRun = recording && start.settings.failOnUploadError;
  const fix = 'Fix each setting named above (in the reporter options, or the TESTSIGMA_* variable named) and run again.';
  const list = invalid.problems.map((p) => `  - ${p.replaceAll('\n', '\n    ')}`).join('\n');
  const what = recording
    ? when === 'start'
      ? `Test results will not be recorded in Testsigma Test Management: a setting of ${invalid.packageName} is wrong. The tests run anyway.`
      : `Test results were not recorded in Testsigma Test Management: a setting of ${invalid.packageName} is wrong.`
    : `A setting of ${invalid.packageName} is wrong: no test run can be recorded until it is fixed (this one records nothing anyway).`;
  const note = !recording ? '' : ` (${failRunNote(failRun, invalid.failOnUploadErrorUnread, when)})`;
  const text = `${failRun ? 'error' : 'warning'}: ${what}\n${list}\n${fix}${note}`;
  reporterLines(text, [start.settings.token]).forEach((line) => write(line));
  if (when === 'start' || !failRun) return undefined;
  return new ConfigError(invalid.error.code, invalid.error.message);
}

/** The token wherever a reporter can be given it (its option, its variable), for redaction. */
function givenTokens(options: unknown, env: Env): (string | undefined)[] {
  const tokenOption = SETTINGS.token.option;
  const option = tokenOption !== undefined && typeof options === 'object' && options !== null ? (options as Record<string, unknown>)[tokenOption] : undefined;
  return [env[SETTINGS.token.env]?.trim(), typeof option === 'string' ? option.trim() : undefined];
}

/** Text as a reporter prints it: the secrets (the token) replaced by `***`, every line prefixed. */
export function reporterLines(text: string, secrets: readonly (string | undefined)[]): string[] {
  return redact(text, secrets)
    .split('\n')
    .map((line) => `${REPORTER_PREFIX} ${line}`);
}

/** Core's messages as reporter lines (`warning: `, `error: `); debug messages only when TESTSIGMA_DEBUG is on. */
export function reporterLogger(write: (line: string) => void, secrets: readonly (string | undefined)[], env: Env, verbose = false): Logger {
  const flag = env.TESTSIGMA_DEBUG?.trim().toLowerCase();
  const debug = flag !== undefined && !['', '0', 'false', 'no', 'off'].includes(flag);
  const print = (text: string): void => reporterLines(text, secrets).forEach((line) => write(line));
  return {
    debug: (m) => (debug ? print(`debug: ${m}`) : undefined),
    // Progress and waiting lines: a reporter stays quiet in the test runner's output unless asked (verbose).
    info: (m) => (verbose || debug ? print(m) : undefined),
    // One line per stage, even when quiet: the test runner's output never goes silent for a whole upload.
    stage: (m) => print(m),
    warn: (m) => print(`warning: ${m}`),
    error: (m) => print(`error: ${m}`),
  };
}

/** Whether the test run is failed for an upload that did not happen, in words that fit the moment. */
function failRunNote(failRun: boolean, unreadable: boolean, when: 'start' | 'end'): string {
  const marked = when === 'start' ? 'will be marked failed at its end' : 'is marked failed';
  if (unreadable) return `failOnUploadError could not be read either, so its default applies: true, and the test run ${marked}`;
  return failRun
    ? `failOnUploadError is true, so the test run ${marked}`
    : `failOnUploadError is false, so the test run's status ${when === 'start' ? 'will be' : 'is'} kept`;
}

/** A failed upload in one line (unprefixed): an error when it fails the test run, a warning when it does not. */
export function uploadFailureLine(message: string, failOnUploadError: boolean): string {
  return failOnUploadError
    ? `error: ${message} (failOnUploadError is true, so the test run is marked failed)`
    : `warning: ${message} (failOnUploadError is false, so the test run's status is kept)`;
}

/** An exception from the upload itself: uploadResults never throws for what a user can cause, so it is a bug. */
export function unexpectedUploadError(error: unknown, packageName: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`Unexpected failure while uploading results: ${message}. Please report this as a bug of ${packageName}.`, { cause: error });
}

export interface ReporterUpload {
  start: ReporterStart;
  /** Named in the message of an unexpected failure. */
  packageName: string;
  /** How the summary names what was collected: `Jest`, `Playwright`. */
  runner: string;
  /** Say in the summary from how many test files the results came (`files` are passed). */
  countTestFiles?: boolean;
  results: TestResult[];
  files?: FileOutcome[];
  /** Folders besides the working directory and the repository root where the runner writes evidence (Playwright's outputDirs). */
  evidenceRoots?: readonly string[];
  /** Errors the runner reported outside any test, and its verdict for the run: said after the summary (report/outside-tests.ts). */
  outsideTests?: OutsideTests;
  env: Env;
  /** Receives whole lines, without the trailing new line. */
  write: (line: string) => void;
}

/** Errors a runner reported outside any test (Playwright's onError, Jest's runExecError), with the runner's verdict for the run. */
export interface OutsideTests {
  errors: readonly OutsideTestError[];
  /** `failed`, `interrupted`, `timedout`, `passed`: the runner's own word. */
  runStatus: string;
}

/**
 * The end of a reporter's run: upload once, print the summary and any failure, and return the error that must
 * mark the test run failed (only when failOnUploadError is on; its message is redacted). Never rejects.
 */
export async function reportResults(input: ReporterUpload): Promise<Error | undefined> {
  const { settings } = input.start;
  const secrets = [settings.token];
  const print = (text: string): void => reporterLines(text, secrets).forEach((line) => input.write(line));
  const outside = input.outsideTests && outsideTestsWarning(input.runner, input.outsideTests.errors, input.outsideTests.runStatus);
  if (input.results.length === 0) {
    input.write(noTestRanMessage());
    if (outside) print(outside);
    return undefined;
  }
  const uploadTiming = startUploadTiming(input.env);
  let error: Error | undefined;
  try {
    const log = reporterLogger(input.write, secrets, input.env, settings.verbose);
    warnRepeatedTitles(input.results, input.runner, log.warn);
    // The upload machinery (HTTP client, mapping, planning, summaries) is loaded here, once, at the end: a test
    // runner that loads the reporter pays at start only for the settings and the converters, and a run that
    // records nothing (no token, watch mode, --list) never loads it.
    const [{ uploadResults }, { renderText }] = await Promise.all([import('../pipeline/upload.js'), import('../report/summary-text.js')]);
    const outcome = await uploadResults({
      settings,
      results: input.results,
      ...(input.files && { files: input.files }),
      ...(input.evidenceRoots && { evidenceRoots: input.evidenceRoots }),
      env: input.env,
      log,
      host: 'reporter',
    });
    print(renderText(outcome.summary, { collectedBy: input.runner, countTestFiles: input.countTestFiles ?? false }));
    error = outcome.error;
  } catch (thrown) {
    error = unexpectedUploadError(thrown, input.packageName);
  }
  if (outside) print(outside);
  if (error) {
    error.message = redact(error.message, secrets);
    print(uploadFailureLine(error.message, settings.failOnUploadError));
  }
  uploadTiming?.(input.write);
  return error && settings.failOnUploadError ? error : undefined;
}

/**
 * `npm run bench` measures a reporter's overhead with the upload excluded (network time, whichever runner
 * reports): with this variable set, reportResults says how long its upload phase took, from loading the upload
 * machinery to the printed summary. What comes before (loading the reporter, converting and collecting every
 * test) is the reporter's own cost and stays in the measure.
 */
const UPLOAD_TIMING_ENV = 'TESTSIGMA_TM_UPLOAD_TIMING';

function startUploadTiming(env: Env): ((write: (line: string) => void) => void) | undefined {
  if (!env[UPLOAD_TIMING_ENV]) return undefined;
  const startedMs = performance.now();
  const startedCpu = process.cpuUsage();
  return (write) => {
    const cpu = process.cpuUsage(startedCpu);
    const wallMs = Math.round(performance.now() - startedMs);
    const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
    write(`${REPORTER_PREFIX} timing: the upload phase (loading the upload code, lookups, mapping, summary) took ${wallMs} ms wall, ${cpuMs} ms CPU.`);
  };
}
