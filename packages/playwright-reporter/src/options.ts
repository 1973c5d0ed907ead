/**
 * The reporter's options, as written in playwright.config: `['playwright-testsigma-tm-reporter', { projectId: 'Demo' }]`.
 * Every option can also come from its `TESTSIGMA_*` environment variable; an option given here beats the
 * environment. Resolution and validation are core's (`resolveReporterSettings`): one resolver for every host.
 */
import type { Outcome } from 'testsigma-tm-core';

export interface TestsigmaReporterOptions {
  /** Project UUID or exact project name. Env `TESTSIGMA_PROJECT_ID`. Required when a token is set. */
  projectId?: string;
  /** API base URL. Env `TESTSIGMA_BASE_URL`. Default `https://test-management.testsigma.com/api/v1`. */
  baseUrl?: string;
  /** Record into this existing run (UUID or human id like `DEMO-R-3`) instead of creating one. Env `TESTSIGMA_RUN_ID`. */
  runId?: string;
  /** Title of the run to create. Env `TESTSIGMA_RUN_TITLE`. Default: built from the CI context. */
  runTitle?: string;
  /** Close the run at the end when this upload created it. Env `TESTSIGMA_CLOSE_RUN`. Default `true`. */
  closeRun?: boolean;
  /** Tests that map to no test case: `ignore`, `warn` or `fail`. Env `TESTSIGMA_UNMAPPED`. Default `warn`. */
  unmapped?: 'ignore' | 'warn' | 'fail';
  /** Map and report what would be sent, write nothing. Env `TESTSIGMA_DRY_RUN`. Default `false`. */
  dryRun?: boolean;
  /** Mark the Playwright run failed when the upload fails. Env `TESTSIGMA_FAIL_ON_UPLOAD_ERROR`. Default `true`. */
  failOnUploadError?: boolean;
  /** Entries per result request, 1–100. Env `TESTSIGMA_BATCH_SIZE`. Default `100`. */
  batchSize?: number;
  /** E-mail of the user results are recorded as. Env `TESTSIGMA_USER_EMAIL`. Default: the first active user. */
  userEmail?: string;
  /** Per-request timeout in milliseconds. Env `TESTSIGMA_TIMEOUT_MS`. Default `30000`. */
  timeoutMs?: number;
  /**
   * Outcome → status name, e.g. `{ skipped: 'Blocked' }` or `'skipped=Blocked,error=Blocked'`. Env `TESTSIGMA_STATUS_MAP`.
   * Default: passed → Passed, failed/error → Failed, skipped → Skipped, flaky → Passed.
   */
  statusMap?: string | Partial<Record<Outcome, string>>;
  /** The API token. Prefer the `TESTSIGMA_API_TOKEN` environment variable: a config file is easily committed. */
  apiToken?: string;
}

/**
 * Keys Playwright itself adds to a reporter's options: `configDir`, `_mode` and `_commandHash` always,
 * `onlyFailures: false` under `--list`. Private ones start with `_`. They are not the user's, so core's
 * unknown-option check must not see them.
 */
const PLAYWRIGHT_KEYS = new Set(['configDir', 'onlyFailures']);

export function isPlaywrightKey(key: string): boolean {
  return PLAYWRIGHT_KEYS.has(key) || key.startsWith('_');
}

export interface SplitOptions {
  /** The user's options, for core's resolver (which refuses unknown names). */
  own: unknown;
  /** `playwright test --list` constructs reporters too; nothing is uploaded then. */
  listMode: boolean;
}

/** Separate what the user wrote from what Playwright added. Anything that is not an object goes to core as is. */
export function splitOptions(options: unknown): SplitOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return { own: options, listMode: false };
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (!isPlaywrightKey(key)) own[key] = value;
  }
  return { own, listMode: (options as Record<string, unknown>)._mode === 'list' };
}
