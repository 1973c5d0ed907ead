/**
 * The settings reference as Markdown, generated from the table for the READMEs (`npm run docs` writes it, a test
 * checks the committed READMEs are current): one source for every host's documentation.
 */
import { SETTING_KEYS, settingRow, type SettingKey } from './table.js';
import type { Host } from './resolve.js';

function code(text: string | undefined): string {
  return text ? `\`${text}\`` : '—';
}

export function defaultText(key: SettingKey): string {
  const r = settingRow(key);
  if (r.defaultText) return r.defaultText;
  return r.default === undefined ? '—' : code(String(r.default));
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** Every setting with every spelling (the repository README), or one host's view of them. */
export function settingsReference(host?: Host): string {
  const keys = SETTING_KEYS.filter((key) => {
    const r = settingRow(key);
    // The CLI reads the API token from the environment; the Action's GitHub token is no concern of the CLI.
    return host === undefined || (host === 'cli' ? r.flag || (r.secret && r.option) : host === 'action' ? r.input : r.option);
  });
  const header =
    host === 'reporter'
      ? ['Option', 'Environment variable', 'Default', 'What it does']
      : host === 'action'
        ? ['Input', 'Environment variable', 'Default', 'What it does']
        : host === 'cli'
          ? ['Flag', 'Environment variable', 'Default', 'What it does']
          : ['CLI flag', 'Action input', 'Reporter option', 'Environment variable', 'Default', 'What it does'];
  const rows = keys.map((key) => {
    const r = settingRow(key);
    const flag = r.flag ? `--${typeof r.default === 'boolean' && r.default ? 'no-' : ''}${r.flag}` : undefined;
    const own =
      host === 'reporter'
        ? [code(r.option)]
        : host === 'action'
          ? [code(r.input)]
          : host === 'cli'
            ? [code(flag)]
            : [code(flag), code(r.input), code(r.option)];
    return [...own, code(r.env), defaultText(key), r.doc];
  });
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.map(cell).join(' | ')} |`).join('\n');
}
