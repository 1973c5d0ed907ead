/**
 * The settings without which nothing can be asked of the service (the token and the project): every operation
 * checks them here, once, before it does anything, so the message and the error code are the same for every
 * command, the Action, the reporters and doctor. (The base URL always has a value: its parser checks it.)
 */
import { ConfigError, type ErrorCode } from '../errors.js';
import { invalidSettings, settingLabel, type Host } from './resolve.js';
import { tokenProblem } from './parsers.js';
import type { Settings } from './table.js';

const REQUIRED = {
  token: { code: 'CONFIG_MISSING_TOKEN', missing: 'No API token', value: 'a Test Management API key (Settings > API Keys)' },
  projectId: { code: 'CONFIG_MISSING_PROJECT', missing: 'No project', value: 'the project UUID or its exact name' },
} as const satisfies Record<string, { code: ErrorCode; missing: string; value: string }>;

export type RequiredSetting = keyof typeof REQUIRED;

/** What to do about a missing required setting, in the host's words: `set --project to the project UUID …`. */
export function howToSet(key: RequiredSetting, host: Host | undefined): string {
  return `set ${settingLabel(key, host)} to ${REQUIRED[key].value}.`;
}

/** The first of `keys` that has no value, as the error an operation stops with; undefined when all are set. */
function missingSetting(settings: Partial<Pick<Settings, RequiredSetting>>, keys: readonly RequiredSetting[], host: Host | undefined): ConfigError | undefined {
  const key = keys.find((k) => !settings[k]);
  return key && new ConfigError(REQUIRED[key].code, `${REQUIRED[key].missing}: ${howToSet(key, host)}`);
}

/** The values of `keys`, or the error of the first missing one, thrown. */
export function requireSettings<K extends RequiredSetting>(
  settings: Partial<Pick<Settings, RequiredSetting>>,
  keys: readonly K[],
  host: Host | undefined,
): Record<K, string> {
  const error = missingSetting(settings, keys, host);
  if (error) throw error;
  // A token no header can carry (a line break, a stray character) would fail as an outage: say so at once.
  const malformed = keys.includes('token' as K) && settings.token ? tokenProblem(settings.token) : undefined;
  if (malformed) throw invalidSettings([`${settingLabel('token', host)}: ${malformed}, received a value`]);
  return Object.fromEntries(keys.map((k) => [k, settings[k]])) as Record<K, string>;
}
