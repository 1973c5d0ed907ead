// RSpec JSON: dorny/test-reporter's real files (test/fixtures/native/MANIFEST.tsv), then errors outside examples.
import { describe, expect, it } from 'vitest';
import { RSPEC_OUTSIDE_EXAMPLES } from '../../src/formats/rspec/rspec.js';
import { parseResultText } from '../../src/formats/read-files.js';
import { readFixture, rows } from './read-fixture.js';

describe('RSpec JSON', () => {
  it("reads dorny/test-reporter's file: groups, exception class and message, pending message, file and line", async () => {
    const read = await readFixture('native/dorny__test-reporter/__tests__fixtures__rspec-json.json');
    expect(read.format).toBe('rspec-json');
    const group = 'CheckEnvVars#call when all env vars are defined behaves like success load';
    expect(rows(read.results)).toEqual([
      [`${group} › logs success message`, 'passed', 79, undefined, 'passed'],
      [
        `${group} › fails in assertion`,
        'failed',
        4,
        'RSpec::Mocks::MockExpectationError: (#ActiveSupport::BroadcastLogger:0x00007f1007fedf58).debug("All config env vars exist")',
        'failed',
      ],
      [`${group} › skips the test`, 'skipped', 0, 'Temporarily skipped with xit', 'skipped'],
    ]);
    expect(read.results[1]).toMatchObject({ file: 'spec/config/check_env_vars_spec.rb', line: 17 });
    expect(read.results[1]?.stack).toContain("./config/check_env_vars.rb:11:in `call'");
  });

  it('says a run with no examples holds no test results', async () => {
    const read = await readFixture('native/dorny__test-reporter/__tests__fixtures__empty_rspec-json.json');
    expect([read.format, read.results.length]).toEqual(['rspec-json', 0]);
  });

  it('keeps errors outside of examples (a spec file that did not load) as one error result', async () => {
    const text = JSON.stringify({
      version: '3.13.0',
      messages: ["\nAn error occurred while loading ./spec/cart_spec.rb.\nFailure/Error: require 'cart'\n\nLoadError:\n  cannot load such file -- cart"],
      examples: [],
      summary: { duration: 0.01, example_count: 0, failure_count: 0, pending_count: 0, errors_outside_of_examples_count: 1 },
      summary_line: '0 examples, 0 failures, 1 error occurred outside of examples',
    });
    const { format, results } = await parseResultText(text, 'rspec.json');
    expect(format).toBe('rspec-json');
    expect(rows(results)).toEqual([
      [
        RSPEC_OUTSIDE_EXAMPLES,
        'error',
        undefined,
        'RSpec reported 1 error(s) outside of examples (a spec file that did not load, a hook outside any example): An error occurred while loading ./spec/cart_spec.rb.',
        'error',
      ],
    ]);
  });
});
