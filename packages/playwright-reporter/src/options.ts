/**
 * The reporter's options, as written in playwright.config: `['playwright-testsigma-tm-reporter', { projectId: 'Demo' }]`.
 * Every option can also come from its `TESTSIGMA_*` environment variable; an option given here beats the
 * environment. Resolution and validation are core's (`resolveReporterSettings`): one resolver for every host.
 */
import type { ReporterOptions } from 'testsigma-tm-core/reporter';

/** The reporter's options: core's reporter options, documented once in core's settings. */
export type TestsigmaReporterOptions = ReporterOptions;

/**
 * Keys Playwright itself adds to a reporter's options: `configDir`, `_mode` and `_commandHash` always,
 * `onlyFailures: false` under `--list`. Private ones start with `_`. They are not the user's, so core's
 * unknown-option check must not see them.
 */
const PLAYWRIGHT_KEYS = new Set(['configDir', 'onlyFailures']);

function isPlaywrightKey(key: string): boolean {
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
  return { own: unspread(own), listMode: (options as Record<string, unknown>)._mode === 'list' };
}

/**
 * Playwright spreads the user's options into its own object, so options written as a string (`'Demo'`) or an
 * array arrive as one key per character or item. Given back as written, core says they are not an object,
 * instead of refusing options "0", "1", "2"…
 */
function unspread(own: Record<string, unknown>): unknown {
  const values = Object.values(own);
  const spread = values.length > 0 && Object.keys(own).every((key, i) => key === String(i));
  if (!spread) return own;
  return values.every((value) => typeof value === 'string' && value.length === 1) ? values.join('') : values;
}
