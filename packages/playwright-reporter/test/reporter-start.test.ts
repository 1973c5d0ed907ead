/**
 * The reporter says a bad option value when Playwright constructs it, with core's message under this package's
 * name, and never throws (a throwing constructor stops `playwright test` before any test). That the tests then
 * run, nothing is recorded and failOnUploadError decides the exit is proven with the real runner
 * (reporter.e2e.test.ts); each refused value needs no Playwright process of its own.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TestsigmaReporter } from '../src/reporter.js';
import type { TestsigmaReporterOptions } from '../src/options.js';

/** What the reporter wrote to stderr while Playwright constructed it. */
function constructed(options: unknown): string {
  const written: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  new TestsigmaReporter(options as TestsigmaReporterOptions);
  vi.restoreAllMocks();
  return written.join('');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the reporter at construction', () => {
  it.each([
    [{ projectId: 'Demo', closeRun: 'sometimes' }, 'closeRun: expected true or false, received "sometimes"'],
    [{ projectID: 'Demo' }, 'Unknown reporter option(s) "projectID" (did you mean "projectId"?): expected any of apiToken, projectId,'],
  ])('says %j with the package name and what was expected, and does not throw', (options, message) => {
    const said = constructed(options);
    expect(said).toMatch(/a setting of playwright-testsigma-tm-reporter is wrong/i);
    expect(said).toContain(`[testsigma-tm]   - ${message}`);
  });

  it.each([
    ['Demo', `Reporter options: expected an object such as { projectId: 'Demo' }, received "Demo"`],
    [['Demo'], `Reporter options: expected an object such as { projectId: 'Demo' }, received object ["Demo"]`],
  ])('says options that are not an object (%j) are not, although Playwright spreads them into one', (options, message) => {
    // What Playwright passes for ['playwright-testsigma-tm-reporter', options]: `{ ...reportOptions, ...options }`,
    // so a string arrives as one key per character.
    const spread = { configDir: '/project', _mode: 'test', _commandHash: 'abc', ...(options as object) };
    expect(constructed(spread)).toContain(`[testsigma-tm]   - ${message}`);
  });

  it('says nothing when the options are fine', () => {
    expect(constructed({ configDir: '/project', _mode: 'test', projectId: 'Demo' })).toBe('');
  });
});
