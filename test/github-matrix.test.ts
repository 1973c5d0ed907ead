/**
 * A matrix leg's name from the matrix input, as src/github/matrix.ts reads what the runner fills in from
 * `${{ toJSON(matrix) }}`: the values in order, as GitHub names a leg of a job without a `name:`; null or no
 * values outside a matrix; an empty input says nothing.
 */
import { describe, expect, it } from 'vitest';
import { matrixLeg } from '../src/github/matrix.js';

describe('matrixLeg', () => {
  it('names a leg by its values in order, as toJSON(matrix) lists them', () => {
    expect(matrixLeg('test', JSON.stringify({ os: 'ubuntu-latest', node: 20 }, null, 2))).toEqual({ kind: 'leg', name: 'test (ubuntu-latest, 20)' });
    expect(matrixLeg('e2e', '{"shard": 2, "ci": true}')).toEqual({ kind: 'leg', name: 'e2e (2, true)' });
  });

  it('shows a value that is a list or an object (an include entry) as JSON on one line', () => {
    const matrix = { os: 'ubuntu-latest', browser: { name: 'chromium', headless: true }, tags: ['a', 'b'] };
    expect(matrixLeg('test', JSON.stringify(matrix, null, 2))).toEqual({
      kind: 'leg',
      name: 'test (ubuntu-latest, {"name":"chromium","headless":true}, ["a","b"])',
    });
  });

  it('takes a label a workflow passes itself at its word', () => {
    expect(matrixLeg('test', 'ubuntu-latest / node 20')).toEqual({ kind: 'leg', name: 'test (ubuntu-latest / node 20)' });
    expect(matrixLeg('test', '"windows"')).toEqual({ kind: 'leg', name: 'test (windows)' });
  });

  it('outside a matrix (null, or no values) there is no leg; an empty input says nothing', () => {
    expect(matrixLeg('test', 'null')).toEqual({ kind: 'none' });
    expect(matrixLeg('test', '{}')).toEqual({ kind: 'none' });
    expect(matrixLeg('test', '  ')).toEqual({ kind: 'unknown' });
  });
});
