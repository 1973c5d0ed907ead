/**
 * How a setting's raw value becomes a typed one. Values arrive as strings (flags, Action inputs, environment
 * variables) or typed (reporter options, the config file); every parser takes both and says, when it refuses a
 * value, what it expected — the resolver adds where the value came from and what it received.
 */
import { parseStatusMapping, type StatusMapping } from '../map/status.js';

type Parsed<T> = { value: T } | { problem: string };

export interface Parser<T> {
  /** Shown in `--help` and the generated reference, e.g. `true|false`. */
  kind: string;
  parse(raw: unknown): Parsed<T>;
}

export const text: Parser<string> = {
  kind: 'text',
  parse: (raw) => (typeof raw === 'string' ? { value: raw.trim() } : { problem: 'expected a string' }),
};

/** Strict: `false`, `0`, `no`, `off` are false — never "any non-empty string is true". */
export function parseBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return undefined;
}

export const bool: Parser<boolean> = {
  kind: 'true|false',
  parse: (raw) => {
    const value = parseBoolean(raw);
    return value === undefined ? { problem: 'expected true or false' } : { value };
  },
};

export function wholeNumber(min: number, max: number): Parser<number> {
  return {
    kind: `${min}-${max}`,
    parse: (raw) => {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
      return Number.isInteger(n) && n >= min && n <= max ? { value: n } : { problem: `expected a whole number from ${min} to ${max}` };
    },
  };
}

export function oneOf<const T extends string>(...values: T[]): Parser<T> {
  return {
    kind: values.join('|'),
    parse: (raw) => {
      const v = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
      return v !== undefined && (values as string[]).includes(v) ? { value: v as T } : { problem: `expected one of ${values.join(', ')}` };
    },
  };
}

/** An http(s) URL without trailing slashes. Credentials in it are refused: they would end up in logs. */
export const httpUrl: Parser<string> = {
  kind: 'url',
  parse: (raw) => {
    if (typeof raw !== 'string') return { problem: 'expected an http(s) URL' };
    const value = raw.trim().replace(/\/+$/, '');
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return { problem: 'expected an http(s) URL such as https://test-management.testsigma.com/api/v1' };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return { problem: 'expected an http(s) URL such as https://test-management.testsigma.com/api/v1' };
    if (url.username || url.password) return { problem: 'expected a URL without user name or password in it (the token is the only credential)' };
    return { value };
  },
};

/**
 * Why a token cannot be sent, or undefined: it travels in the Authorization header, where a line break or a
 * control character is refused by the HTTP layer on every try — a setting to fix, not an outage to wait out.
 * Never says what the token holds.
 */
export function tokenProblem(token: string): string | undefined {
  if (/[\r\n]/.test(token)) return 'expected an API key on one line, and it holds a line break (pasted with an extra line?)';
  // Visible ASCII only: what the service issues, and what every HTTP layer accepts in a header.
  if (!/^[\x21-\x7e]+$/.test(token))
    return 'expected an API key of visible ASCII characters, and it holds a space, a control character or a non-ASCII character';
  return undefined;
}

/** The API token: trimmed text that can be sent in a header. */
export const apiToken: Parser<string | undefined> = {
  kind: 'text',
  parse: (raw) => {
    const parsed = text.parse(raw);
    if ('problem' in parsed || parsed.value === '') return parsed;
    const problem = tokenProblem(parsed.value);
    return problem ? { problem } : parsed;
  },
};

/** A list: an array, or text separated by commas or new lines (a repeated flag arrives as an array). */
export const list: Parser<string[]> = {
  kind: 'a,b',
  parse: (raw) => {
    const items = Array.isArray(raw)
      ? raw.flatMap((item) => (typeof item === 'string' ? item.split(/[,\n]/) : [item]))
      : typeof raw === 'string'
        ? raw.split(/[,\n]/)
        : undefined;
    if (!items || items.some((item) => typeof item !== 'string')) return { problem: 'expected a list of names, separated by commas' };
    return { value: [...new Set((items as string[]).map((item) => item.trim()).filter((item) => item !== ''))] };
  },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A list of UUIDs (lower-cased), for ids the service offers no list of to look names up in. */
export const uuidList: Parser<string[]> = {
  kind: 'uuid,uuid',
  parse: (raw) => {
    const parsed = list.parse(raw);
    if ('problem' in parsed) return { problem: 'expected a list of UUIDs, separated by commas' };
    const bad = parsed.value.filter((item) => !UUID.test(item));
    if (bad.length > 0)
      return { problem: `expected UUIDs such as 0b7e6f8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b, and ${bad.map((b) => JSON.stringify(b)).join(', ')} is not one` };
    return { value: [...new Set(parsed.value.map((item) => item.toLowerCase()))] };
  },
};

/** A test plan's UUID (lower-cased) or human id such as `DEMO-P-3` (upper-cased, without leading zeros). */
export const testPlanRef: Parser<string | undefined> = {
  kind: 'id',
  parse: (raw) => {
    if (typeof raw !== 'string') return { problem: "expected a test plan's UUID or human id such as DEMO-P-3" };
    const value = raw.trim();
    if (UUID.test(value)) return { value: value.toLowerCase() };
    const human = /^(\S+)-P-0*(\d+)$/i.exec(value);
    if (human) return { value: `${(human[1] ?? '').toUpperCase()}-P-${human[2]}` };
    return { problem: "expected a test plan's UUID or human id such as DEMO-P-3 (plans are not looked up by title)" };
  },
};

/** Outcome → status name, as text (`skipped=Blocked,error=Blocked`) or as an object (`{ skipped: 'Blocked' }`). */
export const statusMap: Parser<Partial<StatusMapping>> = {
  kind: 'outcome=Status,...',
  parse: (raw) => {
    const isObject = typeof raw === 'object' && raw !== null && !Array.isArray(raw);
    const source =
      typeof raw === 'string'
        ? raw
        : isObject
          ? Object.entries(raw)
              .map(([k, v]) => `${k}=${String(v)}`)
              .join(',')
          : undefined;
    if (source === undefined) return { problem: 'expected "outcome=Status,..." or an object' };
    try {
      return { value: parseStatusMapping(source) };
    } catch (error) {
      return { problem: (error as Error).message };
    }
  },
};

/** How a refused value is quoted in messages: short, and with its type when it is not a string. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === null) return 'null';
  return `${typeof value} ${JSON.stringify(value) ?? String(value)}`;
}
