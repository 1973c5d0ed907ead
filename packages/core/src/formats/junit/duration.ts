/**
 * A JUnit `time` attribute as whole milliseconds. Seconds as most producers write them ("1.5", "1,234.5",
 * "0,014", "1,234", "1.5e-3"), with a unit ("1.5s", "150ms", "2m", "1h"), or as a clock ("00:01:02", "01:02.5").
 * `undefined` with `readable: false` when the value is none of these, so the reader can name it in a warning.
 */
import { secondsToMs } from '../text.js';

const PLAIN_SECONDS = /^\d{1,9}(?:\.\d{1,9})?$/;
/**
 * One comma and no point is a decimal comma, whatever the digits after it: a producer in a locale that writes
 * "1,234" means 1.234 s (a test of twenty minutes written with a thousands separator but no decimals is not
 * seen in the wild). A comma beside a point groups thousands ("1,234.5" is 1234.5 s): left to secondsToMs.
 */
const DECIMAL_COMMA = /^(\d{1,9}),(\d{1,9})$/;
const READABLE_NONE = { readable: true } as const;
const WITH_UNIT = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|sec|m|min|h)$/i;
const CLOCK = /^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/;
const UNIT_MS = new Map([
  ['ms', 1],
  ['s', 1000],
  ['sec', 1000],
  ['m', 60_000],
  ['min', 60_000],
  ['h', 3_600_000],
]);

export function readDuration(value: string | undefined): { ms?: number; readable: boolean } {
  if (value === undefined) return READABLE_NONE;
  // The common case first: plain seconds ("0.013").
  if (PLAIN_SECONDS.test(value)) return { ms: Math.round(Number(value) * 1000), readable: true };
  const text = value.trim();
  if (text === '') return READABLE_NONE;
  const comma = DECIMAL_COMMA.exec(text);
  if (comma !== null) return { ms: Math.round(Number(`${comma[1]}.${comma[2]}`) * 1000), readable: true };
  const unit = WITH_UNIT.exec(text);
  if (unit !== null) return { ms: Math.round(Number(unit[1]) * (UNIT_MS.get((unit[2] ?? '').toLowerCase()) ?? 1000)), readable: true };
  const clock = CLOCK.exec(text);
  if (clock !== null) {
    const seconds = Number(clock[1] ?? 0) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
    return { ms: Math.round(seconds * 1000), readable: true };
  }
  const ms = secondsToMs(text);
  return ms === undefined ? { readable: false } : { ms, readable: true };
}
