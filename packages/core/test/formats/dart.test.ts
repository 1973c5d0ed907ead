// Dart/Flutter `--reporter json`: dorny/test-reporter's real files (test/fixtures/native/MANIFEST.tsv), then the
// cases they do not hold, as event lines.
import { describe, expect, it } from 'vitest';
import { DART_ERROR_AFTER_DONE, DART_UNFINISHED } from '../../src/formats/dart/dart.js';
import { parseResultText } from '../../src/formats/read-files.js';
import { readFixture, rows } from './read-fixture.js';

const line = (event: Record<string, unknown>): string => JSON.stringify(event);
const start = (id: number, name: string, extra: Record<string, unknown> = {}): string =>
  line({
    type: 'testStart',
    time: 10,
    test: { id, name, suiteID: 0, groupIDs: [], metadata: { skip: false, skipReason: null }, line: null, url: null, ...extra },
  });

describe('Dart/Flutter --reporter json', () => {
  it("reads dorny/test-reporter's Dart file: groups, skip, failure, errors, hidden loading tests left out", async () => {
    const read = await readFixture('native/dorny__test-reporter/__tests__fixtures__dart-json.json');
    expect(read.format).toBe('dart-json');
    expect(rows(read.results)).toEqual([
      ['test\\second_test.dart › Timeout test', 'error', 37, 'TimeoutException after 0:00:00.000001: Test timed out after 0 seconds.', 'error'],
      ['test\\second_test.dart › Skipped test', 'skipped', 14, 'skipped test', 'skipped'],
      ['test\\main_test.dart › Test 1 › Passing test', 'passed', 36, undefined, 'passed'],
      ['test\\main_test.dart › Test 1 › Test 1.1 › Failing test', 'failed', 20, 'Expected: <2>', 'failed'],
      ['test\\main_test.dart › Test 1 › Test 1.1 › Exception in target unit', 'error', 6, 'Exception: Some error', 'error'],
      ['test\\main_test.dart › Test 2 › Exception in test', 'error', 12, 'Exception: Some error', 'error'],
    ]);
    expect(read.results[3]).toMatchObject({ file: 'test\\main_test.dart', line: 12 });
  });

  it('says a file of only hidden tests holds no test results', async () => {
    const read = await readFixture('native/dorny__test-reporter/__tests__fixtures__empty_dart-json.json');
    expect(read.format).toBe('dart-json');
    expect(read.results).toEqual([]);
    expect(read.warnings).toEqual(['native/dorny__test-reporter/__tests__fixtures__empty_dart-json.json contains no test results.']);
  });

  it("reads a real Flutter project's run (provider): every visible test, declared through testWidgets", async () => {
    const read = await readFixture('native/dorny__test-reporter/__tests__fixtures__external_flutter_provider-test-results.json');
    const counts = { passed: 0, failed: 0, error: 0, skipped: 0 };
    for (const r of read.results) counts[r.status] += 1;
    expect(counts).toEqual({ passed: 268, failed: 0, error: 1, skipped: 0 });
    expect(rows(read.results.filter((r) => r.status === 'error')).map((r) => [r[0], r[3]])).toEqual([
      ['/__w/provider/provider/test/value_listenable_provider_test.dart › valueListenableProvider › pass updateShouldNotify', 'Expected: <2>'],
    ]);
    expect(read.results[0]).toMatchObject({
      file: '/__w/provider/provider/test/value_listenable_provider_test.dart',
      suitePath: ['/__w/provider/provider/test/value_listenable_provider_test.dart', 'valueListenableProvider'],
      name: 'rebuilds when value change',
      line: 13,
    });
  });

  it('keeps a hidden test that failed (a file that did not load) and a test the run never finished', async () => {
    const text = [
      line({ protocolVersion: '0.1.1', runnerVersion: '1.25.3', type: 'start', time: 0 }),
      line({ suite: { id: 0, platform: 'vm', path: 'test/a_test.dart' }, type: 'suite', time: 0 }),
      start(1, 'loading test/a_test.dart'),
      line({
        testID: 1,
        error: "Failed to load \"test/a_test.dart\": Error: Can't find ')' to match '('.",
        stackTrace: '',
        isFailure: false,
        type: 'error',
        time: 20,
      }),
      line({ testID: 1, result: 'error', skipped: false, hidden: true, type: 'testDone', time: 30 }),
      start(2, 'hangs'),
      line({ testID: 2, messageType: 'print', message: 'waiting', type: 'print', time: 40 }),
    ].join('\n');
    const { format, results } = await parseResultText(text, 'dart.json');
    expect(format).toBe('dart-json');
    expect(rows(results)).toEqual([
      ['test/a_test.dart › loading test/a_test.dart', 'error', 20, "Failed to load \"test/a_test.dart\": Error: Can't find ')' to match '('.", 'error'],
      ['test/a_test.dart › hangs', 'error', undefined, DART_UNFINISHED, 'error'],
    ]);
    expect(results[1]?.output).toBe('waiting');
  });

  it('records an error that comes after the test was done as a failure of that test, never dropped', async () => {
    // Dart's protocol: "it's possible ... for a single test to emit an error after it completed successfully" (an
    // asynchronous error, a tearDown that threw): the test is then failed, though its testDone said success.
    const text = [
      line({ protocolVersion: '0.1.1', runnerVersion: '1.25.3', type: 'start', time: 0 }),
      line({ suite: { id: 0, platform: 'vm', path: 'test/a_test.dart' }, type: 'suite', time: 0 }),
      line({ group: { id: 5, suiteID: 0, parentID: null, name: 'cart', metadata: {}, testCount: 2 }, type: 'group', time: 1 }),
      start(1, 'cart adds one', { groupIDs: [5], line: 7 }),
      line({ testID: 1, result: 'success', skipped: false, hidden: false, type: 'testDone', time: 20 }),
      start(2, 'cart removes one', { groupIDs: [5], line: 12 }),
      line({ testID: 1, error: 'Bad state: Future already completed', stackTrace: 'package:cart/cart.dart 9:5', isFailure: false, type: 'error', time: 25 }),
      line({ testID: 2, result: 'success', skipped: false, hidden: false, type: 'testDone', time: 30 }),
      line({ testID: 2, error: 'Expected: <1>\n  Actual: <0>', stackTrace: 'test/a_test.dart 14:3', isFailure: true, type: 'error', time: 35 }),
      line({ success: false, type: 'done', time: 40 }),
    ].join('\n');
    const { results, warnings } = await parseResultText(text, 'dart.json');
    expect(rows(results)).toEqual([
      ['test/a_test.dart › cart › adds one', 'passed', 10, undefined, 'passed'],
      ['test/a_test.dart › cart › adds one', 'error', undefined, `${DART_ERROR_AFTER_DONE}Bad state: Future already completed`, 'error'],
      ['test/a_test.dart › cart › removes one', 'passed', 20, undefined, 'passed'],
      ['test/a_test.dart › cart › removes one', 'failed', undefined, `${DART_ERROR_AFTER_DONE}Expected: <1>`, 'failed'],
    ]);
    expect(results[1]).toMatchObject({ file: 'test/a_test.dart', line: 7, stack: 'Bad state: Future already completed\npackage:cart/cart.dart 9:5' });
    expect(warnings).toEqual([]);
  });
});
