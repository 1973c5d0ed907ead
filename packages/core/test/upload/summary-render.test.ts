/**
 * The renderers on fixed summaries: the Markdown job summary against a golden file, its byte budget with
 * 50,000 failed tests, escaping of hostile titles, and the plain text with failures first.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ApiError, UnsentResultsError } from '../../src/errors.js';
import { emptySummary, type FailedTest, type UploadSummary } from '../../src/report/summary.js';
import { MARKDOWN_MAX_BYTES, renderMarkdown } from '../../src/report/summary-markdown.js';
import { renderText, whatToDoLine } from '../../src/report/summary-text.js';

const GOLDEN = new URL('./golden/', import.meta.url);

async function expectGolden(name: string, text: string): Promise<void> {
  const file = new URL(name, GOLDEN);
  if (process.env.UPDATE_GOLDEN) await writeFile(file, text);
  expect(text).toBe(await readFile(file, 'utf8'));
}

const RUN_URL = 'https://tm.example/ui/projects/p1/test-runs/r1';

function failure(i: number, extra: Partial<FailedTest> = {}): FailedTest {
  return {
    test: `checkout › pays with card ${i}`,
    case: `DEMO-${i}`,
    message: `expected 200, received 500 (${i})`,
    file: 'tests/checkout.spec.ts',
    line: 10 + i,
    url: `${RUN_URL}#DEMO-${i}`,
    ...extra,
  };
}

function sample(): UploadSummary {
  return {
    ...emptySummary(false),
    runId: 'r1',
    runHumanId: 'DEMO-R-7',
    runUrl: RUN_URL,
    created: true,
    closed: true,
    total: 6,
    tests: { passed: 3, failed: 2, skipped: 1 },
    mapped: 4,
    uploaded: 3,
    unsent: 1,
    byStatus: { Passed: 2, Failed: 1 },
    unmapped: ['cart › a | b <details>'],
    unknown: [{ reference: 'DEMO-999', tests: ['legacy › old report', 'legacy › older report'] }],
    files: [
      { path: 'a.xml', format: 'junit', tests: 6, error: null },
      { path: 'b.xml', tests: 0, error: 'b.xml is not well-formed XML: unclosed tag <testcase> at line 3. Regenerate it.' },
    ],
    requests: 2,
    cases: { recorded: 3, passed: 2, failed: 1, skipped: 0 },
    failures: [failure(1), failure(2, { case: null, url: null, file: null, line: null, message: '' })],
    figures: { httpRequests: 9, retries: 2, elapsedMs: 1_234 },
  };
}

const refused = new ApiError(
  'API_SERVER_ERROR',
  { method: 'PUT', path: '/projects/p1/test_runs/r1/test_cases', status: 503, requestId: 'req-1' },
  'The service failed. Gave up after 6 attempts. Try again later.',
);

describe('renderMarkdown', () => {
  it('writes title, error and what to do, counts, failed tests, unmapped, unknown ids, unreadable files and figures', async () => {
    await expectGolden('summary.md', renderMarkdown(sample(), { error: refused }));
  });

  it("shows the step's error up to 1,000 characters, as the pull-request comment does: its end says what to do", () => {
    const long = new UnsentResultsError('RUN_NOT_CLOSED', `${'x'.repeat(600)} Close it with: testsigma-tm run close --run-id DEMO-R-7`);
    expect(renderMarkdown(sample(), { error: long })).toContain(`(\`RUN_NOT_CLOSED\`): ${long.message}\n`);
    const longer = new UnsentResultsError('RUN_NOT_CLOSED', 'y'.repeat(1_200));
    expect(renderMarkdown(sample(), { error: longer })).toContain(`(\`RUN_NOT_CLOSED\`): ${'y'.repeat(999)}…\n`);
  });

  it('keeps hostile titles inside their cell and the details block intact', () => {
    const md = renderMarkdown({ ...sample(), failures: [failure(1, { test: 'a | b\n<details><summary>x', message: '`rm -rf` & <b>bold</b>' })] });
    expect(md).toContain(
      '| a \\| b &lt;details&gt;&lt;summary&gt;x | [DEMO-1](https://tm.example/ui/projects/p1/test-runs/r1#DEMO-1) | `rm -rf` &amp; &lt;b&gt;bold&lt;/b&gt; | `tests/checkout.spec.ts:11` |',
    );
    expect(md).toContain('- cart › a \\| b &lt;details&gt;\n');
  });

  it('stays under 1 MiB with 50,000 failed tests of long titles and messages, saying what it left out', () => {
    const long = 'y'.repeat(5_000);
    const failures = Array.from({ length: 50_000 }, (_, i) => failure(i, { test: `${long} ${i}`, message: long }));
    const md = renderMarkdown({ ...sample(), failures, unmapped: failures.map((f) => f.test) });
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(MARKDOWN_MAX_BYTES);
    expect(md).toContain('#### Failed tests (50000)');
    expect(md).toContain('*… and 49000 more failed test(s) not shown (only the first 1000 are shown).*');
    // The lists after the big one still get their heading and a note, and the figures still close it.
    expect(md).toMatch(/<details><summary>50000 test\(s\) map to no test case<\/summary>\n\n(- .+\n)*\n\*… and \d+ more test\(s\) not shown/);
    expect(md.trimEnd().endsWith('Upload: 9 request(s) in 1.2 s, 2 retries.')).toBe(true);
  });

  it('cuts by bytes when the budget is smaller than the item cap, and says so', () => {
    const failures = Array.from({ length: 500 }, (_, i) => failure(i));
    const md = renderMarkdown({ ...sample(), failures }, { maxBytes: 20_000 });
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(20_000);
    expect(md).toMatch(/\*… and \d+ more failed test\(s\) not shown \(the job summary is limited to 1 MiB per step\)\.\*/);
  });

  it('says "would be recorded" in a dry run and lists the mapping instead of the unmapped tests', () => {
    const md = renderMarkdown({
      ...sample(),
      dryRun: true,
      runId: null,
      runHumanId: null,
      runUrl: null,
      mapping: [
        { test: 'a [DEMO-1]', file: null, ids: ['DEMO-1'], case: 'DEMO-1', reason: null },
        { test: 'b', file: null, ids: [], case: null, reason: 'no id' },
        { test: 'c DEMO-999', file: null, ids: ['DEMO-999'], case: null, reason: 'unknown id' },
      ],
    });
    expect(md.split('\n')[0]).toBe('### Testsigma Test Management — dry run');
    expect(md).toContain('| | Tests | Test cases would be recorded |');
    expect(md).toContain(
      '<details><summary>Mapping: test → test case (3 tests)</summary>\n\n- a [DEMO-1] → DEMO-1\n- b → none: no id\n- c DEMO-999 → none: unknown id DEMO-999\n\n</details>',
    );
    expect(md).not.toContain('map to no test case');
  });
});

describe('renderText', () => {
  it('lists the failed tests before the other lists, and ends with the figures (what to do follows the message the host prints)', () => {
    expect(renderText(sample(), { error: refused })).toBe(
      [
        'Read 6 test result(s) from 1 file(s); 1 file(s) could not be read.',
        'Test run DEMO-R-7 (created), closed: recorded 3 of 4 test case(s): 2 Passed, 1 Failed.',
        `  ${RUN_URL}`,
        'Tests: 3 passed, 2 failed, 1 skipped. Test cases: 2 passed, 1 failed, 0 skipped.',
        '2 failed test(s):',
        '    checkout › pays with card 1 (DEMO-1): expected 200, received 500 (1) — tests/checkout.spec.ts:11',
        '    checkout › pays with card 2',
        '1 test case result(s) were NOT recorded.',
        '1 test(s) map to no test case:',
        '    cart › a | b <details>',
        '1 reference(s) name no test case of the project:',
        '    DEMO-999 (in legacy › old report and 1 more)',
        'File not used: b.xml is not well-formed XML: unclosed tag <testcase> at line 3. Regenerate it.',
        'Upload: 9 request(s) in 1.2 s, 2 retries.',
      ].join('\n'),
    );
    expect(whatToDoLine(refused)).toBe('What to do: Try again later; resume from the spool file if one was written. (API_SERVER_ERROR)');
  });

  it('tells a file read up to an error (its results used) from a file not used at all', () => {
    const files = [
      { path: 'a.xml', format: 'junit', tests: 6, error: null },
      { path: 'b.xml', tests: 0, error: 'b.xml is not well-formed XML: unclosed tag <testcase> at line 3. Regenerate it.' },
      { path: 'c.xml', tests: 4, error: 'c.xml is not well-formed XML: line 9, column 1: a tag is never closed (no ">"). Regenerate it.' },
    ];
    const text = renderText({ ...sample(), total: 10, files }).split('\n');
    expect(text[0]).toBe('Read 10 test result(s) from 2 file(s), 1 of them only up to an error; 1 file(s) could not be read.');
    expect(text).toContain(
      'File read in part (the 4 result(s) before the error are used): c.xml is not well-formed XML: line 9, column 1: a tag is never closed (no ">"). Regenerate it.',
    );
    expect(text).toContain('File not used: b.xml is not well-formed XML: unclosed tag <testcase> at line 3. Regenerate it.');
    const md = renderMarkdown({ ...sample(), total: 10, files });
    expect(md).toContain(
      '#### Files read in part (1)\n\n- c.xml is not well-formed XML: line 9, column 1: a tag is never closed (no "&gt;"). Regenerate it. (the 4 result(s) before the error are used)\n',
    );
    expect(md).toContain('#### Files not used (1)\n\n- b.xml is not well-formed XML: unclosed tag &lt;testcase&gt; at line 3. Regenerate it.\n');
  });

  it('caps the failed tests at 20 and leaves them to the runner in a reporter', () => {
    const failures = Array.from({ length: 25 }, (_, i) => failure(i));
    const text = renderText({ ...sample(), failures });
    expect(text).toContain('25 failed test(s):\n');
    expect(text).toContain('    checkout › pays with card 19 (DEMO-19): expected 200, received 500 (19) — tests/checkout.spec.ts:29\n    … and 5 more\n');
    expect(renderText({ ...sample(), failures }, { collectedBy: 'Jest' })).not.toContain('failed test(s):');
  });

  it('prints the mapping of a dry run, capped at 200 lines with a pointer to the complete JSON', () => {
    const mapping = Array.from({ length: 250 }, (_, i) => ({ test: `t${i}`, file: null, ids: [], case: null, reason: 'no id' as const }));
    const text = renderText({ ...emptySummary(true), total: 250, mapping });
    expect(text).toContain('Mapping (test → test case), 250 test(s):\n    t0 → none: no id\n');
    expect(text).toContain('    t199 → none: no id\n    … and 50 more (the summary JSON lists up to 10,000)');
  });
});
