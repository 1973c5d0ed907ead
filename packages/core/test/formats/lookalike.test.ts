// Files no format claims are refused saying what they look like and what writes a format we read, word for word.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseResultText } from '../../src/formats/read-files.js';
import { expectedFormats } from '../../src/formats/registry.js';

async function refusal(text: string): Promise<string> {
  const caught = await parseResultText(text, 'out.txt').then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(caught).toBeInstanceOf(InputError);
  return (caught as InputError).message;
}

describe('refusing what no format reads', () => {
  it.each([
    [
      'PASS  src/a.test.js\nFAIL  src/b.test.js\n  ● b › fails\n',
      '"PASS src/a.test.js FAIL src/b.test.js …", and looks like Jest\'s terminal output; write a report with `jest --json --outputFile=results.json`',
    ],
    [
      '\n\n  Cart\n    ✓ adds one item\n    1) rejects a negative quantity\n\n\n  1 passing (8ms)\n  1 failing\n',
      '"Cart ✓ adds one item 1) rejects …", and looks like Mocha\'s spec output (what it prints to the terminal); write a report with `mocha --reporter json --reporter-option output=results.json`',
    ],
    [
      '=== RUN   TestAdd\n--- PASS: TestAdd (0.00s)\nPASS\nok  \texample.com/demo/calc\t0.004s\n',
      '"=== RUN TestAdd --- PASS: TestAdd (0.0…", and looks like go test\'s text output; write events with `go test -json ./... > results.json`',
    ],
    [
      '============================= test session starts ==============================\nplatform linux\n',
      '"============================= test sessi…", and looks like pytest\'s terminal output; write a report with `pytest --junitxml=results.xml`',
    ],
    [
      '00:01 +0: loading test/a_test.dart\n00:02 +1: All tests passed!\n',
      '"00:01 +0: loading test/a_test.dart 00:02…", and looks like the Dart or Flutter test runner\'s terminal output; write events with `dart test --reporter json > results.json`',
    ],
    [
      '..F\n\nFinished in 0.01 seconds (files took 0.1 seconds to load)\n3 examples, 1 failure\n',
      '"..F Finished in 0.01 seconds (files too…", and looks like RSpec\'s terminal output; write a report with `rspec --format json --out results.json`',
    ],
    [
      '==============================================================================\nTests.Login :: Signing in.\n' +
        '==============================================================================\n' +
        'DEMO-1 Signs in                                                       | PASS |\n',
      '"========================================…", and looks like Robot Framework\'s console output; pass the output.xml it writes beside it (`robot --output output.xml`)',
    ],
    [
      't/checkout.t .. 1/6 \nt/checkout.t .. Failed 2/6 subtests\n\nTest Summary Report\n-------------------\nResult: FAIL\n',
      '"t/checkout.t .. 1/6 t/checkout.t .. Fai…", and looks like prove\'s summary, not the TAP its tests wrote; save the TAP stream itself: `perl t/your.t > results.tap 2>&1`',
    ],
  ])('a runner’s terminal output: %j', async (text, says) => {
    expect(await refusal(text)).toBe(`out.txt is not a result file: it starts with ${says}. Expected ${expectedFormats()} results.`);
  });

  it('text that looks like nothing known says to check the path', async () => {
    expect(await refusal('hello')).toBe(
      `out.txt is not a result file: it starts with "hello". Expected ${expectedFormats()} results. Check that the path points at the results, not a log.`,
    );
  });

  it.each([
    [
      { uuid: 'c1', name: 'afterAll', children: ['r1'], befores: [], afters: [] },
      'an object with keys "uuid", "name", "children", "befores", "afters" (this looks like an Allure container file: pass the whole allure-results directory)',
    ],
    [
      { attachments: [], errors: [] },
      'an object with keys "attachments", "errors" (this looks like an Allure globals file: pass the whole allure-results directory)',
    ],
    [
      { stats: {}, passes: [], tests: [] },
      'an object with keys "stats", "passes", "tests" (this looks like Mocha JSON written by an older or edited reporter)',
    ],
    [{ name: 'x', version: 2 }, 'an object with keys "name", "version"'],
  ])('JSON of no format: %j', async (json, described) => {
    expect(await refusal(JSON.stringify(json))).toBe(
      `out.txt is JSON but not results this tool reads: ${described}. Expected ${expectedFormats()} results. Write results with one of those reporters.`,
    );
  });
});

describe('refusing a file that starts like a format but is not it', () => {
  it.each([
    [
      '{"stats": {"passes": 1}, "tests": 3}',
      'out.txt is JSON but not Mocha JSON: an object with keys "stats", "tests". Expected a "tests" array. Run Mocha with --reporter json --reporter-option output=<file>.',
    ],
    [
      '{"stats": {"passPercent": 100}, "results": {}}',
      'out.txt is JSON but not mochawesome JSON: an object with keys "stats", "results". Expected a "results" array. Run Mocha with --reporter mochawesome.',
    ],
    [
      // A second "examples" key wins in JSON.parse, as in any JSON reader.
      '{"version": "3.13.0", "examples": [], "summary_line": "", "examples": 3}',
      'out.txt is JSON but not RSpec JSON: an object with keys "version", "examples", "summary_line" (this looks like RSpec JSON without its examples\' fields). Expected an "examples" array. Run RSpec with --format json --out <file>.',
    ],
  ])('%s', async (text, message) => {
    expect(await refusal(text)).toBe(message);
  });
});
