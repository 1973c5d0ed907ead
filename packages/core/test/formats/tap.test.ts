// TAP: the real streams of node:test and Perl's Test::More written here, and tapjs's parser fixtures
// (test/fixtures/native/MANIFEST.tsv), then each rule on a small stream, then detection, then hostile streams.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseResultText } from '../../src/formats/read-files.js';
import { detect } from '../../src/formats/registry.js';
import { tapText } from '../../src/formats/tap/index.js';
import { MAX_TAP_DEPTH } from '../../src/formats/tap/tap.js';
import type { FileOutsideTests, TestResult } from '../../src/model.js';
import { FIXTURES_DIR, fixtureText } from './fixture-files.js';
import { readFixture, rows } from './read-fixture.js';

interface Read {
  results: TestResult[];
  warnings: string[];
  outsideTests: FileOutsideTests | undefined;
}

async function read(text: string): Promise<Read> {
  const { format, results, warnings, outsideTests } = await parseResultText(text, 'results.tap');
  expect(format).toBe('tap');
  return { results, warnings, outsideTests };
}

/** The errors that fail the run outside any test, by their message. */
async function runErrors(text: string): Promise<string[]> {
  return (await read(text)).outsideTests?.errors.map((e) => e.message) ?? [];
}

const tap = (...lines: string[]): string => `${lines.join('\n')}\n`;

describe('TAP: real streams', () => {
  it("reads node:test's TAP (Node 24): describe blocks as suites, YAML diagnostics, SKIP, a failing TODO, a failed after hook", async () => {
    const read = await readFixture('native/tap/node-test.tap');
    expect([read.format, read.error, read.warnings]).toEqual(['tap', undefined, []]);
    expect(rows(read.results)).toEqual([
      ['cart › DEMO-1 adds an item', 'passed', 1, undefined, 'passed'],
      ['cart › [DEMO-2] applies a discount code', 'failed', 13, 'total after discount', 'failed'],
      ['cart › DEMO-3 ships abroad', 'skipped', 7, 'no shipping service here', 'skipped'],
      [
        'cart › DEMO-4 splits a payment',
        'skipped',
        0,
        'TODO: split payments are not built yet (an expected failure: TAP counts a "not ok" marked TODO as no failure of the run): not implemented',
        'skipped',
      ],
      ['checkout DEMO-5 › pays by card', 'passed', 0, undefined, 'passed'],
      // The suite failed in its after hook while its test passed: kept, or that failure would be lost.
      ['checkout DEMO-5', 'failed', 9, 'could not release the payment sandbox', 'failed'],
      ['DEMO-6 keeps the basket › after a reload', 'passed', 0, undefined, 'passed'],
      ['DEMO-6 keeps the basket › after a login', 'failed', 12, 'Expected values to be strictly deep-equal:', 'failed'],
    ]);
    const discount = read.results[1];
    expect(discount).toMatchObject({ file: '/home/runner/work/demo/demo/test/cart.test.mjs', line: 9, message: 'total after discount\n\n90 !== 85' });
    expect(discount?.stack).toContain("operator: 'strictEqual'");
    expect(discount?.stack).toContain('TestContext.<anonymous> (file:///home/runner/work/demo/demo/test/cart.test.mjs:10:12)');
  });

  it("reads Perl Test::More's stream (stderr merged): # diagnostics as the failure, a subtest, skip and TODO", async () => {
    const read = await readFixture('native/tap/test-more.tap');
    expect([read.format, read.error, read.warnings]).toEqual(['tap', undefined, []]);
    expect(rows(read.results)).toEqual([
      ['DEMO-7 the basket starts empty', 'passed', undefined, undefined, 'passed'],
      ['DEMO-8 the total adds the items', 'failed', undefined, "Failed test 'DEMO-8 the total adds the items'", 'failed'],
      // Test::More's skip writes no description: the test is named by its number.
      ['test 3', 'skipped', undefined, 'no payment sandbox here', 'skipped'],
      [
        'redeems a gift card',
        'skipped',
        undefined,
        `TODO: gift cards are not built yet (an expected failure: TAP counts a "not ok" marked TODO as no failure of the run): Failed (TODO) test 'redeems a gift card'`,
        'skipped',
      ],
      ['DEMO-1 the receipt › names the shop', 'passed', undefined, undefined, 'passed'],
      ['DEMO-1 the receipt › shows the currency', 'failed', undefined, "Failed test 'shows the currency'", 'failed'],
      ['sends the receipt by mail', 'passed', undefined, undefined, 'passed'],
    ]);
    expect(read.results[1]?.stack).toBe("Failed test 'DEMO-8 the total adds the items'\n  at t/checkout.t line 6.\n         got: '90'\n    expected: '85'");
  });

  it("reads tapjs's fixtures: a bail-out and a plan cut short fail the run, naming what was lost", async () => {
    const dir = 'native/tapjs__tapjs/src__parser__test__fixtures__';
    const bailout = await parseResultText(fixtureText('native', 'tapjs__tapjs/src__parser__test__fixtures__bailout.tap'), 'bailout.tap');
    expect(bailout.results).toHaveLength(5);
    expect(bailout.outsideTests).toEqual({
      runner: 'the TAP producer',
      errors: [{ message: 'Bail out! GERONIMMMOOOOOO!!! (the producer stopped the run here, so the tests after it did not run)' }],
    });
    const unfinished = await readFixture(`${dir}unfinished.tap`);
    expect(rows(unfinished.results).map((r) => r[1])).toEqual(['passed', 'passed']);
    const outcome = await parseResultText(fixtureText('native', 'tapjs__tapjs/src__parser__test__fixtures__unfinished.tap'), 'unfinished.tap');
    expect(outcome.outsideTests?.errors).toEqual([
      {
        message:
          'the plan 1..5 promised 5 test(s), and 3 of them never reported (3–5): the run stopped before them (it crashed or was killed), so their results are missing.',
      },
    ]);
  });

  it("reads tapjs's fixtures: nested subtests named by their # Subtest line or the test point that ends them, escapes, TODO", async () => {
    const dir = 'native/tapjs__tapjs/src__parser__test__fixtures__';
    const nested = await readFixture(`${dir}subtest-no-comment.tap`);
    // Older node-tap writes each `# Subtest:` line at the subtest's own indentation: the same paths.
    const commented = await readFixture(`${dir}subtest-comment-indent.tap`);
    expect(commented.results.map((r) => [...r.suitePath, r.name])).toEqual(nested.results.map((r) => [...r.suitePath, r.name]));
    expect(nested.results.map((r) => [...r.suitePath, r.name].join(' › '))).toEqual([
      '../tap/test/test/ok.js › nesting › first › true is ok',
      '../tap/test/test/ok.js › nesting › first › doag is also okay',
      '../tap/test/test/ok.js › nesting › second › but that is ok',
      '../tap/test/test/ok.js › nesting › second › this passes',
      '../tap/test/test/ok.js › nesting › second › nested ok',
      '../tap/test/test/ok.js › this passes',
    ]);
    expect((await readFixture(`${dir}escape_hash.tap`)).results.map((r) => [r.name, r.status])).toEqual([
      ['Not a # TODO', 'passed'],
      ['Not a # SKIP', 'passed'],
      ['Escaped \\#', 'passed'],
    ]);
    expect(rows((await readFixture(`${dir}not-ok-todo.tap`)).results).map((r) => r[1])).toEqual(['passed', 'skipped', 'passed', 'passed']);
    const outOfOrder = await readFixture(`${dir}out_of_order.tap`);
    expect(outOfOrder.results).toHaveLength(15);
    expect(outOfOrder.warnings).toEqual([`${dir}out_of_order.tap: 7 test point(s) came out of order (2, 6, 8, 1, 5 and 2 more); each is read as written.`]);
  });
});

describe('TAP: test points', () => {
  it('maps ok, not ok and the directives as TAP says: a SKIP or a failing TODO is no failure, a passing TODO a pass', async () => {
    const { results, outsideTests } = await read(
      tap(
        'TAP version 14',
        'ok 1 - passes',
        'not ok 2 - fails',
        'ok 3 - skipped # SKIP no database',
        'not ok 4 - skipped though failing # skip flaky on CI',
        'not ok 5 - not built # TODO next sprint',
        'ok 6 - built early # TODO next sprint',
        'ok 7 - skipped the old way # Skipped: only on windows',
        'ok 8 # skip',
        'ok 9 - a # TODO: reason after a colon',
        '1..9',
      ),
    );
    expect(outsideTests).toBeUndefined();
    expect(results.map((r) => [r.name, r.status, r.message])).toEqual([
      ['passes', 'passed', undefined],
      ['fails', 'failed', undefined],
      ['skipped', 'skipped', 'no database'],
      ['skipped though failing', 'skipped', 'flaky on CI'],
      ['not built', 'skipped', 'TODO: next sprint (an expected failure: TAP counts a "not ok" marked TODO as no failure of the run)'],
      ['built early', 'passed', undefined],
      ['skipped the old way', 'skipped', 'only on windows'],
      ['test 8', 'skipped', undefined],
      ['a', 'passed', undefined],
    ]);
    expect(results[5]?.output).toBe('TODO: next sprint. It passed although marked TODO: what it waited for may be done, so remove the TODO.');
  });

  it('reads descriptions as TAP14 says: a leading " - " dropped, escaped # kept, a # not after a space no directive', async () => {
    const { results } = await read(
      tap(
        '1..5',
        'ok 1 this is fine',
        'ok 2 - url https://example.com/page.html#skip stays',
        'ok 3 - hello \\# todo',
        'ok 4 - back\\\\slash # SKIP why \\# not',
        'ok 5 - 42',
      ),
    );
    expect(results.map((r) => [r.name, r.status, r.message])).toEqual([
      ['this is fine', 'passed', undefined],
      ['url https://example.com/page.html#skip stays', 'passed', undefined],
      ['hello # todo', 'passed', undefined],
      ['back\\slash', 'skipped', 'why # not'],
      ['42', 'passed', undefined],
    ]);
  });

  it('takes the message, duration, file and line from the YAML block, and keeps the block as the stack', async () => {
    const { results } = await read(
      tap(
        'TAP version 13',
        'not ok 1 - resolves the address',
        '  ---',
        "  message: 'hostname ''peebles'' unknown'",
        '  severity: fail',
        '  at:',
        '    file: test/dns.c',
        '    line: 142',
        '  ...',
        'not ok 2 - node:test',
        '  ---',
        '  duration_ms: 12.6',
        "  location: 'file:///src/a.test.js:3:5'",
        '  error: |-',
        '    expected 1',
        '',
        '    got 2',
        '  ...',
        'not ok 3 - quoted over lines # time=1.5s',
        '  ---',
        '  message: "first line',
        '    and the rest\\t"',
        '  ...',
        '1..3',
      ),
    );
    expect(results.map((r) => [r.message, r.durationMs, r.file, r.line])).toEqual([
      ["hostname 'peebles' unknown", undefined, 'test/dns.c', 142],
      ['expected 1\n\ngot 2', 13, '/src/a.test.js', 3],
      ['first line and the rest', 1500, undefined, undefined],
    ]);
    expect(results[0]?.stack).toBe("message: 'hostname ''peebles'' unknown'\nseverity: fail\nat:\n  file: test/dns.c\n  line: 142");
  });

  it("takes a failure's # lines as its message and stack (bats, Test::More), skipping bats' line that only says where", async () => {
    const { results } = await read(
      tap(
        '1..2',
        'not ok 1 addition using dc',
        '# (in test file test/add.bats, line 9)',
        '#   `[ "$result" -eq 5 ]\' failed',
        'ok 2 addition using bc',
        '# a comment after a pass is nobody’s failure',
      ),
    );
    expect(results.map((r) => [r.name, r.status, r.message, r.stack])).toEqual([
      ['addition using dc', 'failed', '`[ "$result" -eq 5 ]\' failed', '(in test file test/add.bats, line 9)\n  `[ "$result" -eq 5 ]\' failed'],
      ['addition using bc', 'passed', undefined, undefined],
    ]);
  });

  it('says how many test points it could not read for their indentation (not a multiple of 4 spaces)', async () => {
    const { results, warnings } = await read(tap('1..1', 'ok 1 - read', '  not ok 2 - two spaces in'));
    expect(results.map((r) => r.name)).toEqual(['read']);
    expect(warnings).toEqual([
      'results.tap: 1 line(s) that read as test points are indented by a number of spaces that is no multiple of 4, which TAP does not use, so they were not read: check the producer, or whatever rewrote its output.',
    ]);
  });

  it('reads a YAML block left open as ended at the next line that is TAP again, so no test after it is lost', async () => {
    const { results } = await read(tap('1..2', 'not ok 1 - a', '  ---', '  message: boom', 'ok 2 - b'));
    expect(results.map((r) => [r.name, r.status, r.message])).toEqual([
      ['a', 'failed', 'boom'],
      ['b', 'passed', undefined],
    ]);
  });

  it('reads each repeated test number as a result of its own, so a pass never hides the failure, and warns', async () => {
    const { results, warnings } = await read(tap('1..2', 'not ok 1 - DEMO-3 exports', 'ok 1 - DEMO-3 exports', 'ok 2 - prints'));
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['DEMO-3 exports', 'failed'],
      ['DEMO-3 exports', 'passed'],
      ['prints', 'passed'],
    ]);
    expect(warnings).toEqual([
      'results.tap: 1 test point(s) repeat the number of an earlier one (1). Each is read as a result of its own, so a pass never stands in for a failure of the same number, and the worst decides a case they share. If two producers wrote into one file, give each its own.',
      'results.tap: more test points were read than the plan promised (3 where the plan 1..2 promised 2); all are recorded. A plan that counts fewer tests than ran is usually a producer that wrote two runs into one file.',
    ]);
  });
});

describe('TAP: subtests', () => {
  it('names a subtest by its # Subtest line; a parent that failed while its tests passed is kept, one whose test failed is not', async () => {
    const { results } = await read(
      tap(
        'TAP version 14',
        '# Subtest: cart',
        '    # Subtest: adding',
        '        ok 1 - adds one',
        '        1..1',
        '    ok 1 - adding',
        '    not ok 2 - removes one',
        '    1..2',
        'not ok 1 - cart',
        '# Subtest: hooks',
        '    ok 1 - runs',
        '    1..1',
        'not ok 2 - hooks',
        '  ---',
        '  error: after hook failed',
        '  ...',
        '# Subtest: empty',
        '    1..0 # SKIP nothing to do',
        'ok 3 - empty # SKIP nothing to do',
        '1..3',
      ),
    );
    expect(results.map((r) => [[...r.suitePath, r.name].join(' › '), r.status, r.message])).toEqual([
      ['cart › adding › adds one', 'passed', undefined],
      ['cart › removes one', 'failed', undefined],
      ['hooks › runs', 'passed', undefined],
      ['hooks', 'failed', 'after hook failed'],
      ['empty', 'skipped', 'nothing to do'],
    ]);
  });

  it("names what a subtest's plan lost, and a stream cut off inside a subtest", async () => {
    expect(await runErrors(tap('# Subtest: cart', '    1..3', '    ok 1 - a', 'ok 1 - cart', '1..1'))).toEqual([
      'the subtest "cart": the plan 1..3 promised 3 test(s), and 2 of them never reported (2–3): the run stopped before them (it crashed or was killed), so their results are missing.',
    ]);
    const cut = await read(tap('TAP version 13', '1..2', '# Subtest: cart', '    ok 1 - DEMO-4 adds', '    not ok 2 - removes'));
    expect(cut.results.map((r) => [[...r.suitePath, r.name].join(' › '), r.status])).toEqual([
      ['cart › DEMO-4 adds', 'passed'],
      ['cart › removes', 'failed'],
    ]);
    expect(cut.outsideTests?.errors.map((e) => e.message)).toEqual([
      'the stream ended inside the subtest "cart", before the test point that ends it: the producer was cut off there (it crashed or was killed).',
      'the plan 1..2 promised 2 test(s), and 2 of them never reported (1–2): the run stopped before them (it crashed or was killed), so their results are missing.',
    ]);
  });
});

describe('TAP: the plan and Bail out!', () => {
  it('fails the run on a bail-out, in a subtest too, and names the planned tests it kept from running', async () => {
    expect(await runErrors(tap('1..3', 'ok 1 - a', '# Subtest: b', '    bail out! \\# of workers is 0', 'Bail out! # of workers is 0'))).toEqual([
      'Bail out! # of workers is 0 (the producer stopped the run here, so the tests after it did not run)',
      'the plan 1..3 promised 3 test(s), and 2 of them never reported (2–3): the run stopped before them (it bailed out), so their results are missing.',
    ]);
  });

  it('fails the run on a stream without a plan, and not on a plan that came last or skipped everything', async () => {
    expect(await runErrors(tap('TAP version 13', 'ok 1 - a', 'ok 2 - b'))).toEqual([
      'the stream has no plan (1..N): it ended before its producer wrote one, so the producer was cut off (it crashed or was killed) and tests after the last one read (2 read) are missing.',
    ]);
    expect(await runErrors(tap('TAP version 13', 'ok 1 - a', '1..1'))).toEqual([]);
    const skipped = await parseResultText(tap('TAP version 14', '1..0 # SKIP no database'), 'results.tap');
    expect([skipped.results, skipped.outsideTests, skipped.warnings]).toEqual([
      [],
      undefined,
      ['results.tap: the producer skipped every test (1..0 # SKIP no database).', 'results.tap contains no test results.'],
    ]);
  });

  it('names the missing numbers as ranges, the first ten, and counts the rest', async () => {
    const points = Array.from({ length: 30 }, (_, k) => k * 3 + 1).map((n) => `ok ${n} - t${n}`);
    expect(await runErrors(tap('1..100', ...points))).toEqual([
      'the plan 1..100 promised 100 test(s), and 70 of them never reported (2–3, 5–6, 8–9, 11–12, 14–15, 17–18, 20–21, 23–24, 26–27, 29–30, …): the run stopped before them (it crashed or was killed), so their results are missing.',
    ]);
  });
});

describe('TAP: detection', () => {
  it('claims a stream by its version, a plan with test points, or test points, after comments', () => {
    const claimed = [
      'TAP version 13\n',
      'TAP version 14\r\n1..1\r\nok 1\r\n',
      '1..2\nok 1 addition\nnot ok 2 subtraction\n',
      '1..0 # SKIP no database\n',
      '# TAP emitted by Test::More 0.98\nok 1 - a\nnot ok 2 - b\n\n1..2\n',
      'ok 1 - a\nBail out! db down\n',
      '1..1\n# Subtest: a\n    ok 1 - b\n    1..1\nok 1 - a\n',
    ];
    for (const text of claimed) expect(detect(text)?.id, text).toBe('tap');
  });

  it('claims no text that only mentions TAP, no log, and no file of another format', () => {
    const refused = [
      'ok\n',
      'ok 1 - all good\nbuild finished\n',
      '1..3\nsteps done\n',
      'TAP version 12\n',
      'note: TAP version 13\n',
      'okay 1 - a\nokay 2 - b\n',
    ];
    for (const text of refused) expect(tapText.sniff(text), text).toBe(false);
    // go test -json captured with 2>&1 whose first line is go's own text: still go test's.
    const goStream = 'ok  \texample.com/calc\t0.002s\nok 1 - x\n{"Action":"run","Package":"example.com/calc","Test":"TestAdd"}\n';
    expect(tapText.sniff(goStream)).toBe(false);
    expect(detect(goStream)?.id).toBe('go-test-json');
    const others = filesUnder(FIXTURES_DIR).filter((file) => !file.endsWith('.tap'));
    expect(others.length).toBeGreaterThan(200);
    for (const file of others) expect(tapText.sniff(readHead(file)), file).toBe(false);
  });
});

describe('TAP: hostile streams', () => {
  it('reads a description of 3 MiB as its first MiB, and the tests after it', async () => {
    const { results } = await read(`1..2\nnot ok 1 - ${'x'.repeat(3 * 1024 * 1024)} # SKIP why\nok 2 - after\n`);
    expect(results.map((r) => [r.name.length, r.status])).toEqual([
      [1024 * 1024 - 'not ok 1 - '.length, 'failed'],
      [5, 'passed'],
    ]);
  });

  it(`reads nothing nested deeper than ${MAX_TAP_DEPTH} subtests, says so, and keeps the test points that end them`, async () => {
    const depth = 5000;
    const lines = [];
    for (let k = depth; k >= 0; k -= 1) lines.push(`${' '.repeat(4 * k)}not ok 1 - level ${k}`, `${' '.repeat(4 * k)}1..1`);
    const { results, warnings, outsideTests } = await read(`${lines.join('\n')}\n`);
    expect(results.map((r) => [r.suitePath.length, r.name, r.status])).toEqual([[MAX_TAP_DEPTH, `level ${MAX_TAP_DEPTH}`, 'failed']]);
    expect(warnings).toEqual([
      `results.tap: ${2 * (depth - MAX_TAP_DEPTH)} line(s) nested deeper than ${MAX_TAP_DEPTH} subtests were not read; the test points that end those subtests were, so a failure in them still fails the subtest that holds it.`,
    ]);
    expect(outsideTests).toBeUndefined();
  });

  it('keeps a YAML block of 10 MB to its limit and a plan of 10^15 tests as a count, without holding either', async () => {
    const yaml = Array.from({ length: 200_000 }, (_, k) => `  line${k}: ${'y'.repeat(40)}`);
    const { results } = await read(['1..1', 'not ok 1 - big', '  ---', '  message: first', ...yaml, '  ...'].join('\n'));
    expect(results[0]?.message).toBe('first');
    expect(results[0]?.stack?.length).toBeLessThan(70_000);
    expect(await runErrors(tap('1..1000000000000000', 'ok 1 - a'))).toEqual([
      'the plan 1..1000000000000000 promised 1000000000000000 test(s), and 999999999999999 of them never reported: the run stopped before them (it crashed or was killed), so their results are missing.',
    ]);
  });

  it('names the first 100 subtests cut short of their plan and counts the rest, so the errors kept stay small', async () => {
    const subtests = Array.from({ length: 150 }, (_, k) => [`# Subtest: s${k}`, '    1..2', '    ok 1 - a', `ok ${k + 1} - s${k}`]).flat();
    const errors = await runErrors(`${[...subtests, '1..150'].join('\n')}\n`);
    expect(errors).toHaveLength(101);
    expect(errors[0]).toBe(
      'the subtest "s0": the plan 1..2 promised 2 test(s), and 1 of them never reported (2): the run stopped before them (it crashed or was killed), so their results are missing.',
    );
    expect(errors[100]).toBe('and 50 more such error(s) in this stream.');
  });

  it('hands results over while the stream is still being read: memory holds a batch, not the file', async () => {
    let linesSent = 0;
    async function* stream(): AsyncGenerator<string> {
      yield 'TAP version 14\n';
      for (let k = 1; k <= 5000; k += 1) {
        linesSent += 1;
        yield `ok ${k} - test ${k}\n`;
      }
      yield '1..5000\n';
    }
    const batches = tapText.parseInBatches?.(stream(), { source: 'results.tap', warn: () => undefined, outsideTests: () => undefined });
    const sentAtFirstBatch: number[] = [];
    let total = 0;
    for await (const batch of batches ?? []) {
      if (batch.length > 0 && sentAtFirstBatch.length === 0) sentAtFirstBatch.push(linesSent);
      total += batch.length;
    }
    expect(total).toBe(5000);
    expect(sentAtFirstBatch[0]).toBeLessThan(1500);
  });
});

/** Every fixture file, recursively (an Allure directory's files each). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return name === 'project' || name === 'node_modules' ? [] : filesUnder(file);
    return /\.(xml|json|trx|txt|tap|out|log)$/.test(name) ? [file] : [];
  });
}

function readHead(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .slice(0, 64 * 1024);
}
