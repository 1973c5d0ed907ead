/** The error codes as a Markdown table for the core README, generated from ERROR_CODES. */
import { ERROR_CODES } from './errors.js';

export function errorCodesReference(): string {
  const rows = Object.entries(ERROR_CODES).map(([code, info]) => `| \`${code}\` | ${info.exit} | ${info.meaning} | ${info.todo} |`);
  return ['| Code | Exit | Meaning | What to do |', '|---|---|---|---|', ...rows].join('\n');
}
