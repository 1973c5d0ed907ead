/**
 * `testsigma-tm upload --dry-run` as a mapping report, run as a user runs it: every test with its test case or
 * the reason it has none, in the terminal (capped) and in --summary-json (complete); without a token, what it
 * could still read.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { start, type EmulatorHandle } from './helpers/emulator.js';
import { CLI, EXAMPLES, baseEnv, runNode } from './helpers/run.js';

const samples = ['jest-junit.xml', 'playwright-junit.xml', 'pytest-junit.xml'].map((f) => join(EXAMPLES, f));

let emulator: EmulatorHandle;
let dir: string;

beforeAll(async () => {
  emulator = await start();
  dir = await mkdtemp(join(tmpdir(), 'tm-dry-'));
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

function upload(args: string[], env: Record<string, string | undefined> = {}) {
  return runNode(CLI, ['upload', '--dry-run', ...args], {
    env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo', ...env }),
  });
}

const MAPPING = [
  'Mapping (test → test case), 14 test(s):',
  '    Login › Login [DEMO-1] signs in with a valid email and password → DEMO-1',
  '    Login › Login [DEMO-2] rejects a wrong password → DEMO-2',
  '    Account › Account DEMO-3: is locked after five failed logins → DEMO-3',
  '    Account › Account DEMO-4: sends a password reset email → DEMO-4',
  '    Account › Account remembers the last email used → none: no id',
  '    auth.spec.ts › password reset › @DEMO-5 link expires after 24 hours → DEMO-5',
  '    auth.spec.ts › sign up › registers a new email address → DEMO-6',
  '    auth.spec.ts › sign up › (DEMO-7) rejects an email that is already registered → DEMO-7',
  '    auth.spec.ts › session › logs out and clears the session [DEMO-8] → DEMO-8',
  '    pytest › test_logout[DEMO-8] → DEMO-8',
  '    pytest › test_remember_me_and_two_factor → DEMO-9, DEMO-10',
  '    pytest › test_add_single_item → DEMO-11',
  '    pytest › test_update_quantity → DEMO-12',
  '    pytest › test_old_report → none: unknown id DEMO-999',
].join('\n');

describe('upload --dry-run', () => {
  it('prints every test with its test case or the reason it has none, and writes the complete report as JSON', async () => {
    const json = join(dir, 'out', 'summary.json');
    const res = await upload([...samples, '--summary-json', json]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Dry run: would record 12 test case(s): 6 Passed, 4 Failed, 2 Skipped. Nothing was written.');
    expect(res.stdout).toContain(`\n${MAPPING}\n`);
    const summary = JSON.parse(await readFile(json, 'utf8'));
    expect(summary.mapping).toHaveLength(14);
    expect(summary.mapping[4]).toEqual({ test: 'Account › Account remembers the last email used', file: null, ids: [], case: null, reason: 'no id' });
    expect(summary.mapping[13]).toEqual({ test: 'pytest › test_old_report', file: null, ids: ['DEMO-999'], case: null, reason: 'unknown id' });
    expect(summary.cases).toEqual({ recorded: 12, passed: 6, failed: 4, skipped: 2 });
    expect(emulator.state().requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });

  it('caps the terminal list at 200 tests with a note, while the JSON keeps all of them', async () => {
    const file = join(dir, 'many.xml');
    const cases = Array.from({ length: 250 }, (_, i) => `<testcase name="t${i} DEMO-${(i % 30) + 1}" classname="many"/>`).join('');
    await writeFile(file, `<testsuites><testsuite name="many">${cases}</testsuite></testsuites>`);
    const json = join(dir, 'many.json');
    const res = await upload([file, '--summary-json', json]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('    many › t199 DEMO-20 → DEMO-20\n    … and 50 more (the summary JSON lists up to 10,000)');
    expect(JSON.parse(await readFile(json, 'utf8')).mapping).toHaveLength(250);
  });

  it('without a token, underscore ids are recognised once the prefix is given (--prefix, or the config file)', async () => {
    const work = await mkdtemp(join(dir, 'prefix-'));
    const junit = join(work, 'pytest.xml');
    await writeFile(junit, '<testsuite name="pytest"><testcase classname="tests.test_cart" name="test_demo_12_update_quantity"/></testsuite>');
    const offline = (args: string[]) =>
      runNode(CLI, ['upload', '--dry-run', junit, ...args], { env: baseEnv({ TESTSIGMA_BASE_URL: emulator.url }), cwd: work });
    const none = await offline([]);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('    pytest › test_demo_12_update_quantity → none: no id\n');
    const flagged = await offline(['--prefix', 'demo']);
    expect(flagged.stdout).toContain('    pytest › test_demo_12_update_quantity → not checked: ids found DEMO-12\n');
    await writeFile(join(work, 'testsigma-tm.config.json'), JSON.stringify({ prefix: 'DEMO' }));
    const configured = await offline([]);
    expect(configured.stdout).toContain('    pytest › test_demo_12_update_quantity → not checked: ids found DEMO-12\n');
    const bad = await offline(['--prefix', 'DEMO-']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--prefix: expected the letters before the number of a case id, such as DEMO for DEMO-12, received "DEMO-"');
  });

  it('without a token or prefix, an id written with a dash a word processor put there is found as the upload reads it', async () => {
    const work = await mkdtemp(join(dir, 'dashes-'));
    const junit = join(work, 'dashes.xml');
    // A non-breaking hyphen (U+2011) and an en dash (U+2013), as docs pages and feature files copied from them write ids.
    await writeFile(
      junit,
      '<testsuite name="web"><testcase name="DEMO\u201112 logs in"/><testcase name="ABC\u20133 pays"/><testcase name="left \u2014 3 right"/></testsuite>',
    );
    const res = await runNode(CLI, ['upload', '--dry-run', junit], { env: baseEnv({ TESTSIGMA_BASE_URL: emulator.url }), cwd: work });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('    web › DEMO\u201112 logs in → not checked: ids found DEMO-12\n');
    expect(res.stdout).toContain('    web › ABC\u20133 pays → not checked: ids found ABC-3\n');
    expect(res.stdout).toContain('    web › left \u2014 3 right → none: no id\n');
  });

  it('without a token: lists files, tests and the ids found, says they were not checked, and exits 0', async () => {
    const json = join(dir, 'offline.json');
    const res = await upload([...samples, '--summary-json', json], { TESTSIGMA_API_TOKEN: undefined });
    expect(res.code).toBe(0);
    expect(res.stdout.split('\n').slice(0, 3)).toEqual([
      'Read 14 test result(s) from 3 file(s).',
      'Dry run without a token or project: ids were not checked against the project, so no test case is named below. Nothing was written.',
      'Tests: 8 passed, 4 failed, 2 skipped.',
    ]);
    expect(res.stdout).toContain('    pytest › test_old_report → not checked: ids found DEMO-999\n');
    expect(res.stdout).toContain('    Account › Account remembers the last email used → none: no id\n');
    const summary = JSON.parse(await readFile(json, 'utf8'));
    expect(summary.checkedAgainstProject).toBe(false);
    expect(summary.files.map((f: { path: string; tests: number }) => f.tests)).toEqual([5, 4, 5]);
    expect(emulator.state().requests).toHaveLength(0);
  });
});
