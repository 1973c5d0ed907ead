export { DEFAULT_BASE_URL, SETTINGS, SETTING_KEYS, settingRow, type SettingKey, type Settings } from './table.js';
export {
  invalidSettings,
  readSettings,
  reporterExplicit,
  resolveSettings,
  settingLabel,
  settingName,
  type ConfigFile,
  type Env,
  type Host,
  type SettingSource,
  type SettingsInput,
  type SettingsReading,
} from './resolve.js';
export { parseBoolean } from './parsers.js';
export { closest } from './suggest.js';
export { howToSet, requireSettings } from './required.js';
