/**
 * The CLI's setting flags, generated from the settings table: a row with a `flag` becomes an option of every
 * command that takes settings, with its help line and default from the row. Flag values stay strings here; the
 * one settings resolver parses them, so a flag, its environment variable and a config file read the same way.
 */
import { Option, type Command } from 'commander';
import { SETTING_KEYS, settingRow, type SettingKey, type SettingsInput } from '../../settings/index.js';
import { defaultText } from '../../settings/reference.js';

/** Commander's camelCase property of a flag: `--base-url` → `baseUrl`, `--no-close` → `close`. */
function property(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function helpLine(key: SettingKey): string {
  const r = settingRow(key);
  const shown = typeof r.default === 'boolean' || defaultText(key).startsWith('—') ? '' : ` Default: ${defaultText(key).replace(/`/g, '')}.`;
  return `${r.doc}${shown} [${r.env}]`;
}

/**
 * The help of `--no-<flag>`: the row's doc says what the setting does when on, which under `--no-close` alone
 * read as what the flag does ("--no-close  Close the run at the end").
 */
function offHelpLine(key: SettingKey): string {
  const line = helpLine(key);
  return `Turn off (on by default): ${line.charAt(0).toLowerCase()}${line.slice(1)}`;
}

/**
 * Add the flags of `keys` to a command. A boolean that defaults to true gets `--no-<flag>` (and a hidden
 * `--<flag>`, declared first so that leaving both out keeps the value undefined and the environment decides).
 */
export function addSettingFlags(command: Command, keys: readonly SettingKey[] = SETTING_KEYS): Command {
  for (const key of keys) {
    const r = settingRow(key);
    if (!r.flag) continue;
    const short = r.short ? `-${r.short}, ` : '';
    if (typeof r.default === 'boolean') {
      if (r.default) {
        command.addOption(new Option(`--${r.flag}`).hideHelp());
        command.addOption(new Option(`--no-${r.flag}`, offHelpLine(key)));
      } else {
        command.addOption(new Option(`${short}--${r.flag}`, helpLine(key)));
      }
    } else if (Array.isArray(r.default)) {
      // A list setting's flag may be repeated: `--label a --label b` (or `--label a,b`).
      const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];
      command.addOption(new Option(`${short}--${r.flag} <${r.valueName ?? r.parse.kind}>`, `${helpLine(key)} Repeatable.`).argParser(collect));
    } else {
      command.addOption(new Option(`${short}--${r.flag} <${r.valueName ?? r.parse.kind}>`, helpLine(key)));
    }
  }
  return command;
}

/** Commander's parsed options → explicit setting values by key (only those given). */
export function settingValues(options: Record<string, unknown>, keys: readonly SettingKey[] = SETTING_KEYS): SettingsInput {
  const values: SettingsInput = {};
  for (const key of keys) {
    const flag = settingRow(key).flag;
    if (!flag) continue;
    const value = options[property(flag)];
    if (value !== undefined) values[key] = value;
  }
  return values;
}
