export { DEFAULT_BASE_URL, SETTINGS, SETTING_KEYS, settingRow, type SettingKey, type SettingRow, type Settings, type UnmappedPolicy } from './table.js';
export {
  invalidSettings,
  optionNames,
  readSettings,
  reporterExplicit,
  resolveSettings,
  settingLabel,
  spelling,
  type ConfigFile,
  type Env,
  type Host,
  type SettingSource,
  type SettingsInput,
  type SettingsLayers,
  type SettingsReading,
  type SourceKind,
} from './resolve.js';
export { parseBoolean, describeValue } from './parsers.js';
export { closest } from './suggest.js';
