import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { FORMATS, detect } from '../../src/formats/registry.js';
import { decodeResultBytes, parseResultText, readResultFiles } from '../../src/formats/read-files.js';
import { FIXTURES_DIR } from './fixture-files.js';

const JUNIT = '<testsuite name="s"><testcase name="ok"/><testcase name="bad"><failure message="m"/></testcase></testsuite>';
const JEST = JSON.stringify({
  numRuntimeErrorTestSuites: 0,
  numTotalTests: 1,
  testResults: [{ name: 'a.test.js', status: 'passed', assertionResults: [{ title: 't', status: 'passed' }] }],
});
const PLAYWRIGHT = JSON.stringify({ suites: [], errors: [{ message: 'Error: global setup failed\n  at setup.ts:1' }] });

describe('the registry', () => {
  it("lists every format, Vitest before Jest (its JSON looks like Jest's), Mocha's and CTRF before Playwright's, TAP before the event streams", () => {
    expect(FORMATS.map((f) => [f.id, f.label])).toEqual([
      ['junit', 'JUnit XML'],
      ['dotnet-trx', '.NET TRX'],
      ['nunit3', 'NUnit 3 XML'],
      ['xunit', 'xUnit.net XML'],
      ['testng', 'TestNG XML'],
      ['robot', 'Robot Framework output.xml'],
      ['tap', 'TAP'],
      ['go-test-json', 'go test -json'],
      ['dart-json', 'Dart/Flutter JSON'],
      ['ctrf-json', 'CTRF JSON'],
      ['vitest-json', 'Vitest JSON'],
      ['jest-json', 'Jest --json'],
      ['mochawesome-json', 'mochawesome JSON'],
      ['mocha-json', 'Mocha JSON'],
      ['rspec-json', 'RSpec JSON'],
      ['allure', 'Allure results'],
      ['playwright-json', 'Playwright JSON'],
      ['cucumber-json', 'Cucumber JSON'],
    ]);
  });

  it.each([
    ['  \n<testsuites/>', 'junit'],
    ['<?xml version="1.0"?><testsuite/>', 'junit'],
    [JEST, 'jest-json'],
    [JSON.stringify({ testResults: [{ assertionResults: [] }] }), 'jest-json'],
    [JSON.stringify({ config: {}, suites: [], stats: {} }), 'playwright-json'],
    ['{"stats": {}, "passes": []}', undefined],
    ['hello', undefined],
  ])('detects %j as %s', (text, format) => {
    expect(detect(text)?.id).toBe(format);
  });

  it.each([
    [
      '',
      'INPUT_EMPTY',
      /^f is empty \(0 bytes\)\. Expected JUnit XML, \.NET TRX, NUnit 3 XML, xUnit\.net XML, TestNG XML, Robot Framework output\.xml, TAP, go test -json, Dart\/Flutter JSON, CTRF JSON, Vitest JSON, Jest --json, mochawesome JSON, Mocha JSON, RSpec JSON, Allure results, Playwright JSON or Cucumber JSON results\./,
    ],
    [' \n ', 'INPUT_EMPTY', /^f is only whitespace/],
    ['\uFEFF', 'INPUT_EMPTY', /^f is empty/],
    [
      'this is not an xml file',
      'INPUT_NOT_RESULTS',
      /starts with "this is not an xml file"\. Expected JUnit XML, \.NET TRX, NUnit 3 XML, xUnit\.net XML, TestNG XML, Robot Framework output\.xml, TAP, go test -json, Dart\/Flutter JSON, CTRF JSON, Vitest JSON, Jest --json, mochawesome JSON, Mocha JSON, RSpec JSON, Allure results, Playwright JSON or Cucumber JSON results/,
    ],
    ['{"suites": [', 'INPUT_MALFORMED', /f is not valid JSON/],
    [
      '{"stats": {}, "passes": [], "tests": []}',
      'INPUT_NOT_RESULTS',
      /keys "stats", "passes", "tests" \(this looks like Mocha JSON written by an older or edited reporter\)/,
    ],
    ['[1, 2]', 'INPUT_NOT_RESULTS', /a JSON array of 2 item/],
    ['{"testResults": 3}', 'INPUT_NOT_RESULTS', /^f is JSON but not Jest --json output/],
  ])('refuses %j with %s', async (text, code, message) => {
    const caught = await parseResultText(text, 'f').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).code).toBe(code);
    expect((caught as InputError).message).toMatch(message);
  });
});

describe('parseResultText', () => {
  it("returns Playwright's errors outside any test as such, not as warnings: they say why the file holds no test", async () => {
    const parsed = await parseResultText(PLAYWRIGHT, 'pw.json');
    expect(parsed.format).toBe('playwright-json');
    expect(parsed.results).toEqual([]);
    expect(parsed.outsideTests).toEqual({ runner: 'Playwright', errors: [{ message: 'Error: global setup failed\n  at setup.ts:1' }] });
    expect(parsed.warnings).toEqual([]);
    expect((await parseResultText(JSON.stringify({ suites: [] }), 'empty.json')).warnings).toEqual(['empty.json contains no test results.']);
  });
});

describe('decodeResultBytes', () => {
  it('reads UTF-16 with a BOM, and the encoding an XML declaration names', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<testsuite name="ü"/>', 'utf16le')]);
    expect(decodeResultBytes(utf16)).toBe('<testsuite name="ü"/>');
    const latin1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><testsuite name="ü"/>', 'latin1');
    expect(decodeResultBytes(latin1)).toContain('name="ü"');
    expect(decodeResultBytes(Buffer.from('<a>ü</a>', 'utf8'))).toBe('<a>ü</a>');
  });
});

describe('readResultFiles', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tm-read-files-'));
    await mkdir(path.join(dir, 'reports', 'nested'), { recursive: true });
    await mkdir(path.join(dir, 'node_modules', 'x'), { recursive: true });
    await writeFile(path.join(dir, 'reports', 'TEST-a.xml'), JUNIT);
    await writeFile(path.join(dir, 'reports', 'nested', 'TEST-b.xml'), `\uFEFF${JUNIT}`);
    await writeFile(path.join(dir, 'reports', 'TEST-truncated.xml'), '<testsuite><testcase name="t">');
    await writeFile(path.join(dir, 'reports', 'empty.xml'), '');
    await writeFile(path.join(dir, 'node_modules', 'x', 'TEST-dep.xml'), JUNIT);
    await writeFile(path.join(dir, 'jest.json'), JEST);
    await writeFile(path.join(dir, 'shard[1].xml'), JUNIT);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a mix of good and bad files; one bad file does not stop the others', async () => {
    const outcomes = await readResultFiles(['reports/**/*.xml', 'jest.json', 'missing/*.xml'], { cwd: dir });
    expect(outcomes.map((o) => [o.path, o.format, o.results.length, o.error?.code])).toEqual([
      ['missing/*.xml', undefined, 0, 'INPUT_NOT_FOUND'],
      ['jest.json', 'jest-json', 1, undefined],
      ['reports/TEST-a.xml', 'junit', 2, undefined],
      ['reports/TEST-truncated.xml', undefined, 0, 'INPUT_MALFORMED'],
      ['reports/empty.xml', undefined, 0, 'INPUT_EMPTY'],
      ['reports/nested/TEST-b.xml', 'junit', 2, undefined],
    ]);
    expect(outcomes[0]?.error?.message).toContain('"missing/*.xml"');
    expect(outcomes[3]?.error?.message).toContain('reports/TEST-truncated.xml');
    expect(outcomes[2]?.results.map((r) => [r.source, r.name, r.status])).toEqual([
      ['reports/TEST-a.xml', 'ok', 'passed'],
      ['reports/TEST-a.xml', 'bad', 'failed'],
    ]);
  });

  it('dedupes files matched by several patterns, and takes existing paths literally', async () => {
    const outcomes = await readResultFiles(['reports/TEST-a.xml', 'reports/*-a.xml', `${dir}/reports/TEST-a.xml`, 'shard[1].xml'], { cwd: dir });
    expect(outcomes.map((o) => o.path)).toEqual(['reports/TEST-a.xml', 'shard[1].xml']);
    expect(outcomes.every((o) => o.error === undefined)).toBe(true);
  });

  it('expands a directory to the XML files below it, never searching node_modules unless asked', async () => {
    expect((await readResultFiles(['reports'], { cwd: dir })).map((o) => o.path)).toEqual([
      'reports/TEST-a.xml',
      'reports/TEST-truncated.xml',
      'reports/empty.xml',
      'reports/nested/TEST-b.xml',
    ]);
    expect((await readResultFiles(['**/TEST-dep.xml'], { cwd: dir }))[0]?.error?.code).toBe('INPUT_NOT_FOUND');
    expect((await readResultFiles(['node_modules/**/TEST-dep.xml'], { cwd: dir }))[0]?.results).toHaveLength(2);
  });

  it('a path that matches nothing says to check the path, without the list of formats', async () => {
    const [outcome] = await readResultFiles(['reports/not-there.xml'], { cwd: dir });
    expect([outcome?.error?.code, outcome?.error?.message]).toEqual([
      'INPUT_NOT_FOUND',
      `No result file matches "reports/not-there.xml" (looked in ${dir}). Check the path (a file, a glob such as "reports/**/*.xml", or a directory), ` +
        'and that the test step wrote its results before this step ran.',
    ]);
  });

  it('expands a directory to the TAP streams saved below it too (*.tap)', async () => {
    await mkdir(path.join(dir, 'tap-reports'));
    await writeFile(path.join(dir, 'tap-reports', 'unit.tap'), 'TAP version 13\n1..2\nok 1 - DEMO-1 adds\nnot ok 2 - DEMO-2 subtracts\n');
    const outcomes = await readResultFiles(['tap-reports'], { cwd: dir });
    expect(outcomes.map((o) => [o.path, o.format, o.results.map((r) => r.status)])).toEqual([['tap-reports/unit.tap', 'tap', ['passed', 'failed']]]);
  });

  it('refuses files above maxFileBytes without reading them', async () => {
    const [outcome] = await readResultFiles(['reports/TEST-a.xml'], { cwd: dir, maxFileBytes: 10 });
    expect(outcome?.error?.code).toBe('INPUT_TOO_LARGE');
    expect(outcome?.error?.message).toMatch(/^reports\/TEST-a\.xml is \d+ bytes, more than the 10 bytes limit/);
  });

  it.skipIf(process.platform === 'win32')('refuses a FIFO and a symlink to /dev/zero by name, without reading them', async () => {
    execFileSync('mkfifo', [path.join(dir, 'pipe.xml')]);
    await symlink('/dev/zero', path.join(dir, 'zero.xml'));
    const outcomes = await readResultFiles(['pipe.xml', 'zero.xml'], { cwd: dir });
    expect(outcomes.map((o) => [o.path, o.error?.code])).toEqual([
      ['pipe.xml', 'INPUT_NOT_REGULAR_FILE'],
      ['zero.xml', 'INPUT_NOT_REGULAR_FILE'],
    ]);
    expect(outcomes[0]?.error?.message).toMatch(/^pipe\.xml is a FIFO \(named pipe\), not a regular file: only regular files are read/);
    expect(outcomes[1]?.error?.message).toMatch(/^zero\.xml is a device, not a regular file/);
  });

  it.runIf(process.platform === 'linux')('counts the bytes actually read against the limit, not the size stat reports', async () => {
    // /proc files say size 0 and have content.
    const [outcome] = await readResultFiles(['/proc/self/maps'], { maxFileBytes: 10 });
    expect(outcome?.error?.code).toBe('INPUT_TOO_LARGE');
    expect(outcome?.error?.message).toBe(
      '/proc/self/maps grew to more than 10 bytes while it was read, more than the 10 bytes limit for one result file. ' +
        'Split the results into several files (one per test module or shard), or raise the limit.',
    );
  });

  it('decodes across read pieces: UTF-8 characters and UTF-16 cut at any byte', async () => {
    const names = Array.from({ length: 40_000 }, (_, i) => `<testcase name="ü€𝄞 ${i}"/>`).join('');
    const xml = `<testsuite name="s">${names}</testsuite>`;
    expect(Buffer.byteLength(xml)).toBeGreaterThan(1024 * 1024 + 10);
    await writeFile(path.join(dir, 'big-utf8.xml'), xml);
    await writeFile(path.join(dir, 'big-utf16.xml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]));
    const outcomes = await readResultFiles(['big-utf8.xml', 'big-utf16.xml'], { cwd: dir });
    for (const outcome of outcomes) {
      expect(outcome.error).toBeUndefined();
      expect(outcome.results).toHaveLength(40_000);
      expect(outcome.results.every((r, i) => r.name === `ü€𝄞 ${i}`)).toBe(true);
    }
  });

  it('reads the real fixtures by glob: every file has an outcome, bad files an error naming them', async () => {
    const outcomes = await readResultFiles(['junit/**/*.xml', 'native/**/*.json', 'hostile/*.xml'], { cwd: FIXTURES_DIR });
    // native: 15 from public repositories' Jest and Playwright, 8 from dorny/test-reporter, 3 from gotestsum, 1 from
    // jest-stare, 6 written here, 4 CTRF reports from ctrf-io.
    expect(outcomes).toHaveLength(120 + 15 + 8 + 3 + 1 + 6 + 4 + 3);
    const failed = outcomes.filter((o) => o.error !== undefined);
    // 15 broken or other formats, 4 of which (TRX, NUnit 3, xUnit.net, Robot Framework) are now read; 3 hostile.
    expect(failed).toHaveLength(11 + 3);
    for (const outcome of failed) expect(outcome.error?.message).toContain(outcome.path);
    expect(outcomes.filter((o) => o.error?.code === 'INPUT_HOSTILE').map((o) => o.path)).toEqual([
      'hostile/billion-laughs.xml',
      'hostile/external-dtd.xml',
      'hostile/external-entity.xml',
    ]);
  });
});
