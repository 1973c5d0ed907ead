/**
 * A test point's YAML diagnostic block (`  ---` … `  ...`), read for the few top-level keys producers agree on;
 * not a YAML parser: the block is also kept as written, as the failure's stack, so nothing else in it is lost.
 *
 * - message: `message` (TAP13's example, node-tap) or `error` (node:test).
 * - duration: `duration_ms` (node:test, bats' tap13 formatter).
 * - where: node:test's `location: '/path/test.js:36:1'`, or `at:` with `file:` and `line:` under it (node-tap).
 */

export interface Diagnostic {
  message?: string;
  durationMs?: number;
  file?: string;
  line?: number;
  /** The block without its indentation. */
  text: string;
}

/** `lines` are the block's lines, its indentation removed. */
export function readDiagnostic(lines: readonly string[]): Diagnostic {
  const values = topLevelScalars(lines);
  const message = values.get('message') ?? values.get('error');
  const duration = Number(values.get('duration_ms'));
  const where = whereFrom(values.get('location')) ?? whereFrom(values.get('at.file'), values.get('at.line'));
  return {
    ...(message !== undefined && message.trim() !== '' && { message: message.trim() }),
    ...(values.has('duration_ms') && Number.isFinite(duration) && duration >= 0 && { durationMs: Math.round(duration) }),
    ...where,
    text: lines.join('\n').trimEnd(),
  };
}

/** `file:line:column` (node:test's location, a `file://` URL or a path) or a file and a line apart. */
function whereFrom(location: string | undefined, line?: string): { file?: string; line?: number } | undefined {
  if (location === undefined || location.trim() === '') return undefined;
  if (line !== undefined) {
    const number = Number(line);
    return { file: location.trim(), ...(Number.isSafeInteger(number) && number > 0 && { line: number }) };
  }
  const parts = /^(.*?):(\d+)(?::\d+)?$/.exec(location.trim());
  const file = (parts?.[1] ?? location.trim()).replace(/^file:\/\//, '');
  return { file, ...(parts !== null && { line: Number(parts[2]) }) };
}

/**
 * Top-level `key: value` pairs whose value is a scalar (plain, quoted, or a `|` / `>` block), and the scalars one
 * level under `at:` as `at.file`, `at.line`.
 */
function topLevelScalars(lines: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  let parent: string | undefined;
  for (let k = 0; k < lines.length; k += 1) {
    const line = lines[k] as string;
    const pair = /^(\s*)([A-Za-z_][\w.-]*)\s*:(?:\s+(.*))?$/.exec(line);
    if (!pair) continue;
    const depth = (pair[1] as string).length;
    if (depth === 0) parent = pair[2];
    else if (parent !== 'at') continue;
    const key = depth === 0 ? (pair[2] as string) : `at.${pair[2] as string}`;
    const raw = (pair[3] ?? '').trim();
    if (/^[|>][+-]?$/.test(raw)) {
      const block: string[] = [];
      while (k + 1 < lines.length && (/^\s*$/.test(lines[k + 1] as string) || indentOf(lines[k + 1] as string) > depth)) block.push(lines[++k] as string);
      const base = block.reduce((least, l) => (l.trim() === '' ? least : Math.min(least, indentOf(l))), Infinity);
      const text = block.map((l) => l.slice(base)).join(raw.startsWith('>') ? ' ' : '\n');
      values.set(key, text.trimEnd());
    } else if (raw.startsWith("'") || raw.startsWith('"')) {
      // A quoted scalar may run on over the following, more indented lines (folded into spaces).
      let text = raw;
      while (!closed(text) && k + 1 < lines.length && indentOf(lines[k + 1] as string) > depth) text += ` ${(lines[++k] as string).trim()}`;
      values.set(key, unquote(text));
    } else if (raw !== '' && raw !== '~' && raw !== 'null') {
      values.set(key, raw);
    }
  }
  return values;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function closed(text: string): boolean {
  const quote = text.charAt(0);
  if (text.length < 2 || !text.endsWith(quote)) return false;
  if (quote === "'") return true;
  let backslashes = 0;
  for (let k = text.length - 2; k > 0 && text.charAt(k) === '\\'; k -= 1) backslashes += 1;
  return backslashes % 2 === 0;
}

function unquote(text: string): string {
  if (text.startsWith("'")) return text.replace(/^'|'$/g, '').replace(/''/g, "'");
  try {
    return String(JSON.parse(text));
  } catch {
    return text.replace(/^"|"$/g, '');
  }
}
