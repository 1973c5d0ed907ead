// The memory bound of the JUnit reader: a string a result keeps (its name above all) never holds the piece of the
// file it was read from alive. V8 makes a substring of 13 or more characters a view of its parent, so a kept name
// that is a view would keep a whole piece (here 2 MB each) in memory for as long as the result lives.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { JUnitReader } from '../../src/formats/junit/junit.js';
import type { TestResult } from '../../src/model.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const PIECE_FILLER_CHARS = 2 * 1024 * 1024;

/** Names of every kind the scanner reads differently: plain, decoded, only a dropped reference, normalised and decoded. */
const NAMES = [
  'a plain test name, long enough to be a view',
  'a decoded name &amp; long enough to be a view',
  'a name whose only reference is dropped&nbsp;long enough',
  'a name with &#65; and a\ttab, long enough to be a view',
];

function heapUsed(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

describe('JUnit reader: kept strings', () => {
  it('keeps no piece of the file alive through the names of the results it hands over', () => {
    const before = heapUsed();
    const reader = new JUnitReader('kept.xml');
    const kept: TestResult[] = [];
    reader.write('<testsuites><testsuite name="kept">');
    const pieces = 20;
    for (let k = 0; k < pieces; k += 1) {
      // Each piece a string of its own, 2 MB of it a comment the reader skips.
      const name = NAMES[k % NAMES.length] as string;
      reader.write(`<testcase classname="kept.Suite${k}" name="${name} ${k}" time="0.001"/><!--${'x'.repeat(PIECE_FILLER_CHARS)}-->`);
      kept.push(...reader.take());
    }
    reader.write('</testsuite></testsuites>');
    reader.end();
    kept.push(...reader.take());
    const grown = heapUsed() - before;

    expect(kept.map((result) => result.name)).toEqual(
      Array.from({ length: pieces }, (_, k) =>
        [
          'a plain test name, long enough to be a view',
          'a decoded name & long enough to be a view',
          'a name whose only reference is droppedlong enough',
          'a name with A and a tab, long enough to be a view',
        ][k % NAMES.length]?.concat(` ${k}`),
      ),
    );
    // A name holding its piece would keep 20 × 2 MB; the results themselves weigh a few KB.
    expect(grown).toBeLessThan(PIECE_FILLER_CHARS);
  });
});
