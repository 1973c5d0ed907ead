// Allure results directories written by allure-jest and allure-vitest (test/fixtures/allure, see its README),
// read as a user passes them: the directory, a glob of its result files, or one result file; then a directory
// with nothing in it and one with a broken file.
import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedFormats } from '../../src/formats/registry.js';
import { readResultFiles } from '../../src/formats/read-files.js';
import { FIXTURES_DIR } from './fixture-files.js';
import { rows } from './read-fixture.js';

const JEST_DIR = 'allure/allure-jest/allure-results';
const VITEST_DIR = 'allure/allure-vitest/allure-results';
const read = (patterns: string[], cwd = FIXTURES_DIR) => readResultFiles(patterns, { cwd });
const ids = (r: { properties: { name: string; value: string }[] }) => r.properties.map((p) => `${p.name}=${p.value}`);

describe('Allure results directories', () => {
  it('allure-jest: retries by historyId, a broken afterAll fails its children, tms links, a step attachment', async () => {
    const [outcome] = await read([JEST_DIR]);
    expect(outcome?.format).toBe('allure');
    expect(outcome?.path).toBe(JEST_DIR);
    expect(outcome?.warnings).toEqual([]);
    expect(outcome?.outsideTests).toEqual({ runner: 'the test runner', errors: [{ message: 'afterAll failed: could not close the gateway connection' }] });
    const results = outcome?.results ?? [];
    const afterAll = 'The tear-down fixture "afterAll" broke: could not close the gateway connection';
    expect(rows(results)).toEqual([
      ['Payments › charges a card', 'error', 27, afterAll, 'error'],
      ['Payments › refunds a card', 'error', 9, afterAll, 'error,error'],
      ['Payments › declines an expired card', 'failed', 8, 'expect(received).toBe(expected) // Object.is equality', 'failed,failed,failed'],
    ]);
    expect(results.map(ids)).toEqual([['testsigma=DEMO-71'], ['testsigma=DEMO-72'], ['testsigma=DEMO-73']]);
    // The first attempt of the retried test broke on its own; the last decides (and the fixture then failed it).
    expect(results[1]?.attempts[0]?.message).toBe('gateway timeout');
    expect(results[1]?.source).toBe(`${JEST_DIR}/8e25179e-a0b4-4bf6-bd9a-bdd134c4f5da-result.json`);
    expect(results[0]?.attachments).toEqual([{ name: 'receipt.txt', path: '5cdf5d96-0052-4bdd-a0bb-8901c63ec1ee-attachment.txt', contentType: 'text/plain' }]);
  });

  it('allure-vitest: tms link by URL, AS_ID and testsigma labels, broken → error, the beforeAll error handed over as outside any test', async () => {
    const [outcome] = await read([VITEST_DIR]);
    const results = outcome?.results ?? [];
    expect(rows(results)).toEqual([
      ['Orders › creates an order', 'passed', 4, undefined, 'passed'],
      ['Orders › cancels an order', 'failed', 11, "expected { state: 'open' } to deeply equal { state: 'cancelled' }", 'failed'],
      ['Orders › labels a case with testsigma', 'error', 1, 'Cannot read properties of undefined (reading "id")', 'error'],
      ['Orders › refunds an order DEMO-64', 'passed', 6, undefined, 'passed'],
      ['Invoices › prints an invoice [DEMO-65]', 'skipped', 1, undefined, 'skipped'],
    ]);
    expect(results.map(ids)).toEqual([['testsigma=DEMO-61'], ['testsigma=DEMO-62', 'testsigma=1234'], ['testsigma=DEMO-63'], ['testsigma=DEMO-64'], []]);
    expect(results[0]?.attachments.map((a) => [a.name, a.contentType])).toEqual([['request.json', 'application/json']]);
    expect(outcome?.warnings).toEqual([]);
    expect(outcome?.outsideTests).toEqual({ runner: 'the test runner', errors: [{ message: 'beforeAll hook failed: invoice service unavailable' }] });
  });

  it('allure-playwright: a tms annotation, a retry that passed (flaky), a tag, testInfo.attach', async () => {
    const [outcome] = await read(['allure/allure-playwright/allure-results']);
    const results = outcome?.results ?? [];
    expect(rows(results)).toEqual([
      ['search.spec.js › Search › finds a product by name', 'passed', 320, undefined, 'passed'],
      ['search.spec.js › Search › filters by price', 'passed', 58, undefined, 'failed,passed'],
      ['search.spec.js › Search › sorts by rating @DEMO-83', 'failed', 368, 'Error: expect(received).toEqual(expected) // deep equality', 'failed,failed'],
    ]);
    expect(results.map(ids)).toEqual([['testsigma=DEMO-81'], ['testsigma=DEMO-82'], ['testsigma=DEMO-83']]);
    expect(results[2]?.tags).toEqual(['@DEMO-83']);
    expect(results[0]?.attachments).toEqual([{ name: 'query.txt', path: '76066f1d-9e75-4b88-b36c-f43bfd4f2beb-attachment.txt', contentType: 'text/plain' }]);
  });

  it('reads *-result.json files, globbed or named (a shell expands the glob), as their directory', async () => {
    const globbed = await read([`${JEST_DIR}/*-result.json`]);
    expect(globbed.map((o) => [o.path, o.format, o.results.length])).toEqual([[JEST_DIR, 'allure', 3]]);
    const named = await read([`${JEST_DIR}/c5b16ecb-562a-43bd-9791-01cafd011758-result.json`, `${JEST_DIR}/d1c18bed-451e-449b-b80a-d1814efb5425-result.json`]);
    expect(named.map((o) => [o.path, o.format, o.results.length])).toEqual([[JEST_DIR, 'allure', 3]]);
  });

  it('reads an Allure result file under another name on its own, as one test', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tm-allure-'));
    await cp(path.join(FIXTURES_DIR, JEST_DIR, 'c5b16ecb-562a-43bd-9791-01cafd011758-result.json'), path.join(dir, 'one.json'));
    const single = await read(['one.json'], dir);
    expect(single.map((o) => [o.format, rows(o.results)])).toEqual([
      ['allure', [['Payments › declines an expired card', 'failed', 16, 'expect(received).toBe(expected) // Object.is equality', 'failed']]],
    ]);
  });

  it('refuses a directory with no result files, word for word', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tm-allure-'));
    await mkdir(path.join(dir, 'empty'));
    const [outcome] = await read(['empty'], dir);
    expect(outcome?.error?.code).toBe('INPUT_NOT_FOUND');
    expect(outcome?.error?.message).toBe(
      `empty is a directory without result files: no *.xml, *.trx or *.tap below it and no Allure *-result.json in it (looked in ${dir}). ` +
        `Expected ${expectedFormats()} files; pass the files (or a glob), or the allure-results directory itself.`,
    );
  });

  it('leaves out a broken result file with a warning naming it, and reads the rest', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tm-allure-'));
    await cp(path.join(FIXTURES_DIR, VITEST_DIR), path.join(dir, 'allure-results'), { recursive: true });
    await writeFile(path.join(dir, 'allure-results', 'ffff-result.json'), '{"uuid": "ffff", "name": "cut', 'utf8');
    const [outcome] = await read(['allure-results'], dir);
    expect(outcome?.results).toHaveLength(5);
    expect(outcome?.warnings[0]).toMatch(
      /^allure-results\/ffff-result\.json could not be read \(.*\), so it was left out; the test it holds is missing from the results\. Regenerate it\.$/,
    );
  });

  it('records a fixture that failed for tests that left no result as a result of its own, never dropped', async () => {
    // A beforeAll that broke before its tests started (JUnit 5's @BeforeAll) leaves a container naming children
    // that have no result file, or none at all: only the container says anything failed.
    const dir = await mkdtemp(path.join(tmpdir(), 'tm-allure-'));
    const results = path.join(dir, 'allure-results');
    await mkdir(results);
    const json = (name: string, value: unknown) => writeFile(path.join(results, name), JSON.stringify(value), 'utf8');
    await json('aaaa-result.json', { uuid: 'aaaa', historyId: 'h1', name: 'reads', status: 'passed', stage: 'finished', start: 1, stop: 2 });
    await json('c1-container.json', {
      uuid: 'c1',
      name: 'DbTests',
      children: ['bbbb'],
      befores: [{ name: 'open database', status: 'broken', statusDetails: { message: 'connection refused' } }],
    });
    await json('c2-container.json', {
      uuid: 'c2',
      name: 'ApiTests',
      afters: [{ name: 'stop server', status: 'failed', statusDetails: { message: 'still running' } }],
    });
    await json('c3-container.json', { uuid: 'c3', name: 'ReadTests', children: ['aaaa'], afters: [{ name: 'close', status: 'failed' }] });
    const [outcome] = await read(['allure-results'], dir);
    expect(outcome?.warnings).toEqual([]);
    expect(outcome?.results.map((r) => [r.source, r.name, r.status, r.message])).toEqual([
      [path.join('allure-results', 'aaaa-result.json'), 'reads', 'failed', 'The tear-down fixture "close" failed.'],
      [path.join('allure-results', 'c1-container.json'), 'DbTests', 'error', 'The set-up fixture "open database" broke: connection refused'],
      [path.join('allure-results', 'c2-container.json'), 'ApiTests', 'failed', 'The tear-down fixture "stop server" failed: still running'],
    ]);
  });
});
