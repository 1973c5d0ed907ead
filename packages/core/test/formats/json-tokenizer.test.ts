// The JSON tokenizer accepts exactly what JSON.parse accepts, and the values built from its events are
// JSON.parse's: checked on seeded random mutations of a real report (characters deleted, doubled or replaced
// by JSON's own punctuation), fed in pieces of several sizes.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { JsonTokenizer, type JsonHandler } from '../../src/formats/json-stream/tokenizer.js';
import { ValueBuilder } from '../../src/formats/json-stream/value-builder.js';
import { fixtureText } from './fixture-files.js';

/** The whole document through the tokenizer into one value; the error message when it is refused. */
function tokenize(text: string, size: number): { value: unknown } | { error: string } {
  const builder = new ValueBuilder();
  const handler: JsonHandler = {
    openObject: () => builder.openObject(),
    openArray: () => builder.openArray(),
    closeObject: () => builder.close(),
    closeArray: () => builder.close(),
    key: (name) => builder.key(name),
    string: (value) => builder.add(value),
    scalar: (value) => builder.add(value),
    limit: () => ({ kind: 'text', max: Number.MAX_SAFE_INTEGER }),
  };
  const tokenizer = new JsonTokenizer('m.json', 'JSON', handler);
  try {
    for (let at = 0; at < text.length; at += size) tokenizer.write(text.slice(at, at + size));
    tokenizer.end();
  } catch (error) {
    if (error instanceof InputError) return { error: error.message };
    throw error;
  }
  return { value: builder.result };
}

function parsed(text: string): { value: unknown } | undefined {
  try {
    // A leading byte-order mark is skipped, as the file readers always did before JSON.parse.
    return { value: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown };
  } catch {
    return undefined;
  }
}

/** A small deterministic generator (mulberry32), so that a failure names a reproducible case. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PUNCTUATION = ['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '\n', '0', '-', '.', 'e', 'u', 't', 'n', '\u0001', '\uFEFF', '😀', '\\u12'];
const base = JSON.stringify(JSON.parse(fixtureText('native', 'Hypersequent__qas-cli/src__tests__fixtures__playwright-json__global-errors.json')), null, 1);

function mutate(text: string, next: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(next() * 3);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * out.length);
    const kind = next();
    if (kind < 0.33) out = out.slice(0, at) + out.slice(at + 1);
    else if (kind < 0.5) out = out.slice(0, at) + out.slice(at, at + 1) + out.slice(at);
    else out = out.slice(0, at) + (PUNCTUATION[Math.floor(next() * PUNCTUATION.length)] as string) + out.slice(at + 1);
  }
  return out;
}

describe('JSON tokenizer', () => {
  it('reads the unmutated report as JSON.parse does', () => {
    for (const size of [1, 7, 1 << 16]) expect(tokenize(base, size)).toEqual({ value: JSON.parse(base) });
  });

  it('accepts and refuses what JSON.parse does, on 1,500 mutations of a real report', () => {
    const next = random(8);
    let refused = 0;
    for (let i = 0; i < 1500; i++) {
      const text = mutate(base, next);
      const expected = parsed(text);
      for (const size of [3, 1 << 16]) {
        const actual = tokenize(text, size);
        if (expected === undefined) {
          expect(actual, `mutation ${i}: ${JSON.stringify(text)}`).toHaveProperty(
            'error',
            expect.stringMatching(/^m\.json is not valid JSON: .* at byte offset \d+ \(line \d+, column \d+\)/),
          );
        } else {
          expect(actual, `mutation ${i}`).toEqual(expected);
        }
      }
      if (expected === undefined) refused += 1;
    }
    // The mutations exercise both sides.
    expect(refused).toBeGreaterThan(500);
    expect(refused).toBeLessThan(1500);
  });
});
