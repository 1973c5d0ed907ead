/**
 * The reporter refuses a bad option value when Playwright constructs it, with core's message under this
 * package's name. That a throwing constructor stops `playwright test` before any test is proven once with the real
 * runner (reporter.e2e.test.ts, an unknown option); each refused value needs no Playwright process of its own.
 */
import { describe, expect, it } from 'vitest';
import { TestsigmaReporter } from '../src/reporter.js';
import type { TestsigmaReporterOptions } from '../src/options.js';

describe('the reporter at construction', () => {
  it.each([
    [{ projectId: 'Demo', closeRun: 'sometimes' }, 'closeRun: expected true or false, received "sometimes"'],
    [{ projectID: 'Demo' }, 'Unknown reporter option(s) "projectID" (did you mean "projectId"?): expected any of apiToken, projectId,'],
  ])('refuses %j with the package name and what was expected', (options, message) => {
    const construct = () => new TestsigmaReporter(options as unknown as TestsigmaReporterOptions);
    expect(construct).toThrow(`playwright-testsigma-tm-reporter: `);
    expect(construct).toThrow(message);
  });

  it.each([
    ['Demo', `playwright-testsigma-tm-reporter: Reporter options: expected an object such as { projectId: 'Demo' }, received "Demo"`],
    [['Demo'], `playwright-testsigma-tm-reporter: Reporter options: expected an object such as { projectId: 'Demo' }, received object ["Demo"]`],
  ])('refuses options that are not an object (%j) as such, although Playwright spreads them into one', (options, message) => {
    // What Playwright passes for ['playwright-testsigma-tm-reporter', options]: `{ ...reportOptions, ...options }`,
    // so a string arrives as one key per character.
    const spread = { configDir: '/project', _mode: 'test', _commandHash: 'abc', ...(options as object) };
    expect(() => new TestsigmaReporter(spread as unknown as TestsigmaReporterOptions)).toThrow(message);
  });
});
