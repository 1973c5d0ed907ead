/**
 * The one error model. Every failure the tool reports has a stable `code` from ERROR_CODES (for scripts and
 * tests) and a message that says what was expected, what was received and what to do. The exit status of every
 * code is decided here, in the table, and nowhere else; the core README's error table is this table.
 *
 * The exit rule: 2 for everything the user must fix in the settings, the command line or the input files —
 * whether it is found locally or by the service (a refused token, an unknown project or run, a closed run);
 * 1 when the service failed or results were left unsent; 1 for an internal error (a bug of ours); 128 + the
 * signal's number when a signal stopped the tool (the shell's convention, which CI systems read as cancelled).
 */

interface CodeInfo {
  exit: 1 | 2 | 130 | 143;
  meaning: string;
  todo: string;
}

export const ERROR_CODES = {
  USAGE_UNKNOWN_COMMAND: { exit: 2, meaning: "The command is not one of the CLI's commands.", todo: 'Run `testsigma-tm --help`.' },
  USAGE_BAD_OPTION: {
    exit: 2,
    meaning: 'An unknown flag, or a flag without its value.',
    todo: 'Check the spelling (a suggestion is printed), or run the command with `--help`.',
  },
  USAGE_NO_FILES: { exit: 2, meaning: 'No result file was given.', todo: 'Pass paths or globs of result files.' },
  CONFIG_INVALID: { exit: 2, meaning: 'One or more settings have invalid values (all are listed).', todo: 'Fix each value named in the message.' },
  CONFIG_UNKNOWN_OPTION: {
    exit: 2,
    meaning: 'A reporter option, config file key or Action input is not a setting.',
    todo: 'Check the spelling (a suggestion is printed).',
  },
  CONFIG_MISSING_TOKEN: { exit: 2, meaning: 'No API token.', todo: 'Set TESTSIGMA_API_TOKEN (Action: the api-token input) to a key from Settings > API Keys.' },
  CONFIG_MISSING_PROJECT: { exit: 2, meaning: 'No project.', todo: 'Set the project to its UUID or exact name.' },
  CONFIG_UNKNOWN_PROJECT: {
    exit: 2,
    meaning: 'No project has that id or name (the message lists those the token can see).',
    todo: 'Set the project to one of them.',
  },
  CONFIG_AMBIGUOUS_PROJECT: { exit: 2, meaning: 'Several projects have that name.', todo: 'Set the project by its UUID.' },
  CONFIG_UNKNOWN_USER: { exit: 2, meaning: 'No user has the configured e-mail.', todo: 'Set the user e-mail to a user of the account, or unset it.' },
  CONFIG_NO_USER: { exit: 2, meaning: 'The account has no user to record results as.', todo: 'Set the user e-mail.' },
  CONFIG_UNKNOWN_TEST_PLAN: {
    exit: 2,
    meaning: 'The project has no test plan with that UUID or human id (the message lists its plans).',
    todo: 'Set the test plan to one of them, or unset it.',
  },
  CONFIG_RUN_CLOSED: { exit: 2, meaning: 'The run to record into is closed and takes no results.', todo: 'Reopen it, or record into a new run.' },
  CONFIG_STATUS_MAPPING: { exit: 2, meaning: 'The status map is malformed.', todo: 'Write it as outcome=Status pairs, e.g. skipped=Blocked.' },
  CONFIG_STATUS_MISSING: {
    exit: 2,
    meaning: 'A status the mapping needs is not offered by the service.',
    todo: 'Map the outcome to a status the account has (the message lists them).',
  },
  CONFIG_CASE_LOOKUP_MISSING: {
    exit: 2,
    meaning: 'A status, priority, type or automation type for created test cases is not offered by the service.',
    todo: 'Set it to a name the account has (the message lists them).',
  },
  INPUT_NOT_FOUND: { exit: 2, meaning: 'A path or glob matched no file.', todo: 'Check the path, and that the test step wrote its results first.' },
  INPUT_EMPTY: { exit: 2, meaning: 'A result file is empty.', todo: 'The test run probably crashed before writing results.' },
  INPUT_NOT_RESULTS: {
    exit: 2,
    meaning: 'A file is not in a format this tool reads.',
    todo: 'Point at results in a format this tool reads (the message lists them and the command that writes one).',
  },
  INPUT_NO_TESTS: {
    exit: 2,
    meaning: 'Every result file was read and none holds a test (fail-on-empty).',
    todo: 'Check that the test step ran tests (a filter that selected none, a crash before the first test), or turn fail-on-empty off.',
  },
  INPUT_MALFORMED: { exit: 2, meaning: 'A result file is truncated or malformed.', todo: 'Regenerate it.' },
  INPUT_HOSTILE: {
    exit: 2,
    meaning: 'A result file uses XML features that are refused (DOCTYPE, external entities).',
    todo: 'Write results without a DOCTYPE.',
  },
  INPUT_TOO_LARGE: { exit: 2, meaning: 'A result file is over the size limit.', todo: 'Split the results into several files.' },
  INPUT_UNREADABLE: { exit: 2, meaning: 'A result file could not be read.', todo: 'Check that it exists and is readable.' },
  INPUT_NOT_REGULAR_FILE: { exit: 2, meaning: 'A result path is a device, FIFO or socket (or a link to one).', todo: 'Point at a regular file.' },
  INPUT_ARTIFACT: {
    exit: 2,
    meaning: "The Action's artifact input: the triggering run's artifact is missing, expired, too large or holds a path outside its folder.",
    todo: 'Upload the result files in the first workflow with actions/upload-artifact (if: always()) under the name the artifact input gives, and grant actions: read.',
  },
  INPUT_FILES_FAILED: { exit: 2, meaning: 'Several result files could not be used (each is listed).', todo: 'Fix each file named.' },
  INPUT_NOTHING_READABLE: { exit: 2, meaning: 'No result file could be used, so nothing was sent.', todo: 'Fix the files named above it.' },
  INPUT_RUN_FAILED: {
    exit: 2,
    meaning:
      "A result file says that the run that wrote it failed outside any test (Playwright's errors[]: a global setup or teardown, a worker; Jest's runExecError: its test runner; a TRX file's RunInfo of level Error or an aborted run: a crashed test host; an Allure globals file's errors: a hook): its results were recorded, but tests it kept from running are in no file.",
    todo: "Fix the error named (the test step's output shows it in full) and run the tests again.",
  },
  UNMAPPED_TESTS: {
    exit: 2,
    meaning: 'Tests map to no test case while the unmapped policy is fail.',
    todo: 'Add case ids to the tests, or set the unmapped policy to warn.',
  },
  API_UNAUTHORIZED: { exit: 2, meaning: 'HTTP 401: the token was refused.', todo: 'Check the token setting.' },
  API_FORBIDDEN: { exit: 2, meaning: 'HTTP 403: the token may not do this.', todo: 'Use a key of a user with access to the project.' },
  API_NOT_FOUND: { exit: 2, meaning: 'HTTP 404: a resource does not exist.', todo: 'Check the id or name, and the base URL.' },
  API_REJECTED: {
    exit: 1,
    meaning: 'HTTP 400/422: the service refused a request as invalid.',
    todo: "Read the service's message; report it if the request came from this tool.",
  },
  API_PAYLOAD_TOO_LARGE: { exit: 1, meaning: 'HTTP 413 for a single result that cannot be split further.', todo: "Shorten the result's text or attachments." },
  API_RATE_LIMITED: {
    exit: 1,
    meaning: 'The service kept answering "rate limit exceeded" until the deadline.',
    todo: 'Run fewer uploads with one token at once, or raise the deadline.',
  },
  API_SERVER_ERROR: { exit: 1, meaning: 'HTTP 5xx after every retry.', todo: 'Try again later; resume from the spool file if one was written.' },
  API_UNREACHABLE: {
    exit: 1,
    meaning: 'No answer (connection refused, reset, timeout, DNS) after every retry.',
    todo: 'Check the network, proxy and base URL.',
  },
  API_BASE_URL: {
    exit: 2,
    meaning:
      'Before the service ever answered: a refused connection, an unknown host, a TLS error or an answer that is not the API (an HTML page, a 404 under a base URL without /api/v1).',
    todo: 'Fix the base URL named in the message (it ends in /api/v1), then send the spooled results with `testsigma-tm resume`.',
  },
  API_BODY_CUT_OFF: {
    exit: 1,
    meaning: 'The connection was closed while a request with files was being sent (what a proxy does with a body over its size limit).',
    todo: 'The files are named in the summary and the results recorded without them; shorten or exclude large attachments.',
  },
  API_UNEXPECTED_STATUS: { exit: 1, meaning: 'An HTTP status the client does not expect.', todo: 'Report it with the request id.' },
  API_UNEXPECTED_BODY: {
    exit: 1,
    meaning: 'A 2xx answer without the JSON expected (a proxy or login page, or a changed API).',
    todo: 'Check the base URL; report it with the request id.',
  },
  API_LIST_INCOMPLETE: {
    exit: 1,
    meaning: 'A list ended with fewer items than its total_count announced, twice.',
    todo: 'Try again later (resume from the spool file if one was written); report it with the request id if it persists.',
  },
  API_PAGINATION_LOOP: { exit: 1, meaning: 'A list kept repeating pages.', todo: 'Report it with the request id.' },
  API_FOREIGN_LINK: { exit: 1, meaning: 'A next-page link points at another host; the token is not sent there.', todo: 'Report it with the request id.' },
  VERIFY_MISMATCH: {
    exit: 1,
    meaning: 'Reading the run back after the upload, some cases do not hold the result sent.',
    todo: 'Check the cases named; another job may have recorded the same case at the same time.',
  },
  RUN_NOT_CLOSED: {
    exit: 1,
    meaning:
      'A run was left open: the service answered its close but reading it back it is still ACTIVE, or an upload (or its `resume`) recorded its results and then could not close the run (the deadline passed, or the service refused a request of the close other than for its token), or the deadline stopped `run close` or the service refused its close (not for its token: that is RUN_CLOSE_FORBIDDEN).',
    todo: 'Close the run in Testsigma, or with `testsigma-tm run close` (the message names the run, and gives the whole command when an upload left it open; TESTSIGMA_API_TOKEN set); when `run close` itself was stopped or refused, run it again once the service answers or takes the close.',
  },
  RUN_CLOSE_FORBIDDEN: {
    exit: 2,
    meaning:
      'A run was left open because the service refused the token a request of its close (HTTP 401 or 403): an upload (or its `resume`) recorded its results and then could not close the run, or `run close` could not. Running the same close again with the same token cannot succeed.',
    todo: "Close the run with TESTSIGMA_API_TOKEN (the Action's api-token input) set to a key of a user allowed to close the project's test runs: the message gives the command.",
  },
  RUN_DELETED: {
    exit: 2,
    meaning:
      'The test run a spool file names no longer exists (deleted in Testsigma while an `upload` or a `resume` was sending to it, or since the upload wrote to it; the service answers 404 for it). Nothing (more) was sent to it, and the spool file holds every result.',
    todo: "Send them into a new run with `testsigma-tm resume --new-run FILE` (with a run key: the key's open run, else a new one).",
  },
  UNSENT_RESULTS: {
    exit: 1,
    meaning: 'Some results could not be recorded although the service answered.',
    todo: 'Read the per-case reasons; resume from the spool file if one was written.',
  },
  INTERRUPTED: {
    exit: 130,
    meaning:
      'SIGINT (Ctrl-C, or a CI system cancelling the job) stopped the upload or `resume`: no new request was sent, and what was not recorded was written to (or kept in) a spool file (nothing, when an upload had written nothing yet); or it stopped `run close`, the run left open.',
    todo: 'Send the spooled results with the `testsigma-tm resume` command the message gives; when the message says nothing was written, run the upload again; after `run close`, run it again.',
  },
  TERMINATED: {
    exit: 143,
    meaning: 'SIGTERM (a CI system cancelling the job, a container stopping) stopped the upload, `resume` or `run close`, as SIGINT does (INTERRUPTED).',
    todo: 'Send the spooled results with the `testsigma-tm resume` command the message gives; when the message says nothing was written, run the upload again; after `run close`, run it again.',
  },
  INTERNAL: { exit: 1, meaning: 'A bug of testsigma-tm.', todo: 'Report it with the message.' },
} as const satisfies Record<string, CodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export type ErrorCategory = 'usage' | 'config' | 'input' | 'service' | 'interrupted' | 'internal';

/**
 * Marks the errors of every copy of core. There can be two in one process: the reporters load core's
 * `/reporter` entry, a bundle with classes of its own, while a user's code imports the package (and a project can
 * install two versions). `instanceof` then holds across the copies, by class name along the prototype chain.
 */
const CORE_ERROR = Symbol.for('testsigma-tm-core.error');

export abstract class TestsigmaTmError extends Error {
  abstract readonly category: ErrorCategory;
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
    Object.defineProperty(this, CORE_ERROR, { value: true });
  }

  static override [Symbol.hasInstance](this: abstract new (...args: never[]) => unknown, value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== 'object' || value === null || !(CORE_ERROR in value)) return false;
    for (let proto: unknown = Object.getPrototypeOf(value); proto && proto !== Error.prototype; proto = Object.getPrototypeOf(proto)) {
      if ((proto as { constructor?: { name?: string } }).constructor?.name === this.name) return true;
    }
    return false;
  }
}

/** Wrong command line: unknown flag, missing argument. */
export class UsageError extends TestsigmaTmError {
  readonly category = 'usage';
}

/** A setting is missing or invalid (token, project, base URL, an option's value). */
export class ConfigError extends TestsigmaTmError {
  readonly category = 'config';
}

/** A result file is missing, not a result file, malformed or hostile. Always names the file. */
export class InputError extends TestsigmaTmError {
  readonly category = 'input';
  readonly file: string;

  constructor(code: ErrorCode, file: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.file = file;
  }
}

/** Tests that map to no test case while the unmapped policy is `fail`, and similar mapping problems. */
export class MappingError extends TestsigmaTmError {
  readonly category = 'input';
}

export interface ApiErrorDetails {
  method: string;
  /** Path relative to the base URL, with the query; never the token. */
  path: string;
  /** HTTP status, or undefined when no answer came (reset, timeout, DNS). */
  status?: number;
  serverMessage?: string;
  requestId?: string;
  /** The client stopped retrying because the deadline passed (not at once, as for a refusal). */
  deadlinePassed?: boolean;
}

/**
 * The service refused or could not be reached (after retries). Carries what a person needs to report it:
 * method, path, status, the server's own message and the request id.
 */
export class ApiError extends TestsigmaTmError {
  readonly category = 'service';
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly serverMessage: string | undefined;
  readonly requestId: string | undefined;
  readonly deadlinePassed: boolean;

  constructor(code: ErrorCode, details: ApiErrorDetails, hint: string, options?: { cause?: unknown }) {
    super(code, formatApiMessage(details, hint), options);
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.serverMessage = details.serverMessage;
    this.requestId = details.requestId;
    this.deadlinePassed = details.deadlinePassed ?? false;
  }
}

/** Results that could not be delivered although the service answered (e.g. some batches refused). */
export class UnsentResultsError extends TestsigmaTmError {
  readonly category = 'service';
}

/** Stopped by a signal (INTERRUPTED, TERMINATED): the message says what was recorded and what was spooled. */
export class InterruptedError extends TestsigmaTmError {
  readonly category = 'interrupted';
}

/** A bug of ours: anything thrown that is not one of the errors above ends up as this, with the cause kept. */
export class InternalError extends TestsigmaTmError {
  readonly category = 'internal';
}

function formatApiMessage(d: ApiErrorDetails, hint: string): string {
  const status = d.status === undefined ? 'no answer' : `HTTP ${d.status}`;
  const server = d.serverMessage ? `: ${d.serverMessage}` : '';
  const requestId = d.requestId ? ` (request id ${d.requestId})` : '';
  return `${d.method} ${d.path} failed with ${status}${server}${requestId}. ${hint}`.trim();
}

/** The one place that turns an error into a process exit code: the code's row in ERROR_CODES. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof TestsigmaTmError) return ERROR_CODES[error.code].exit;
  // An unexpected exception is a bug of ours, and the results did not land.
  return ERROR_CODES.INTERNAL.exit;
}

/** Anything thrown becomes a tool error: ours as they are, anything else an InternalError keeping the cause. */
export function asToolError(error: unknown, product = 'testsigma-tm'): TestsigmaTmError {
  if (error instanceof TestsigmaTmError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new InternalError('INTERNAL', `Unexpected failure: ${message}. Please report this as a bug of ${product}.`, { cause: error });
}
