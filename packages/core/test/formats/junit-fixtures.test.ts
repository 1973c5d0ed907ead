// Every real-world JUnit fixture: good files parse with the counts their testcases imply; bad ones are
// refused with an InputError that names the file. Fixtures: test/fixtures/junit (sources in MANIFEST.tsv).
import { parseJUnit } from '../../src/formats/junit/junit.js';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseResultText } from '../../src/formats/read-files.js';
import { countJUnitTestcases, countStatuses, fixtureText, manifestTestcaseCount, readManifest, type Counts } from './fixture-files.js';

/** The files that must be refused, and how. Checked against the manifest below so neither drifts. */
const REFUSED: Record<string, string> = {
  'mikepenz__action-junit-report/test_results__corrupt-junit__e2e-tests__corrupt__target__sf-reports__TEST-test.CorruptTest.xml': 'INPUT_MALFORMED',
  'mikepenz__action-junit-report/test_results__junit-web-test__expectedRetries.xml': 'INPUT_MALFORMED',
  'EnricoMi__publish-unit-test-result-action/python__test__files__junit-xml__pytest__corrupt-xml.xml': 'INPUT_MALFORMED',
  'testomatio__reporter/tests__unit__data__csharp.xml': 'INPUT_MALFORMED',
  'bhovhannes__junit-report-merger/test__fixtures__spaces.xml': 'INPUT_EMPTY',
  'EnricoMi__publish-unit-test-result-action/python__test__files__xml__empty.xml': 'INPUT_EMPTY',
  'gurock__trcli/tests__test_data__XML__invalid_empty.xml': 'INPUT_EMPTY',
  'EnricoMi__publish-unit-test-result-action/python__test__files__xml__non-xml.xml': 'INPUT_NOT_RESULTS',
  'EnricoMi__publish-unit-test-result-action/python__test__files__junit-xml__non-junit.xml': 'INPUT_NOT_RESULTS',
  'allure-framework__allure2/plugins__junit-xml-plugin__src__test__resources__junitdata__invalid.xml': 'INPUT_NOT_RESULTS',
  'gurock__trcli/tests__test_data__XML__invalid.xml': 'INPUT_NOT_RESULTS',
};

/** Files marked NOT JUnit in the manifest that another format reads (golden results: golden/junit/). */
const OTHER_FORMAT: Record<string, string> = {
  'dorny__test-reporter/__tests____fixtures__dotnet-nunit.xml': 'nunit3',
  'dorny__test-reporter/__tests____fixtures__dotnet-trx.trx.xml': 'dotnet-trx',
  'testomatio__reporter/tests__unit__data__xunit.xml': 'xunit',
  'gurock__trcli/tests__test_data__XML__robotframework_simple_RF70.xml': 'robot',
};

/**
 * `<testsuites />` is marked "negative" in the manifest, but it is a well-formed JUnit document of a run with
 * no tests (jest-junit writes the same): it parses to zero results, and the caller warns.
 */
const VALID_BUT_EMPTY = 'test-summary__action/test__resources__junit__05-empty.xml';

/**
 * Files whose repeated testcases are retries (the same classname and name again after a failed run): read with
 * repeatsAreRetries, one result per test — the counts after merging, checked by eye against each file. Read
 * without it (the default), every testcase is a result of its own, as the independent counter counts them.
 */
const RETRIED: Record<string, Counts> = {
  // test_foo: failed, error, then passed → one flaky pass.
  'mikepenz__action-junit-report/test_results__flaky_retries__flaky_with_classname_file.xml': { total: 3, passed: 3, failed: 0, error: 0, skipped: 0 },
  // gotestsum --rerun-fails: TestWebSocketReconnectRace failed, then passed on the rerun.
  'mikepenz__action-junit-report/test_results__junit-server-test__report.xml': { total: 3, passed: 2, failed: 0, error: 0, skipped: 1 },
  // mocha reported "divides by zero" twice (a timeout, then the late failure): one failed result.
  'test-summary__action/test__resources__junit__02-example.xml': { total: 29, passed: 21, failed: 8, error: 0, skipped: 0 },
};

const rows = readManifest('junit');

describe('JUnit fixtures', () => {
  it('has the 120 files the README promises', () => {
    expect(rows).toHaveLength(120);
  });

  it('refuses exactly the files the manifest marks as broken, empty or another format', () => {
    const broken = rows
      .filter((r) => /not well-formed|empty file/i.test(r.features) || /\(negative|NOT JUnit|negative\)/.test(r.producer))
      .map((r) => r.file)
      .filter((file) => file !== VALID_BUT_EMPTY);
    expect(broken.sort()).toEqual([...Object.keys(REFUSED), ...Object.keys(OTHER_FORMAT)].sort());
  });

  it.each(Object.entries(OTHER_FORMAT))('reads %s as %s', async (file, id) => {
    const { format, results } = await parseResultText(fixtureText('junit', file), file);
    expect(format).toBe(id);
    expect(results.length).toBeGreaterThan(0);
  });

  describe.each(rows.filter((r) => REFUSED[r.file] === undefined && OTHER_FORMAT[r.file] === undefined))('$file', (row) => {
    it('parses with the counts its testcases imply', async () => {
      const xml = fixtureText('junit', row.file);
      const expected = countJUnitTestcases(xml);
      const stated = manifestTestcaseCount(row);
      if (stated !== undefined) expect(expected.total, 'the independent counter agrees with the manifest').toBe(stated);

      const { format, results } = await parseResultText(xml, row.file);
      expect(format).toBe('junit');
      expect(countStatuses(results)).toEqual(expected);
      for (const result of results) {
        expect(result.source).toBe(row.file);
        expect(typeof result.name).toBe('string');
        expect(result.suitePath.every((s) => typeof s === 'string')).toBe(true);
        expect(result.attempts.length).toBeGreaterThanOrEqual(1);
        expect(result.attempts.at(-1)?.status).toBe(result.status);
        if (result.durationMs !== undefined) expect(Number.isFinite(result.durationMs)).toBe(true);
      }
    });
  });

  describe.each(Object.entries(RETRIED))('%s, with repeats-are-retries', (file, counts) => {
    it('merges the reruns into one result per test', () => {
      expect(countStatuses(parseJUnit(fixtureText('junit', file), file, undefined, { repeatsAreRetries: true }))).toEqual(counts);
    });
  });

  describe.each(rows.filter((r) => REFUSED[r.file] !== undefined))('$file', (row) => {
    it(`is refused with ${REFUSED[row.file]}, naming the file`, async () => {
      let caught: unknown;
      try {
        await parseResultText(fixtureText('junit', row.file), row.file);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InputError);
      const error = caught as InputError;
      expect(error.code).toBe(REFUSED[row.file]);
      expect(error.file).toBe(row.file);
      expect(error.message).toContain(row.file);
    });
  });
});
