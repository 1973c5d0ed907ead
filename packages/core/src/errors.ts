/**
 * The one error model. Every failure the tool reports is one of these classes, with a stable `code`
 * (for scripts and tests) and a message that says what was expected, what was received and what to do.
 * Exit codes are decided in exactly one place: `exitCodeFor` below.
 */

export type ErrorCategory = 'usage' | 'config' | 'input' | 'service';

export abstract class TestsigmaTmError extends Error {
  abstract readonly category: ErrorCategory;
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
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

  constructor(code: string, file: string, message: string, options?: { cause?: unknown }) {
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

  constructor(code: string, details: ApiErrorDetails, hint: string, options?: { cause?: unknown }) {
    super(code, formatApiMessage(details, hint), options);
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.serverMessage = details.serverMessage;
    this.requestId = details.requestId;
  }
}

/** Results that could not be delivered although the service answered (e.g. some batches refused). */
export class UnsentResultsError extends TestsigmaTmError {
  readonly category = 'service';
}

function formatApiMessage(d: ApiErrorDetails, hint: string): string {
  const status = d.status === undefined ? 'no answer' : `HTTP ${d.status}`;
  const server = d.serverMessage ? `: ${d.serverMessage}` : '';
  const requestId = d.requestId ? ` (request id ${d.requestId})` : '';
  return `${d.method} ${d.path} failed with ${status}${server}${requestId}. ${hint}`.trim();
}

export const EXIT_OK = 0;
export const EXIT_SERVICE = 1;
export const EXIT_USAGE = 2;

/** The one place that turns an error into a process exit code. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof TestsigmaTmError) {
    return error.category === 'service' ? EXIT_SERVICE : EXIT_USAGE;
  }
  // An unexpected exception is a bug of ours, but the results did not land: report it like a service failure.
  return EXIT_SERVICE;
}
