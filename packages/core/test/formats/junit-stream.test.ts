// The JUnit reader reads in pieces: wherever a file is cut (inside a tag, an entity, a CDATA terminator, a
// `\r\n`), the results are the ones read from the whole text, and so are the refusals.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { junitXml } from '../../src/formats/junit/index.js';
import { JUnitReader, parseJUnit } from '../../src/formats/junit/junit.js';
import type { TestResult } from '../../src/model.js';
import { fixtureText, readManifest } from './fixture-files.js';

function inPieces(text: string, size: number, source: string): TestResult[] | string {
  const reader = new JUnitReader(source);
  const results: TestResult[] = [];
  try {
    for (let i = 0; i < text.length; i += size) {
      reader.write(text.slice(i, i + size));
      results.push(...reader.take());
    }
    reader.end();
  } catch (error) {
    if (error instanceof InputError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return [...results, ...reader.take()];
}

function whole(text: string, source: string): TestResult[] | string {
  try {
    return parseJUnit(text, source);
  } catch (error) {
    if (error instanceof InputError) return `${error.code}: ${error.message}`;
    throw error;
  }
}

const files = readManifest('junit').map((r) => r.file);

describe('JUnit reader in pieces', () => {
  it.each(files)('%s', (file) => {
    const text = fixtureText('junit', file);
    const expected = whole(text, file);
    // Pieces of one and two bytes cut every construct at every place; on the two big fixtures (130 and 600 KB)
    // that costs seconds per file and finds nothing the small ones do not, so they are cut in 7s and up.
    const sizes = text.length > 64 * 1024 ? [7, 64, 4096] : [1, 2, 7, 64, 4096];
    for (const size of sizes) expect(inPieces(text, size, file), `pieces of ${size}`).toEqual(expected);
  });

  it('keeps entities, CDATA terminators and \\r\\n intact across any cut', () => {
    const text = '<testsuite><testcase name="a &amp; b"><failure>x &lt;&#10;y\r\nz<![CDATA[ ]] ]]]]></failure></testcase></testsuite>';
    const expected = whole(text, 'c.xml');
    expect((expected as TestResult[])[0]?.stack).toBe('x <\ny\nz ]] ]]');
    for (let size = 1; size < text.length; size += 1) expect(inPieces(text, size, 'c.xml')).toEqual(expected);
  });
});

describe('entities', () => {
  it.each([
    ['a &amp;lt; b', 'a &lt; b'],
    ['&#65;&#x42;&#x1F600;', 'AB😀'],
    // Undeclared entities and references to characters XML does not allow are dropped; a lone `&` stays.
    ['&foo;|&nbsp;|&#0;|&#xD800;|&#99999999;| & alone &amp', '||||| & alone &amp'],
    ['NUL\u0000 dropped', 'NUL dropped'],
    ['&&amp;;', '&&;'],
    ['no references', 'no references'],
  ])('decodes %j as %j', (text, expected) => {
    const [r] = parseJUnit(`<testsuite><testcase name="${text}"/></testsuite>`, 'e.xml');
    expect(r?.name).toBe(expected);
  });
});

describe('the JUnit Format', () => {
  it('gives the same results from parse and parseInBatches on every fixture', async () => {
    for (const file of files) {
      const text = fixtureText('junit', file);
      const chunks = async function* chunks() {
        for (let i = 0; i < text.length; i += 1000) yield text.slice(i, i + 1000);
      };
      const one: unknown[] = [];
      const batched: unknown[] = [];
      const ctx = { source: file, warn: () => undefined, outsideTests: () => undefined };
      try {
        for await (const result of junitXml.parse(chunks(), ctx)) one.push(result);
      } catch (error) {
        one.push(String(error));
      }
      try {
        for await (const batch of junitXml.parseInBatches!(chunks(), ctx)) batched.push(...batch);
      } catch (error) {
        batched.push(String(error));
      }
      expect(batched, file).toEqual(one);
    }
  });
});
