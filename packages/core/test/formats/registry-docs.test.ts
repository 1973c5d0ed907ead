// The registry is the one list of formats: the READMEs' lists and the messages are made from it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FORMATS, expectedFormats } from '../../src/formats/registry.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The labels in a README's generated table of formats, in order. */
function listedFormats(readme: string): string[] {
  const text = readFileSync(`${ROOT}${readme}`, 'utf8');
  const section = text.slice(text.indexOf('<!-- generated:formats -->'), text.indexOf('<!-- /generated:formats -->'));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| Format') && !line.startsWith('| ---'))
    .map((line) => line.split(' | ')[0]?.slice(2) ?? '');
}

describe('the formats registry', () => {
  it.each(['README.md', 'packages/core/README.md'])('%s lists exactly the registry’s formats', (readme) => {
    expect(listedFormats(readme)).toEqual(FORMATS.map((f) => f.label));
  });

  it('gives every format an id of its own, a label and the command that writes it', () => {
    expect(new Set(FORMATS.map((f) => f.id)).size).toBe(FORMATS.length);
    for (const format of FORMATS) expect(format.writtenBy, format.id).toMatch(/\S/);
  });

  it('names every format in the messages that list what is read', () => {
    for (const format of FORMATS) expect(expectedFormats()).toContain(format.label);
  });
});
