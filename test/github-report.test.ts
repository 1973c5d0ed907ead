/**
 * The pull-request comment's and check run's list of files the upload could not read whole (src/github/report-markdown.ts):
 * a file read up to an error has its results in the run, so it is named apart from a file not used at all.
 */
import { describe, expect, it } from 'vitest';
import { emptySummary } from 'testsigma-tm-core';
import { renderReport } from '../src/github/report-markdown.js';

describe('renderReport', () => {
  it('names a file read in part (its results used) apart from a file not used', () => {
    const summary = {
      ...emptySummary(false),
      total: 10,
      files: [
        { path: 'a.xml', format: 'junit', tests: 6, error: null },
        { path: 'b.xml', tests: 0, error: 'b.xml is not JUnit XML.' },
        { path: 'c.xml', tests: 4, error: 'c.xml is not well-formed XML: a tag is never closed. Regenerate it.' },
      ],
    };
    const body = renderReport({ summary, links: [], job: 'test' }, { maxChars: 65_536 });
    expect(body).toContain(
      '**Files read in part (1):**\n\n- c.xml is not well-formed XML: a tag is never closed. Regenerate it. (the 4 result(s) before the error are used)\n',
    );
    expect(body).toContain('**Files not used (1):**\n\n- b.xml is not JUnit XML.\n');
  });
});
