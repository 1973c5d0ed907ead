/**
 * The generated documentation is current: action.yml's setting inputs, the READMEs' settings tables, the CLI help
 * and the error codes are what `npm run docs` writes from the settings table and ERROR_CODES.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without types
import { generatedDocs } from '../../scripts/docs.mjs';

describe('generated documentation', () => {
  it('matches the settings table and the error codes (run npm run docs and commit)', async () => {
    const docs = (await generatedDocs()) as Record<string, [string, string]>;
    expect(Object.keys(docs)).toEqual([
      'action.yml',
      'README.md',
      'packages/core/README.md',
      'packages/jest-reporter/README.md',
      'packages/playwright-reporter/README.md',
    ]);
    for (const [file, [committed, generated]] of Object.entries(docs)) expect(committed, `${file} is stale: run npm run docs`).toBe(generated);
  });
});
