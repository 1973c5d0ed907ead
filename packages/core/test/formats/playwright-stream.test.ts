// The Playwright JSON reader reads in pieces: wherever the bytes are cut (inside a string, an escape, a
// multi-byte character, a number), the results and warnings are the ones the whole-document reader
// (JSON.parse, then the same converter) gives; and what is not JSON is refused with the file and the place.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TextDecoder } from 'node:util';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parsePlaywrightJson } from '../../src/formats/playwright/playwright-json.js';
import { playwrightJsonOutsideErrors } from '../../src/formats/playwright/outside-tests.js';
import { readResultFiles } from '../../src/formats/read-files.js';
import { INLINE_BODY_MAX_CHARS, PlaywrightStreamReader } from '../../src/formats/playwright/stream-reader.js';
import { MAX_OUTPUT_CHARS } from '../../src/formats/text.js';
import type { OutsideTestError, TestResult } from '../../src/model.js';
import { FIXTURES_DIR, fixtureText } from './fixture-files.js';

interface Read {
  results: TestResult[];
  warnings: string[];
  /** The file's errors outside any test. */
  outside: OutsideTestError[];
}

/** Today's reader: the whole text through JSON.parse, then the converter; global errors as index.ts words them. */
function whole(text: string, source: string): Read {
  const json = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  const results = parsePlaywrightJson(json, source);
  const outside = playwrightJsonOutsideErrors((json as { errors?: unknown }).errors);
  return { results, warnings: [], outside };
}

/** The streaming reader fed the UTF-8 bytes `size` at a time, decoded as read-files decodes them. */
function inPieces(text: string, size: number, source: string): Read | string {
  const warnings: string[] = [];
  const outside: OutsideTestError[] = [];
  const reader = new PlaywrightStreamReader(
    source,
    (m) => warnings.push(m),
    (o) => outside.push(...o.errors),
  );
  const results: TestResult[] = [];
  const bytes = Buffer.from(text);
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  try {
    for (let at = 0; at < bytes.length; at += size) {
      const piece = decoder.decode(bytes.subarray(at, at + size), { stream: true });
      if (piece !== '') reader.write(piece);
      results.push(...reader.take());
    }
    reader.write(decoder.decode());
    reader.end();
  } catch (error) {
    if (error instanceof InputError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return { results: [...results, ...reader.take()], warnings, outside };
}

/** Fed the text `size` characters at a time: a surrogate pair may be cut between two pieces. */
function inCharPieces(text: string, size: number, source: string): Read {
  const warnings: string[] = [];
  const outside: OutsideTestError[] = [];
  const reader = new PlaywrightStreamReader(
    source,
    (m) => warnings.push(m),
    (o) => outside.push(...o.errors),
  );
  const results: TestResult[] = [];
  for (let at = 0; at < text.length; at += size) {
    reader.write(text.slice(at, at + size));
    results.push(...reader.take());
  }
  reader.end();
  return { results: [...results, ...reader.take()], warnings, outside };
}

const FIXTURE_DIR = 'Hypersequent__qas-cli';
const fixtures = readdirSync(`${FIXTURES_DIR}native/${FIXTURE_DIR}`).filter((f) => f.includes('playwright-json'));

type Json = Record<string, unknown>;
const attempt = (status: string, extra: Json = {}): Json => ({ status, duration: 10, errors: [], stdout: [], stderr: [], attachments: [], ...extra });
const spec = (title: string, tests: Json[], extra: Json = {}): Json => ({ title, tags: [], tests, ...extra });
const test = (results: Json[], extra: Json = {}): Json => ({
  projectName: 'chromium',
  expectedStatus: 'passed',
  annotations: [],
  results,
  status: 'expected',
  ...extra,
});

/** What the fixtures lack: escapes of every kind, characters of 1 to 4 UTF-8 bytes, buffers, inline bodies, odd key orders. */
const SYNTHETIC: Record<string, unknown> = {
  'escapes and unicode': {
    errors: [{ message: 'Error: global \u001b[31msetup\u001b[39m failed\nmore' }],
    config: { rootDir: '/ci/é', nested: [[1, -2.5e3, 0.25, true, false, null, {}]] },
    suites: [
      {
        title: 'ü/ünïcode 😀.spec.ts',
        file: 'ü/ünïcode 😀.spec.ts',
        specs: [
          spec('quotes " backslash \\ slash / tab \t nl \n cr \r ff \f bs \b nul \u0000 \u001f 😀 \ud800 end', [
            test(
              [
                attempt('failed', {
                  errors: [
                    { message: 'Error: 😀 expected "a"\n\n  1 | x\n    at a.ts:1:1', stack: 'Error: 😀\n    at a.ts:1:1' },
                    { message: 'second\n    at b.ts:2:2' },
                  ],
                  error: { message: 'Error: 😀 expected "a"', stack: 'Error: 😀\n    at a.ts:1:1' },
                  stdout: [{ text: '日本語 ✓\n' }, { buffer: Buffer.from('bytes ü\n').toString('base64') }],
                  stderr: [{ text: '\u001b[33mwarn\u001b[39m' }],
                  attachments: [{ name: 'note', contentType: 'text/plain', body: Buffer.from('hello').toString('base64') }],
                }),
                attempt('passed', { retry: 1 }),
              ],
              { status: 'flaky', annotations: [{ type: 'issue', description: 'ÉÀ-1' }] },
            ),
          ]),
        ],
        suites: [{ title: '', specs: [spec('in anonymous describe', [test([attempt('passed')])])], suites: [] }],
      },
    ],
    stats: { expected: 1 },
  },
  'errors after the suites, titles after the specs': {
    suites: [
      {
        specs: [spec('first', [test([attempt('passed')]), test([attempt('failed')], { projectName: 'firefox', status: 'unexpected' })])],
        suites: [{ specs: [spec('deep', [test([attempt('skipped')], { expectedStatus: 'skipped', status: 'skipped' })])], title: 'late describe' }],
        file: 'late.spec.ts',
        title: 'late.spec.ts',
      },
      { file: 42, specs: [spec('numeric file', [test([])])], title: 'by-title.spec.ts' },
    ],
    errors: [{ value: 'thrown 42' }, { message: '' }],
  },
  'odd values read as absent': {
    suites: [
      {
        title: { not: 'a string' },
        specs: 'not an array',
        suites: [1, 'x', null, [], { title: 'ok', specs: [1, [], spec('kept', [test([attempt('passed')])])] }],
      },
      7,
    ],
    errors: 'not an array',
  },
};
const protoKey = JSON.stringify(SYNTHETIC['odd values read as absent']).replace('"suites":', '"__proto__":{"polluted":true},"suites":');

/** A real `playwright test` run's JSON report (the run of the reporter's paths-agree test), temporary directory renamed. */
const REAL_RUN = readFileSync(new URL('./fixtures/playwright-real-run.json', import.meta.url), 'utf8');

const documents: [string, string][] = [
  ['a real run (Playwright 1.65: soft errors, retries, attachments, colours, a serial group)', REAL_RUN],
  ...fixtures.map((f): [string, string] => [f, fixtureText('native', `${FIXTURE_DIR}/${f}`)]),
  ...fixtures.map((f): [string, string] => [`${f} (compact)`, JSON.stringify(JSON.parse(fixtureText('native', `${FIXTURE_DIR}/${f}`)))]),
  ...Object.entries(SYNTHETIC).map(([name, doc]): [string, string] => [name, JSON.stringify(doc, null, 2)]),
  ['__proto__ key', protoKey],
  ['byte-order mark', `\uFEFF${fixtureText('native', `${FIXTURE_DIR}/${fixtures[0] as string}`)}`],
];

describe('Playwright JSON reader in pieces: the results of the whole-document reader', () => {
  it('finds the fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(7);
  });

  describe.each([1, 7, 64 * 1024])('%i-byte pieces', (size) => {
    it.each(documents)('%s', (name, text) => {
      const expected = whole(text, 'p.json');
      expect(expected.results.length + expected.warnings.length + expected.outside.length).toBeGreaterThan(0);
      expect(inPieces(text, size, 'p.json')).toEqual(expected);
    });
  });

  it.each(documents)('%s, cut between the characters of a surrogate pair', (name, text) => {
    expect(inCharPieces(text, 1, 'p.json')).toEqual(whole(text, 'p.json'));
  });

  it('a suite that writes its suites before its specs gives the same results, in document order', () => {
    const text = JSON.stringify({
      suites: [
        {
          suites: [{ specs: [spec('nested', [test([attempt('passed')])])], title: 'describe' }],
          specs: [spec('top', [test([attempt('passed')])])],
          title: 'f.spec.ts',
        },
      ],
    });
    const byName = (read: Read): TestResult[] => [...read.results].sort((a, b) => a.name.localeCompare(b.name));
    const read = inPieces(text, 7, 'p.json') as Read;
    expect(read.results.map((r) => r.name)).toEqual(['nested', 'top']);
    expect(byName(read)).toEqual(byName(whole(text, 'p.json')));
  });
});

const TAIL =
  'Expected Playwright JSON reporter output; the file may be truncated (the test run was killed while writing it) or have console output mixed in. Regenerate it.';
const malformed = (reason: string): string => `INPUT_MALFORMED: p.json is not valid JSON: ${reason}. ${TAIL}`;
const NOT_PLAYWRIGHT =
  'INPUT_NOT_RESULTS: p.json is not Playwright JSON reporter output: expected an object with a "suites" array. Run Playwright with --reporter=json (PLAYWRIGHT_JSON_OUTPUT_FILE=<file>) and pass that file.';

describe('Playwright JSON reader: malformed and hostile input', () => {
  it.each([
    ['a truncated file', '{"suites":[{"title":"a"', malformed('the file ends at byte offset 23 (line 1, column 24) with 3 objects or arrays still open')],
    ['a file cut inside a string', '{"suites":[{"title":"a', malformed('the file ends inside a string, at byte offset 22 (line 1, column 23)')],
    ['a file cut inside an escape', '{"suites":[{"title":"a\\u00', malformed('the file ends inside a string, at byte offset 26 (line 1, column 27)')],
    ['an empty file', '', malformed('the file ends at byte offset 0 (line 1, column 1) before any value')],
    ['an unbalanced bracket', '{"suites":[]]}', malformed('unexpected "]" at byte offset 12 (line 1, column 13), where "," or "}" was expected')],
    ['a closing brace for a bracket', '{"suites":[\n  {}\n}', malformed('unexpected "}" at byte offset 17 (line 3, column 1), where "," or "]" was expected')],
    [
      'text after the document',
      '{"suites":[]}\nnpm ERR!',
      malformed('unexpected "n" at byte offset 14 (line 2, column 1), where nothing after the end of the JSON value was expected'),
    ],
    ['an invalid escape', '{"suites":[{"title":"a\\qb"}]}', malformed('an invalid escape "\\\\q" inside a string, at byte offset 22 (line 1, column 23)')],
    [
      'an invalid unicode escape',
      '{"suites":[{"title":"\\u12G4"}]}',
      malformed('an invalid escape "\\\\u12G" inside a string, at byte offset 21 (line 1, column 22)'),
    ],
    [
      'a raw line break in a string',
      '{"suites":[{"title":"a\nb"}]}',
      malformed('a control character (U+000A) inside a string, at byte offset 22 (line 1, column 23); it must be escaped'),
    ],
    [
      'an offset counted in bytes',
      '{"suites":[{"title":"é😀"},]}',
      malformed('unexpected "]" at byte offset 30 (line 1, column 28), where a value was expected'),
    ],
    ['a number with a leading zero', '{"suites":[],"n":012}', malformed('an invalid number "012" at byte offset 17 (line 1, column 18)')],
    ['a bare word', '{"suites":[],"n":nul}', malformed('unexpected "n" at byte offset 17 (line 1, column 18), where a value was expected')],
    ['single quotes', "{'suites':[]}", malformed('unexpected "\'" at byte offset 1 (line 1, column 2), where a key in double quotes or "}" was expected')],
    ['a byte-order mark inside', '{"suites":[]\uFEFF}', malformed('unexpected U+FEFF at byte offset 12 (line 1, column 13), where "," or "}" was expected')],
    [
      'nesting deeper than the limit',
      `{"config":${'['.repeat(600)}`,
      malformed('objects and arrays nested more than 512 deep, at byte offset 521 (line 1, column 522)'),
    ],
    ['suites that are not an array', '{"suites":{}}', NOT_PLAYWRIGHT],
    ['no suites', '{"config":{"suites":[]}}', NOT_PLAYWRIGHT],
    ['an array', '[{"suites":[]}]', NOT_PLAYWRIGHT],
  ])('%s', (name, text, message) => {
    for (const size of [1, 7, 64 * 1024]) expect(inPieces(text, size, 'p.json')).toBe(message);
    expect(() => whole(text, 'p.json')).toThrow();
  });

  it('a huge output string is cut while read: the head, the tail, and exactly how much was left out', () => {
    const log = `${'start of the log\n'.repeat(1000)}${'x'.repeat(3_000_000)}${'\nend of the log'.repeat(1000)}`;
    const text = JSON.stringify({
      suites: [{ title: 'f.spec.ts', specs: [spec('noisy', [test([attempt('failed', { stdout: [{ text: log }] })], { status: 'unexpected' })])] }],
    });
    const [read] = (inPieces(text, 64 * 1024, 'p.json') as Read).results;
    const output = read?.output ?? '';
    expect(output.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
    const markers = [...output.matchAll(/\n… \[(\d+) characters omitted\] …\n/g)];
    expect(markers).toHaveLength(1);
    const [marker, omitted] = markers[0] as RegExpExecArray;
    expect(output.length - marker.length + Number(omitted)).toBe(log.length);
    expect(output.startsWith(log.slice(0, MAX_OUTPUT_CHARS / 4))).toBe(true);
    expect(output.endsWith(`xxx${'\nend of the log'.repeat(1000)}`)).toBe(true);
    // Everything else is what the whole-document reader gives.
    const [expected] = whole(text, 'p.json').results;
    expect({ ...read, output: undefined }).toEqual({ ...expected, output: undefined });
  });

  it('a huge stdout buffer is cut on base64 boundaries and still decodes', () => {
    const bytes = Buffer.from(`${'head '.repeat(10_000)}${'y'.repeat(1_000_000)}${' tail'.repeat(10_000)}`);
    const text = JSON.stringify({
      suites: [{ title: 'f.spec.ts', specs: [spec('binary', [test([attempt('passed', { stdout: [{ buffer: bytes.toString('base64') }] })])])] }],
    });
    const output = (inPieces(text, 64 * 1024, 'p.json') as Read).results[0]?.output ?? '';
    expect(output.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
    const [marker, omitted] = /\n… \[(\d+) bytes omitted\] …\n/.exec(output) as RegExpExecArray;
    expect(Buffer.byteLength(output) - Buffer.byteLength(marker) + Number(omitted)).toBe(bytes.length);
    expect(output).toMatch(/^(head )+hea\n… \[\d+ bytes omitted\] …\nail( tail)+$/);
  });

  it('an inline attachment body beyond the limit is not kept, and a warning names it', () => {
    const body = 'A'.repeat(INLINE_BODY_MAX_CHARS + 4);
    const attachments = [
      { name: 'huge.bin', contentType: 'application/octet-stream', body },
      { name: 'small', contentType: 'text/plain', body: 'aGk=' },
    ];
    const text = JSON.stringify({
      suites: [{ title: 'f.spec.ts', specs: [spec('attaches', [test([attempt('failed', { attachments })], { status: 'unexpected' })])] }],
    });
    const read = inPieces(text, 64 * 1024, 'p.json') as Read;
    expect(read.results[0]?.attachments).toEqual([{ name: 'small', contentType: 'text/plain', body: 'aGk=' }]);
    expect(read.warnings).toEqual([
      'p.json: the inline attachment "huge.bin" of "attaches" is 16.0 MiB of base64, more than the 16 MiB kept while reading, so it is not uploaded. Attach large files by path (testInfo.attach(name, { path })).',
    ]);
  });

  it('a long key or number is refused or cut, never kept whole', () => {
    expect(inPieces(`{"suites":[],"n":${'1'.repeat(2000)}}`, 7, 'p.json')).toBe(
      malformed('a number longer than 1024 characters at byte offset 17 (line 1, column 18)'),
    );
    const longKey = `{"${'k'.repeat(100_000)}":1,"suites":[]}`;
    expect(inPieces(longKey, 64 * 1024, 'p.json')).toEqual({ results: [], warnings: [], outside: [] });
  });

  it('a truncated file on disk is refused by name, with no result kept', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pw-stream-'));
    const full = JSON.stringify(JSON.parse(fixtureText('native', `${FIXTURE_DIR}/${fixtures[0] as string}`)), null, 2);
    writeFileSync(path.join(dir, 'results.json'), full.slice(0, Math.floor(full.length * 0.8)));
    const [outcome] = await readResultFiles(['results.json'], { cwd: dir });
    expect(outcome?.results).toEqual([]);
    expect(outcome?.error?.code).toBe('INPUT_MALFORMED');
    expect(outcome?.error?.message).toMatch(/^results\.json is not valid JSON: the file ends (inside a string, )?at byte offset \d+ \(line \d+, column \d+\)/);
  });
});
