// Hostile and odd JUnit input (issue 20): nesting without end, huge attribute values, truncated files, decimal
// commas, links given as attachments, UTF-16 without a byte-order mark, NUL characters and undeclared entities.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InputError } from '../../src/errors.js';
import { parseJUnit, readJUnit } from '../../src/formats/junit/junit.js';
import { MAX_ELEMENT_DEPTH } from '../../src/formats/junit/xml-scanner.js';
import { readResultFiles, resultFileSource } from '../../src/formats/read-files.js';
import { DEFAULT_STATUS_MAPPING } from '../../src/map/status.js';
import type { TestResult } from '../../src/model.js';
import { describeCase } from '../../src/plan/description.js';

const CHILD = fileURLToPath(new URL('./deep-nesting-child.mjs', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'junit-hostile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function nested(depth: number, inner = '<testcase name="deepest"/>'): string {
  return `<testsuites>${'<testsuite name="s">'.repeat(depth)}${inner}${'</testsuite>'.repeat(depth)}</testsuites>`;
}

async function inPieces(text: string, size: number, source: string): Promise<{ results: TestResult[]; error?: InputError }> {
  const results: TestResult[] = [];
  const chunks = async function* chunks() {
    for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
  };
  try {
    for await (const result of readJUnit(chunks(), source)) results.push(result);
    return { results };
  } catch (error) {
    return { results, error: error as InputError };
  }
}

function thrown(action: () => unknown): InputError {
  try {
    action();
  } catch (error) {
    return error as InputError;
  }
  throw new Error('expected an error');
}

describe('nesting', () => {
  it('reads a file nested to the limit, the deepest testcase with its whole suite path', () => {
    // The root <testsuites> is one level: MAX_ELEMENT_DEPTH - 2 suites leave room for the testcase.
    const [result] = parseJUnit(nested(MAX_ELEMENT_DEPTH - 2), 'limit.xml');
    expect(result?.name).toBe('deepest');
    expect(result?.suitePath).toHaveLength(MAX_ELEMENT_DEPTH - 2);
  });

  it('refuses one level more, naming where, as hostile input', () => {
    const error = thrown(() => parseJUnit(nested(MAX_ELEMENT_DEPTH), 'deep.xml'));
    expect(error.code).toBe('INPUT_HOSTILE');
    expect(error.message).toBe(
      'deep.xml: refused at line 1, column 19993: a <testsuite> nested more than 1000 elements deep. ' +
        'Real result files nest a few levels; a file nested this deep is broken or made to exhaust the memory of the tools that read it, ' +
        'so it is not read further (the other files are). Check where this file came from, and regenerate it with the test runner.',
    );
  });

  it('refuses 20,000 levels (640 KB) in a 48 MB heap, and reads the good file beside it', async () => {
    const deep = path.join(dir, 'a-deep.xml');
    const good = path.join(dir, 'b-good.xml');
    await writeFile(deep, nested(20_000));
    await writeFile(good, `<testsuite name="g">${Array.from({ length: 100 }, (_, i) => `<testcase name="T-${i}"/>`).join('')}</testsuite>`);
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--max-old-space-size=48', CHILD, deep, good], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}: ${out}${err}`))));
    });
    const lines = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.slice(0, 2).map(({ path: file, count, code }) => ({ file, count, code }))).toEqual([
      { file: deep, count: 0, code: 'INPUT_HOSTILE' },
      { file: good, count: 100, code: undefined },
    ]);
    expect(lines[0]?.message).toContain('nested more than 1000 elements deep');
    expect(lines[2]?.read).toBe(100);
  });
});

describe('attribute values', () => {
  const text =
    '<testsuite name="s"><testcase name="a &amp; b" classname=\'c "q"\'><failure message="line&#10;two &lt;x&gt; tab\there" type="T"/></testcase>' +
    '<testcase name="second"/></testsuite>';

  it('reads a tag the same whatever pieces cut it', async () => {
    const whole = parseJUnit(text, 'cut.xml');
    expect(whole.map((r) => [r.name, r.classname, r.message])).toEqual([
      ['a & b', 'c "q"', 'line\ntwo <x> tab here'],
      ['second', undefined, undefined],
    ]);
    for (let size = 1; size < text.length; size += 1) expect((await inPieces(text, size, 'cut.xml')).results, `pieces of ${size}`).toEqual(whole);
  });

  it('reads a 5 MB value arriving in 64 KiB pieces whole', async () => {
    const value = 'x'.repeat(5 * 1024 * 1024);
    const { results } = await inPieces(`<testsuite><testcase name="${value}" classname="c"/><testcase name="b"/></testsuite>`, 64 * 1024, 'big.xml');
    expect(results.map((r) => [r.name.length, r.classname])).toEqual([
      [value.length, 'c'],
      [1, undefined],
    ]);
  });

  it('names a "<" in a value cut by a piece where it stands', async () => {
    const value = `${'x'.repeat(100_000)}\n<y`;
    const { error } = await inPieces(`<testsuite><testcase name="${value}"/></testsuite>`, 4096, 'lt.xml');
    expect(error?.message).toBe(
      'lt.xml is not well-formed XML: line 2, column 1: "<" is not allowed inside an attribute value (it must be written &lt;). ' +
        'The tool that wrote this file produced invalid XML; fix or regenerate the file.',
    );
  });

  it('refuses a name longer than 10,000 characters', () => {
    expect(thrown(() => parseJUnit(`<testsuite><testcase ${'n'.repeat(10_001)}="1"/></testsuite>`, 'name.xml')).message).toBe(
      'name.xml is not well-formed XML: line 1, column 22: an attribute name longer than 10000 characters. ' +
        'Expected a complete JUnit XML file; the file may be truncated or hand-edited. Regenerate it.',
    );
  });
});

describe('a truncated single-suite report', () => {
  const complete = Array.from(
    { length: 5 },
    (_, i) => `  <testcase name="t${i}" classname="c"${i === 3 ? '><failure message="no"/></testcase>' : '/>'}\n`,
  ).join('');
  const truncated = `<?xml version="1.0"?>\n<testsuite name="s">\n${complete}  <testcase name="cut" classname="c"><failure mess`;

  it('keeps every complete testcase before the break and names where it broke', async () => {
    for (const size of [7, 64, 100_000]) {
      const { results, error } = await inPieces(truncated, size, 'cut.xml');
      expect(results.map((r) => `${r.name}:${r.status}`)).toEqual(['t0:passed', 't1:passed', 't2:passed', 't3:failed', 't4:passed']);
      expect(error?.code).toBe('INPUT_MALFORMED');
      expect(error?.message).toBe(
        'cut.xml is not well-formed XML: line 8, column 38: a tag is never closed (no ">"). The file is truncated ' +
          '(the test run was probably killed while writing it); regenerate it. The 5 testcases read whole before that point are kept; the rest of the file is not read.',
      );
    }
  });

  it('hands the complete testcases to an upload, with the error', async () => {
    const file = path.join(dir, 'truncated.xml');
    await writeFile(file, `<testsuite name="s">${complete}`);
    const names: string[] = [];
    const [outcome] = await (await resultFileSource([file])).read((r) => names.push(r.name));
    expect(names).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(outcome?.count).toBe(5);
    expect(outcome?.error?.message).toBe(
      `${file} is not well-formed XML: it ends at line 6 while <testsuite> are still open. The file is truncated ` +
        '(the test run was probably killed while writing it); regenerate it. The 5 testcases read whole before that point are kept; the rest of the file is not read.',
    );
  });
});

describe('odd values', () => {
  it.each([
    ['1,234', 1234],
    ['1,234.5', 1_234_500],
    ['0,014', 14],
    ['12,5', 12_500],
    ['1.234', 1234],
  ])('reads time="%s" as %s ms', (time, ms) => {
    expect(parseJUnit(`<testsuite><testcase name="t" time="${time}"/></testsuite>`, 't.xml')[0]?.durationMs).toBe(ms);
  });

  it('records a URL or a data: URI given as an attachment as a link in the description, never as a path', () => {
    const data = `data:image/png;base64,${'A'.repeat(1000)}`;
    const [result] = parseJUnit(
      '<testsuite><testcase name="DEMO-1 t"><properties>' +
        '<property name="attachment" value="https://ci.example.com/shots/1.png"/>' +
        `<property name="attachment" value="${data}"/>` +
        '<property name="attachment" value="data:text/plain,hi"/>' +
        '<property name="attachment" value="shots/local.png"/>' +
        '</properties><system-out>[[ATTACHMENT|s3://bucket/trace.zip]] [[ATTACHMENT|https://ci.example.com/shots/1.png]]</system-out></testcase></testsuite>',
      'a.xml',
    );
    expect(result?.attachments).toEqual([
      { name: 'https://ci.example.com/shots/1.png' },
      { name: 'data: URI (image/png, 1022 characters inline, not recorded)' },
      { name: 'data:text/plain,hi' },
      { name: 'local.png', path: 'shots/local.png' },
      { name: 's3://bucket/trace.zip' },
    ]);
    const description = describeCase(
      { testCase: { id: 'c', human_id: 'DEMO-1', title: 't' }, results: [result as TestResult] },
      { mapping: DEFAULT_STATUS_MAPPING },
    );
    expect(description.split('\n').pop()).toBe(
      'Attachments: https://ci.example.com/shots/1.png, data: URI (image/png, 1022 characters inline, not recorded), data:text/plain,hi, local.png, s3://bucket/trace.zip',
    );
  });

  it('drops NUL characters and undeclared entities from text and attributes', () => {
    const [result] = parseJUnit(
      '<testsuite><testcase name="a\u0000b&nbsp;c"><failure message="m&copy;">x\u0000y &foo; z <![CDATA[q\u0000]]></failure></testcase></testsuite>',
      'n.xml',
    );
    expect([result?.name, result?.message, result?.stack]).toEqual(['abc', 'm', 'xy  z q']);
  });

  it.each([
    ['utf-16le', (b: Buffer) => b],
    ['utf-16be', (b: Buffer) => b.swap16()],
  ])('reads %s without a byte-order mark', async (encoding, order) => {
    const file = path.join(dir, `${encoding}.xml`);
    const xml = '<?xml version="1.0" encoding="utf-16"?>\n<testsuite name="s"><testcase name="t — 日本"/></testsuite>';
    await writeFile(file, order(Buffer.from(xml, 'utf16le')));
    const [outcome] = await readResultFiles([file]);
    expect(outcome?.error).toBeUndefined();
    expect(outcome?.results.map((r) => r.name)).toEqual(['t — 日本']);
  });
});
