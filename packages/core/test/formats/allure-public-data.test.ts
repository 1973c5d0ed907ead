// A real public Allure results directory (allure-framework/allure2's attachment test data, see
// test/fixtures/allure/README.md): its XML attachment sits beside the results and must not be read as a result
// file of its own.
import { describe, expect, it } from 'vitest';
import { readResultFiles } from '../../src/formats/read-files.js';
import { FIXTURES_DIR } from './fixture-files.js';
import { rows } from './read-fixture.js';

const DIR = 'allure/allure2-attachments/allure-results';

describe("allure2's attachments directory", () => {
  it('is one outcome of five passed tests: the XML attachment is not a result file', async () => {
    const outcomes = await readResultFiles([DIR], { cwd: FIXTURES_DIR });
    expect(outcomes.map((o) => [o.path, o.format, o.error?.code, o.results.length])).toEqual([[DIR, 'allure', undefined, 5]]);
    expect(rows(outcomes[0]?.results ?? []).map(([title, status]) => [title, status])).toEqual([
      ['My suite › shouldCreate', 'passed'],
      ['test.labels.module_severity_test › attachmentsInStep', 'passed'],
      ['My suite › shouldMainTest', 'passed'],
      ['My suite › shouldDelete', 'passed'],
      ['My suite › shouldCreate', 'passed'],
    ]);
  });

  it('reads the attachment when it is named itself, and refuses it as no result file', async () => {
    const outcomes = await readResultFiles([`${DIR}/attachment-report.xml`], { cwd: FIXTURES_DIR });
    expect(outcomes.map((o) => [o.path, o.error?.code])).toEqual([[`${DIR}/attachment-report.xml`, 'INPUT_NOT_RESULTS']]);
  });
});
