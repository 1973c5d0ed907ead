/**
 * Settings from the layers a host has — its explicit values (flags, inputs, options), the environment, a config
 * file — in one pure function that returns the settings, where each came from, warnings and errors (every error
 * at once, so a user fixes them all in one go). Hosts do the I/O (argv, INPUT_*, reading the config file).
 */
import { redact } from '../redact.js';
import { closest } from './suggest.js';
import { describeValue } from './parsers.js';
import { SETTINGS, SETTING_KEYS, settingRow, type SettingKey, type Settings } from './table.js';
import { ConfigError } from '../errors.js';

export type Env = Record<string, string | undefined>;

/** Who hands the values over; decides how messages spell a setting. */
export type Host = 'cli' | 'action' | 'reporter';

type SourceKind = 'flag' | 'input' | 'option' | 'environment' | 'config file' | 'default';

export interface SettingSource {
  kind: SourceKind;
  /** The setting as that source spells it: `--project`, `TESTSIGMA_PROJECT_ID`, `testsigma-tm.config.json: projectId`. */
  name: string;
}

/** Values as a host hands them over, by setting key: strings from flags/inputs, typed values from options. */
export type SettingsInput = Partial<Record<SettingKey, unknown>>;

export interface ConfigFile {
  /** For messages: `testsigma-tm.config.json`, `package.json#testsigma`. */
  path: string;
  /** Keys are the reporter option names (`projectId`, `closeRun`, ...). */
  values: Record<string, unknown>;
}

export interface SettingsLayers {
  explicit?: SettingsInput;
  env: Env;
  file?: ConfigFile;
}

export interface SettingsReading {
  settings: Settings;
  sources: Record<SettingKey, SettingSource>;
  warnings: string[];
  errors: string[];
}

const EXPLICIT_KIND: Record<Host, SourceKind> = { cli: 'flag', action: 'input', reporter: 'option' };

/** How `host` spells a setting in its own place: `--project`, `project-id` (input), `projectId` (option); else the environment variable. */
function spelling(key: SettingKey, host?: Host): string {
  const r = settingRow(key);
  if (host === 'cli' && r.flag) return `--${r.flag}`;
  if (host === 'action' && r.input) return r.input;
  if (host === 'reporter' && r.option) return r.option;
  return r.env;
}

/**
 * A setting named for a message: the host's own spelling and the environment variable (`--project (or
 * TESTSIGMA_PROJECT_ID)`, `the project-id input (or …)`, `the projectId reporter option (or …)`), or, without a
 * host, every spelling. The token is named by its environment variable first outside the Action: that is where
 * it belongs (a reporter option ends up in a committed config file).
 */
export function settingLabel(key: SettingKey, host?: Host): string {
  const r = settingRow(key);
  if (!host) {
    const others = [r.input && `input ${r.input}`, r.option && `option ${r.option}`].filter(Boolean).join(', ');
    return `${[r.flag && `--${r.flag}`, r.env].filter(Boolean).join(' / ')}${others ? ` (${others})` : ''}`;
  }
  const own = ownName(key, host);
  if (!own) return r.env;
  return r.secret && host !== 'action' ? `${r.env} (or ${own})` : `${own} (or ${r.env})`;
}

/** `--deadline`, `the deadline input`, `the deadline reporter option`: the host's own name for a setting, if it has one. */
function ownName(key: SettingKey, host: Host): string | undefined {
  const r = settingRow(key);
  if (host === 'cli' && r.flag) return `--${r.flag}`;
  if (host === 'action' && r.input) return `the ${r.input} input`;
  if (host === 'reporter' && r.option) return `the ${r.option} reporter option`;
  return undefined;
}

/**
 * A setting named once, as a message that gives its value names it: the first name settingLabel gives (the host's
 * own, or the environment variable where that comes first or the host has no other); every spelling without a host.
 */
export function settingName(key: SettingKey, host?: Host): string {
  if (!host) return settingLabel(key);
  const r = settingRow(key);
  const own = ownName(key, host);
  return own && !(r.secret && host !== 'action') ? own : r.env;
}

export function readSettings(layers: SettingsLayers, host?: Host): SettingsReading {
  const errors: string[] = [];
  const warnings: string[] = [];
  const fileValues = layers.file ? checkFileKeys(layers.file, errors, warnings) : {};
  const settings = {} as Record<SettingKey, unknown>;
  const sources = {} as Record<SettingKey, SettingSource>;
  // A refused value is quoted back, and it may be the token given in the wrong place (`--close-run
  // "$TESTSIGMA_API_TOKEN"`): every host's messages say it as ***.
  const tokens = [layers.explicit?.token, layers.env[SETTINGS.token.env]].map((given) => (typeof given === 'string' ? given.trim() : undefined));
  for (const key of SETTING_KEYS) {
    const r = settingRow(key);
    // The first layer that gives a value, in order: explicit, environment, config file; each source named only
    // when it is the one (a host resolves settings once per upload, a crowd of shards once each).
    let source: SettingSource;
    let raw: unknown = layers.explicit?.[key];
    if (isGiven(raw)) {
      source = { kind: host ? EXPLICIT_KIND[host] : 'option', name: host ? spelling(key, host) : key };
    } else if (isGiven((raw = layers.env[r.env]))) {
      source = { kind: 'environment', name: r.env };
    } else if (isGiven((raw = r.option && !r.secret ? fileValues[r.option] : undefined))) {
      source = { kind: 'config file', name: `${layers.file?.path}: ${r.option}` };
    } else {
      settings[key] = r.default;
      sources[key] = { kind: 'default', name: 'default' };
      continue;
    }
    const parsed = r.parse.parse(raw);
    if ('problem' in parsed) {
      errors.push(`${source.name}: ${parsed.problem}, received ${r.secret ? 'a value' : describeValue(typeof raw === 'string' ? redact(raw, tokens) : raw)}`);
      settings[key] = r.default;
    } else {
      settings[key] = parsed.value;
    }
    sources[key] = source;
  }
  return { settings: settings as Settings, sources, warnings, errors };
}

/** An empty value is not given: an empty Action input or `VAR=` falls through to the next layer. */
function isGiven(value: unknown): boolean {
  return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
}

/** Config file keys: option names only, and never the token (a committed file would leak it). */
function checkFileKeys(file: ConfigFile, errors: string[], warnings: string[]): Record<string, unknown> {
  const known = optionNames().filter((name) => name !== SETTINGS.token.option);
  for (const key of Object.keys(file.values)) {
    if (key === SETTINGS.token.option || key === 'token') {
      errors.push(`${file.path}: ${key}: the token is never read from a file (it would end up in git); set ${SETTINGS.token.env} instead`);
    } else if (!known.includes(key)) {
      const hint = closest(key, known);
      warnings.push(`${file.path}: unknown key "${key}" ignored${hint ? ` (did you mean "${hint}"?)` : ''}; known keys: ${known.join(', ')}`);
    }
  }
  return file.values;
}

/** Reporter option names, in table order. */
function optionNames(): string[] {
  return SETTING_KEYS.map((key) => settingRow(key).option).filter((name): name is string => name !== undefined);
}

/** Resolve or throw one ConfigError listing every invalid value. Warnings are the caller's to print. */
export function resolveSettings(explicit: SettingsInput, env: Env, host?: Host, file?: ConfigFile): Settings {
  const reading = readSettings({ explicit, env, ...(file && { file }) }, host);
  if (reading.errors.length > 0) throw invalidSettings(reading.errors);
  return reading.settings;
}

export function invalidSettings(errors: string[]): ConfigError {
  return new ConfigError('CONFIG_INVALID', `Invalid settings:\n  - ${errors.join('\n  - ')}`);
}

/**
 * A reporter's options object → explicit values by setting key. Unknown names are refused with a suggestion and
 * the list of known ones, so a typo such as `projectID` is said at start instead of being ignored.
 */
export function reporterExplicit(options: unknown): SettingsInput {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError('CONFIG_INVALID', `Reporter options: expected an object such as { projectId: 'Demo' }, received ${describeValue(options)}`);
  }
  const byOption = new Map(SETTING_KEYS.flatMap((key) => (settingRow(key).option ? [[settingRow(key).option as string, key] as const] : [])));
  const unknown = Object.keys(options).filter((name) => !byOption.has(name));
  if (unknown.length > 0) {
    const known = [...byOption.keys()];
    const hints = unknown.map((name) => closest(name, known)).filter(Boolean);
    throw new ConfigError(
      'CONFIG_UNKNOWN_OPTION',
      `Unknown reporter option(s) ${unknown.map((k) => `"${k}"`).join(', ')}${hints.length ? ` (did you mean ${hints.map((h) => `"${h}"`).join(', ')}?)` : ''}: expected any of ${known.join(', ')}.`,
    );
  }
  const explicit: SettingsInput = {};
  for (const [name, value] of Object.entries(options)) explicit[byOption.get(name) as SettingKey] = value;
  return explicit;
}
