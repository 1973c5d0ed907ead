// Hostile nesting in the XML formats other than JUnit (issue 20): TRX, NUnit 3, xUnit.net, TestNG and Robot
// Framework share the JUnit scanner, so a file nested past its depth limit is refused as hostile input, within a
// small heap, and the good file beside it is still read.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ELEMENT_DEPTH } from '../../src/formats/junit/xml-scanner.js';
import { parseResultText } from '../../src/formats/read-files.js';

const CHILD = fileURLToPath(new URL('./deep-nesting-child.mjs', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xml-hostile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Case {
  format: string;
  /** The document with `levels` nested elements where the format allows nesting, around one test. */
  nested(levels: number): string;
  /** A good file of the format holding 100 tests. */
  good: string;
  /** The element named in the refusal. */
  element: string;
}

const hundred = (test: (i: number) => string) => Array.from({ length: 100 }, (_, i) => test(i)).join('');

const CASES: Case[] = [
  {
    format: 'dotnet-trx',
    nested: (levels) =>
      '<TestRun><Results>' +
      '<UnitTestResult testId="t" testName="data row" outcome="Passed"><InnerResults>'.repeat(levels) +
      '</InnerResults></UnitTestResult>'.repeat(levels) +
      '</Results></TestRun>',
    good: `<TestRun><Results>${hundred((i) => `<UnitTestResult testId="t${i}" testName="T-${i}" outcome="Passed"/>`)}</Results></TestRun>`,
    element: 'UnitTestResult',
  },
  {
    format: 'nunit3',
    nested: (levels) =>
      `<test-run>${'<test-suite type="TestSuite" name="s">'.repeat(levels)}<test-case name="deepest" result="Passed"/>${'</test-suite>'.repeat(levels)}</test-run>`,
    good: `<test-run><test-suite type="TestFixture" name="F">${hundred((i) => `<test-case name="T-${i}" fullname="F.T-${i}" result="Passed"/>`)}</test-suite></test-run>`,
    element: 'test-suite',
  },
  {
    format: 'xunit',
    nested: (levels) =>
      `<assemblies><assembly name="a"><collection name="c"><test name="deepest" result="Pass">${'<traits>'.repeat(levels)}${'</traits>'.repeat(levels)}</test></collection></assembly></assemblies>`,
    good: `<assemblies><assembly name="a"><collection name="c">${hundred((i) => `<test name="T-${i}" type="C" method="T-${i}" result="Pass"/>`)}</collection></assembly></assemblies>`,
    element: 'traits',
  },
  {
    format: 'testng',
    nested: (levels) =>
      `<testng-results><suite name="s"><test name="t"><class name="C"><test-method name="deepest" status="PASS">${'<params>'.repeat(levels)}${'</params>'.repeat(levels)}</test-method></class></test></suite></testng-results>`,
    good: `<testng-results><suite name="s"><test name="t"><class name="C">${hundred((i) => `<test-method name="T-${i}" status="PASS" signature="T${i}()"/>`)}</class></test></suite></testng-results>`,
    element: 'params',
  },
  {
    format: 'robot',
    nested: (levels) => `<robot>${'<suite name="s">'.repeat(levels)}<test name="deepest"><status status="PASS"/></test>${'</suite>'.repeat(levels)}</robot>`,
    good: `<robot><suite name="S">${hundred((i) => `<test id="t${i}" name="T-${i}"><status status="PASS"/></test>`)}</suite></robot>`,
    element: 'suite',
  },
];

describe.each(CASES)('$format', ({ format, nested, good, element }) => {
  it('reads the good file as its format, every test', async () => {
    const read = await parseResultText(good, `good.${format}`);
    expect([read.format, read.results.length]).toEqual([format, 100]);
  });

  it(`refuses nesting past ${MAX_ELEMENT_DEPTH} elements as hostile input, naming where`, async () => {
    const error = await parseResultText(nested(MAX_ELEMENT_DEPTH), 'deep.xml').then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error?.code).toBe('INPUT_HOSTILE');
    expect(error?.message).toMatch(
      new RegExp(
        `^deep\\.xml: refused at line 1, column \\d+: a <${element}> nested more than ${MAX_ELEMENT_DEPTH} elements deep\\. ` +
          'Real result files nest a few levels; a file nested this deep is broken or made to exhaust the memory of the tools that read it, ' +
          'so it is not read further \\(the other files are\\)\\. Check where this file came from, and regenerate it with the test runner\\.$',
      ),
    );
  });

  it('refuses 20,000 levels in a 48 MB heap, and reads the good file beside it', async () => {
    const deep = path.join(dir, `a-deep-${format}.xml`);
    const fine = path.join(dir, `b-good-${format}.xml`);
    await writeFile(deep, nested(20_000));
    await writeFile(fine, good);
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--max-old-space-size=48', CHILD, deep, fine], { stdio: ['ignore', 'pipe', 'pipe'] });
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
      { file: fine, count: 100, code: undefined },
    ]);
    expect(lines[0]?.message).toContain(`a <${element}> nested more than ${MAX_ELEMENT_DEPTH} elements deep`);
    expect(lines[2]?.read).toBe(100);
  });
});
