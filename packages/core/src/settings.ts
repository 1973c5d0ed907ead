/**
 * The one settings resolver shared by the CLI, the Action and the reporters.
 * Precedence: an explicit value (CLI flag, Action input, reporter option) > environment variable > default.
 * Every setting is documented once, here, with its default; the READMEs are written from this table.
 */
import { ConfigError } from './errors.js';
import { parseStatusMapping, type StatusMapping } from './map/status.js';

export type UnmappedPolicy = 'ignore' | 'warn' | 'fail';

export const DEFAULT_BASE_URL = 'https://test-management.testsigma.com/api/v1';

export interface Settings {
  /** API token. Environment only (`TESTSIGMA_API_TOKEN`) for the CLI; never printed, logged or written. */
  token: string | undefined;
  /** Project UUID or exact project name. Env `TESTSIGMA_PROJECT_ID`. Required. */
  projectId: string | undefined;
  /** API base URL. Env `TESTSIGMA_BASE_URL`. Default `https://test-management.testsigma.com/api/v1`. */
  baseUrl: string;
  /** Record into this existing run (UUID or human id like `DEMO-R-3`) instead of creating one. Env `TESTSIGMA_RUN_ID`. */
  runId: string | undefined;
  /** Title of the run to create. Env `TESTSIGMA_RUN_TITLE`. Default: built from the CI context. */
  runTitle: string | undefined;
  /** Close the run at the end when this upload created it. Env `TESTSIGMA_CLOSE_RUN`. Default `true`. */
  closeRun: boolean;
  /** What to do with tests that map to no test case: `ignore`, `warn` or `fail`. Env `TESTSIGMA_UNMAPPED`. Default `warn`. */
  unmapped: UnmappedPolicy;
  /** Entries per result request, 1–100. Env `TESTSIGMA_BATCH_SIZE`. Default `100`. */
  batchSize: number;
  /** Parse and map, report what would be sent, write nothing. Env `TESTSIGMA_DRY_RUN`. Default `false`. */
  dryRun: boolean;
  /** E-mail of the user results are recorded as. Env `TESTSIGMA_USER_EMAIL`. Default: the first active user. */
  userEmail: string | undefined;
  /** Per-request timeout in milliseconds. Env `TESTSIGMA_TIMEOUT_MS`. Default `30000`. */
  timeoutMs: number;
  /**
   * Outcome → status name overrides, e.g. `skipped=Blocked,error=Blocked` (keys: passed, failed, error, skipped,
   * flaky). Env `TESTSIGMA_STATUS_MAP`. Default: passed→Passed, failed/error→Failed, skipped→Skipped, flaky→Passed.
   */
  statusMap: Partial<StatusMapping>;
  /** Reporters only: fail the test run when the upload fails. Env `TESTSIGMA_FAIL_ON_UPLOAD_ERROR`. Default `true`. */
  failOnUploadError: boolean;
}

/** Values as a host hands them over: strings from flags/inputs/env, or typed values from reporter options. */
export type SettingsInput = { [K in keyof Settings]?: unknown };

/** Environment variable of each setting. */
export const SETTING_ENV: Record<keyof Settings, string> = {
  token: 'TESTSIGMA_API_TOKEN',
  projectId: 'TESTSIGMA_PROJECT_ID',
  baseUrl: 'TESTSIGMA_BASE_URL',
  runId: 'TESTSIGMA_RUN_ID',
  runTitle: 'TESTSIGMA_RUN_TITLE',
  closeRun: 'TESTSIGMA_CLOSE_RUN',
  unmapped: 'TESTSIGMA_UNMAPPED',
  batchSize: 'TESTSIGMA_BATCH_SIZE',
  dryRun: 'TESTSIGMA_DRY_RUN',
  userEmail: 'TESTSIGMA_USER_EMAIL',
  timeoutMs: 'TESTSIGMA_TIMEOUT_MS',
  statusMap: 'TESTSIGMA_STATUS_MAP',
  failOnUploadError: 'TESTSIGMA_FAIL_ON_UPLOAD_ERROR',
};

export const SETTING_DEFAULTS = {
  baseUrl: DEFAULT_BASE_URL,
  closeRun: true,
  unmapped: 'warn',
  batchSize: 100,
  dryRun: false,
  timeoutMs: 30_000,
  failOnUploadError: true,
} as const satisfies Partial<Settings>;

export type Env = Record<string, string | undefined>;

/**
 * Resolve every setting from explicit values, then the environment, then the default.
 * Throws one ConfigError listing every invalid value (so a user fixes them all in one go).
 * `names` lets a host say how it calls a setting in messages (`--project`, `project-id`, `projectId`).
 */
export function resolveSettings(explicit: SettingsInput, env: Env, names: Partial<Record<keyof Settings, string>> = {}): Settings {
  const problems: string[] = [];
  const pick = (key: keyof Settings): { value: unknown; from: string } | undefined => {
    const given = explicit[key];
    if (given !== undefined && given !== null && given !== '') return { value: given, from: names[key] ?? key };
    const fromEnv = env[SETTING_ENV[key]];
    if (fromEnv !== undefined && fromEnv.trim() !== '') return { value: fromEnv, from: SETTING_ENV[key] };
    return undefined;
  };

  const text = (key: keyof Settings): string | undefined => {
    const got = pick(key);
    if (!got) return undefined;
    if (typeof got.value !== 'string') {
      problems.push(`${got.from}: expected a string, received ${describe(got.value)}`);
      return undefined;
    }
    return got.value.trim();
  };

  const bool = (key: keyof Settings, fallback: boolean): boolean => {
    const got = pick(key);
    if (!got) return fallback;
    const parsed = parseBoolean(got.value);
    if (parsed === undefined) {
      problems.push(`${got.from}: expected true or false, received ${describe(got.value)}`);
      return fallback;
    }
    return parsed;
  };

  const int = (key: keyof Settings, fallback: number, min: number, max: number): number => {
    const got = pick(key);
    if (!got) return fallback;
    const n = typeof got.value === 'number' ? got.value : typeof got.value === 'string' && /^\s*\d+\s*$/.test(got.value) ? Number(got.value) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${got.from}: expected a whole number from ${min} to ${max}, received ${describe(got.value)}`);
      return fallback;
    }
    return n;
  };

  // A status map comes as text (flag, env) or as an object (reporter option); both go through one parser.
  const statusMap = (): Partial<StatusMapping> => {
    const got = pick('statusMap');
    if (!got) return {};
    const text = typeof got.value === 'string' ? got.value : isPlainObject(got.value) ? Object.entries(got.value).map(([k, v]) => `${k}=${String(v)}`).join(',') : undefined;
    if (text === undefined) {
      problems.push(`${got.from}: expected "outcome=Status,..." or an object, received ${describe(got.value)}`);
      return {};
    }
    try {
      return parseStatusMapping(text);
    } catch (error) {
      problems.push(`${got.from}: ${(error as Error).message}`);
      return {};
    }
  };

  const unmappedRaw = text('unmapped')?.toLowerCase();
  let unmapped: UnmappedPolicy = SETTING_DEFAULTS.unmapped;
  if (unmappedRaw !== undefined) {
    if (unmappedRaw === 'ignore' || unmappedRaw === 'warn' || unmappedRaw === 'fail') unmapped = unmappedRaw;
    else problems.push(`${pick('unmapped')?.from}: expected one of ignore, warn, fail, received ${describe(unmappedRaw)}`);
  }

  const baseUrl = (text('baseUrl') ?? SETTING_DEFAULTS.baseUrl).replace(/\/+$/, '');
  if (!isHttpUrl(baseUrl)) {
    problems.push(`${pick('baseUrl')?.from ?? 'baseUrl'}: expected an http(s) URL such as ${DEFAULT_BASE_URL}, received ${describe(baseUrl)}`);
  }

  const settings: Settings = {
    token: text('token'),
    projectId: text('projectId'),
    baseUrl,
    runId: text('runId'),
    runTitle: text('runTitle'),
    closeRun: bool('closeRun', SETTING_DEFAULTS.closeRun),
    unmapped,
    batchSize: int('batchSize', SETTING_DEFAULTS.batchSize, 1, 100),
    dryRun: bool('dryRun', SETTING_DEFAULTS.dryRun),
    userEmail: text('userEmail'),
    timeoutMs: int('timeoutMs', SETTING_DEFAULTS.timeoutMs, 100, 600_000),
    statusMap: statusMap(),
    failOnUploadError: bool('failOnUploadError', SETTING_DEFAULTS.failOnUploadError),
  };

  if (problems.length > 0) {
    throw new ConfigError('CONFIG_INVALID', `Invalid settings:\n  - ${problems.join('\n  - ')}`);
  }
  return settings;
}

/** Strict: `false`, `0`, `no`, `off` are false — never "any non-empty string is true". */
export function parseBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Options of the Jest and Playwright reporters: each setting under its own name, so its documentation and
 * default above are the reporters' too (editors show them on hover). The token may come as `apiToken`, but a
 * config file is easily committed: prefer TESTSIGMA_API_TOKEN.
 */
export type ReporterOptions = Partial<Omit<Settings, 'token' | 'statusMap'>> & {
  /** Prefer the `TESTSIGMA_API_TOKEN` environment variable: a token in a config file ends up in git. */
  apiToken?: string;
  /** Outcome → status name, as an object (`{ skipped: 'Blocked' }`) or text (`'skipped=Blocked'`). Env `TESTSIGMA_STATUS_MAP`. */
  statusMap?: string | Partial<StatusMapping>;
};

/** Reporter option names: the settings' own names, with the token as `apiToken`. */
export const REPORTER_OPTIONS: readonly (keyof ReporterOptions)[] = ['apiToken', 'projectId', 'baseUrl', 'runId', 'runTitle', 'closeRun', 'unmapped', 'batchSize', 'dryRun', 'userEmail', 'timeoutMs', 'statusMap', 'failOnUploadError'];

/**
 * Settings from a reporter's options object (Jest, Playwright). Unknown option names are refused with the
 * list of known ones, so a typo such as `projectID` stops the run at start instead of being ignored.
 */
export function resolveReporterSettings(options: unknown, env: Env): Settings {
  if (options === undefined || options === null) options = {};
  if (!isPlainObject(options)) throw new ConfigError('CONFIG_INVALID', `Reporter options: expected an object such as { projectId: 'Demo' }, received ${describe(options)}`);
  const known = new Set<string>(REPORTER_OPTIONS);
  const unknown = Object.keys(options).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new ConfigError('CONFIG_UNKNOWN_OPTION', `Unknown reporter option(s) ${unknown.map((k) => `"${k}"`).join(', ')}: expected any of ${REPORTER_OPTIONS.join(', ')}.`);
  }
  const { apiToken, ...rest } = options as Record<string, unknown>;
  return resolveSettings({ ...rest, token: apiToken }, env, { token: 'apiToken' });
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === null) return 'null';
  return `${typeof value} ${JSON.stringify(value) ?? String(value)}`;
}
