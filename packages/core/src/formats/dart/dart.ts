/**
 * Dart and Flutter `--reporter json` (`dart test --reporter json`, `flutter test --machine` / `--reporter json`;
 * one event per line) → TestResult[], assembled from the events as they come.
 *
 * - One TestResult per test that is done (`testDone`): suitePath = [the suite's path, group names…] (groups
 *   with an empty name, the file's root group, left out), name = the test's name without its groups' names
 *   in front (Dart writes `group test` as the name), file = the suite's path, line = the test's line in that
 *   file (`root_line` when the test was declared through a helper such as `testWidgets`).
 * - Status: `result` success → passed, failure (an expectation failed) → failed, error (an exception) →
 *   error; `skipped: true` → skipped with its `skipReason`.
 * - Hidden tests (`loading <file>`, `(setUpAll)`, `(tearDownAll)`) are Dart's own bookkeeping, not tests: left
 *   out unless they failed, and then kept, since a file that did not load or a `setUpAll` that threw is a
 *   failure a person must see.
 * - Message: the first `error` event's first line; stack = every error with its stack trace. `print` events
 *   → output.
 * - Tests that started but never finished (the run was killed) → `error` results saying so.
 * - An `error` event after its test's `testDone` (the protocol allows it: an asynchronous error, a `tearDown`
 *   that threw after the test was reported) fails that test although its `testDone` said success: it becomes a
 *   result of its own with that test's title (failed for an expectation, `isFailure`, else error), so the worst
 *   decides the case. For that, the title of each finished test is remembered (no output, no errors).
 */
import type { TestResult, TestStatus } from '../../model.js';
import { LongString } from '../json-stream/long-string.js';
import type { JsonLine } from '../json-lines.js';
import { isObject } from '../json-values.js';
import { MAX_MESSAGE_CHARS, MAX_OUTPUT_CHARS, MAX_STACK_CHARS, clip, nonEmpty } from '../text.js';
import { stripAnsi } from '../../text.js';
import { firstLineOf as firstLine } from '../text.js';

interface RunningTest {
  name: string;
  suiteId: number | undefined;
  groupIds: number[];
  line: number | undefined;
  skipReason: string | undefined;
  errors: string[];
  output: LongString;
  startTime: number | undefined;
}

/** Said of a test that started and never finished. */
export const DART_UNFINISHED = 'The test started but never finished: the test run was stopped while it ran.';

/** Starts the message of an error reported after its test was done. */
export const DART_ERROR_AFTER_DONE = 'Failed after it was reported done (an asynchronous error, or a tearDown that threw): ';

/** What is kept of a finished test: enough to title an error that comes after it. */
type FinishedTest = Pick<RunningTest, 'name' | 'suiteId' | 'groupIds' | 'line'>;

export class DartJsonReader {
  private readonly suites = new Map<number, string>();
  private readonly groups = new Map<number, string>();
  private readonly running = new Map<number, RunningTest>();
  private readonly finished = new Map<number, FinishedTest>();
  private readonly out: TestResult[] = [];

  constructor(private readonly source: string) {}

  take(): TestResult[] {
    return this.out.splice(0);
  }

  line(line: JsonLine): void {
    if (line.kind === 'stray') return;
    const event = line.event;
    switch (event.type) {
      case 'suite':
        if (isObject(event.suite) && typeof event.suite.id === 'number' && typeof event.suite.path === 'string')
          this.suites.set(event.suite.id, event.suite.path);
        break;
      case 'group':
        if (isObject(event.group) && typeof event.group.id === 'number')
          this.groups.set(event.group.id, typeof event.group.name === 'string' ? event.group.name : '');
        break;
      case 'testStart':
        if (isObject(event.test)) this.start(event.test, numberOf(event.time));
        break;
      case 'error': {
        const id = numberOf(event.testID) ?? -1;
        const error = typeof event.error === 'string' ? event.error : '';
        const trace = typeof event.stackTrace === 'string' ? event.stackTrace : '';
        const text = [error, trace].filter((t) => t.trim() !== '').join('\n');
        const test = this.running.get(id);
        if (test !== undefined) test.errors.push(text);
        else this.errorAfterDone(this.finished.get(id), text, event.isFailure === true);
        break;
      }
      case 'print': {
        const test = this.running.get(numberOf(event.testID) ?? -1);
        if (test !== undefined && typeof event.message === 'string') test.output.append(`${event.message}\n`);
        break;
      }
      case 'testDone': {
        const id = numberOf(event.testID) ?? -1;
        const test = this.running.get(id);
        if (test === undefined) break;
        this.running.delete(id);
        this.finished.set(id, { name: test.name, suiteId: test.suiteId, groupIds: test.groupIds, line: test.line });
        const status: TestStatus = event.skipped === true ? 'skipped' : event.result === 'success' ? 'passed' : event.result === 'failure' ? 'failed' : 'error';
        if (event.hidden === true && (status === 'passed' || status === 'skipped')) break;
        const time = numberOf(event.time);
        const durationMs = time !== undefined && test.startTime !== undefined && time >= test.startTime ? Math.round(time - test.startTime) : undefined;
        this.finish(test, status, durationMs);
        break;
      }
      default:
        break;
    }
  }

  end(): void {
    for (const test of this.running.values()) {
      test.errors.unshift(DART_UNFINISHED);
      this.finish(test, 'error', undefined);
    }
    this.running.clear();
  }

  private start(test: Record<string, unknown>, time: number | undefined): void {
    const id = numberOf(test.id);
    if (id === undefined) return;
    const metadata = isObject(test.metadata) ? test.metadata : {};
    const rootLine = numberOf(test.root_line);
    this.running.set(id, {
      name: typeof test.name === 'string' ? test.name : '',
      suiteId: numberOf(test.suiteID),
      groupIds: Array.isArray(test.groupIDs) ? test.groupIDs.filter((g): g is number => typeof g === 'number') : [],
      line: rootLine ?? numberOf(test.line),
      skipReason: typeof metadata.skipReason === 'string' ? metadata.skipReason : undefined,
      errors: [],
      output: new LongString({ kind: 'text', max: MAX_OUTPUT_CHARS }),
      startTime: time,
    });
  }

  /** An error of a test already done: a result of its own, so that the test's earlier success does not hide it. */
  private errorAfterDone(test: FinishedTest | undefined, text: string, isFailure: boolean): void {
    if (test === undefined) return;
    const status: TestStatus = isFailure ? 'failed' : 'error';
    const error = stripAnsi(text).trim();
    const message = clip(`${DART_ERROR_AFTER_DONE}${firstLine(error) ?? 'Dart gave no error message.'}`, MAX_MESSAGE_CHARS);
    const stack = nonEmpty(error) === undefined ? undefined : clip(error, MAX_STACK_CHARS);
    this.out.push(this.resultOf(test, status, { message, stack }));
  }

  /** The result of `test`, with what its run gave (one attempt, every field it has). */
  private resultOf(
    test: FinishedTest,
    status: TestStatus,
    {
      durationMs,
      message,
      stack,
      output,
    }: { durationMs?: number | undefined; message?: string | undefined; stack?: string | undefined; output?: string | undefined },
  ): TestResult {
    const { file, suitePath, name } = this.titleOf(test);
    return {
      source: this.source,
      ...(file !== undefined && { file }),
      ...(test.line !== undefined && { line: test.line }),
      suitePath,
      name,
      status,
      ...(durationMs !== undefined && { durationMs }),
      ...(message !== undefined && { message }),
      ...(stack !== undefined && { stack }),
      ...(output !== undefined && { output }),
      properties: [],
      tags: [],
      attachments: [],
      attempts: [{ status, ...(durationMs !== undefined && { durationMs }), ...(message !== undefined && { message }), ...(stack !== undefined && { stack }) }],
    };
  }

  private titleOf(test: FinishedTest): { file: string | undefined; suitePath: string[]; name: string } {
    const file = test.suiteId === undefined ? undefined : this.suites.get(test.suiteId);
    const groupNames = test.groupIds.map((id) => this.groups.get(id) ?? '').filter((n) => n !== '');
    // Dart names a test `outer inner test`: the innermost group's name (which holds the outer ones) is its prefix.
    const prefix = groupNames[groupNames.length - 1];
    const name = prefix !== undefined && test.name.startsWith(`${prefix} `) ? test.name.slice(prefix.length + 1) : test.name;
    const suitePath = [...(file === undefined ? [] : [file]), ...groupNames.map((g, i) => (i === 0 ? g : stripPrefix(g, groupNames[i - 1] as string)))];
    return { file, suitePath, name };
  }

  private finish(test: RunningTest, status: TestStatus, durationMs: number | undefined): void {
    const output = nonEmpty(test.output.value());
    const errors = test.errors.map((e) => stripAnsi(e).trim()).filter((e) => e !== '');
    // flutter_test prints the exception as output and reports only "Test failed. See exception logs above.".
    const printed = errors[0]?.startsWith('Test failed. See exception logs above') === true ? flutterException(output) : undefined;
    if (printed !== undefined) errors.unshift(printed.block);
    let message = printed?.reason ?? (errors.length === 0 ? undefined : firstLine(errors[0]));
    if (status === 'skipped') message = nonEmpty(test.skipReason) ?? message;
    if (message !== undefined) message = clip(message, MAX_MESSAGE_CHARS);
    const stack = errors.length === 0 ? undefined : clip(errors.join('\n\n'), MAX_STACK_CHARS);
    this.out.push(this.resultOf(test, status, { durationMs, message, stack, output }));
  }
}

/** The `══╡ EXCEPTION CAUGHT BY FLUTTER TEST FRAMEWORK ╞══` block flutter_test printed, and its first line of substance. */
function flutterException(output: string | undefined): { block: string; reason: string } | undefined {
  if (output === undefined) return undefined;
  const start = output.indexOf('══╡ EXCEPTION CAUGHT BY');
  if (start === -1) return undefined;
  const block = output.slice(start).split(/\n═{10,}\n?/)[0] as string;
  const lines = block
    .split('\n')
    .slice(1)
    .map((l) => l.trim());
  const reason = lines.find((l) => l !== '' && !/^The following .* was thrown/.test(l));
  return reason === undefined ? undefined : { block, reason: clip(reason, MAX_MESSAGE_CHARS) };
}

function stripPrefix(name: string, outer: string): string {
  return name.startsWith(`${outer} `) ? name.slice(outer.length + 1) : name;
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
