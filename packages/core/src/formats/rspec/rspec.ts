/**
 * RSpec JSON (`rspec --format json --out <file>`) → TestResult[]. Small pure functions, no I/O; values of the
 * wrong type read as absent.
 *
 * - One TestResult per `examples[]` entry: name = `description`, suitePath = the example groups, which RSpec
 *   writes only joined into `full_description` (`Cart#total with a coupon applies it`): what precedes the
 *   description there is kept as one title, since group names themselves hold spaces. file = `file_path`
 *   without its `./`, line = `line_number`, duration = `run_time` (seconds).
 * - Status: passed → passed, failed → failed, pending → skipped with its `pending_message`; anything else →
 *   error naming the status.
 * - Failures: message = the exception's class and the first line of its message (`RSpec::Expectations::
 *   ExpectationNotMetError: expected 3, got 2`), stack = class, message and backtrace.
 * - Errors outside of examples (a spec file that did not load: `errors_outside_of_examples_count` with the
 *   reason among `messages`) → one `error` result, so the failure is not lost.
 */
import type { TestResult, TestStatus } from '../../model.js';
import { isObject, str, strings, type JsonObject as Json } from '../json-values.js';
import { MAX_MESSAGE_CHARS, MAX_STACK_CHARS, clip, nonEmpty, secondsToMs } from '../text.js';
import { stripAnsi } from '../../text.js';
import { firstLineOf as firstLine } from '../text.js';

const STATUS = new Map<string, TestStatus>([
  ['passed', 'passed'],
  ['failed', 'failed'],
  ['pending', 'skipped'],
]);

/** The name of the result that stands for errors outside of any example. */
export const RSPEC_OUTSIDE_EXAMPLES = 'errors outside of examples';

export function exampleResult(example: Json, source: string): TestResult {
  const rawStatus = str(example.status) ?? '';
  const known = STATUS.get(rawStatus);
  const status: TestStatus = known ?? 'error';
  const description = str(example.description) ?? '';
  const full = str(example.full_description) ?? description;
  const group = full.endsWith(description) ? full.slice(0, full.length - description.length).trim() : '';
  const file = nonEmpty(str(example.file_path))?.replace(/^\.\//, '');
  const line = typeof example.line_number === 'number' && example.line_number > 0 ? example.line_number : undefined;
  const durationMs = typeof example.run_time === 'number' ? secondsToMs(String(example.run_time)) : undefined;
  let message: string | undefined;
  let stack: string | undefined;
  const exception = isObject(example.exception) ? example.exception : undefined;
  if (known === undefined) message = `RSpec reported the unknown status ${JSON.stringify(rawStatus)}.`;
  else if (status === 'skipped') message = nonEmpty(str(example.pending_message));
  if (exception !== undefined && status !== 'skipped') {
    const className = nonEmpty(str(exception.class));
    const text = stripAnsi(str(exception.message) ?? '').trim();
    const first = firstLine(text);
    message ??= clip([className, first].filter((p) => p !== undefined).join(': '), MAX_MESSAGE_CHARS);
    const backtrace = strings(exception.backtrace).join('\n');
    stack = clip([className === undefined ? text : `${className}: ${text}`, backtrace].filter((p) => p.trim() !== '').join('\n'), MAX_STACK_CHARS);
  }
  return {
    source,
    ...(file !== undefined && { file }),
    ...(line !== undefined && { line }),
    suitePath: group === '' ? [] : [group],
    name: description === '' ? full : description,
    status,
    ...(durationMs !== undefined && { durationMs }),
    ...(message !== undefined && { message }),
    ...(stack !== undefined && { stack }),
    properties: [],
    tags: [],
    attachments: [],
    attempts: [{ status, ...(durationMs !== undefined && { durationMs }), ...(message !== undefined && { message }), ...(stack !== undefined && { stack }) }],
  };
}

export function outsideResult(messages: string[], count: number, source: string): TestResult {
  const text = stripAnsi(messages.join('\n')).trim();
  const reason = messages.map((m) => firstLine(stripAnsi(m))).find((l) => l !== undefined && !/^Run options:|^No examples found/.test(l));
  const message = clip(
    `RSpec reported ${count} error(s) outside of examples (a spec file that did not load, a hook outside any example)${reason === undefined ? '.' : `: ${reason}`}`,
    MAX_MESSAGE_CHARS,
  );
  const stack = text === '' ? undefined : clip(text, MAX_STACK_CHARS);
  return {
    source,
    suitePath: [],
    name: RSPEC_OUTSIDE_EXAMPLES,
    status: 'error',
    message,
    ...(stack !== undefined && { stack }),
    properties: [],
    tags: [],
    attachments: [],
    attempts: [{ status: 'error', message, ...(stack !== undefined && { stack }) }],
  };
}
