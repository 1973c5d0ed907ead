/**
 * A test repeated inside one result file, end to end (CLI process → emulator): a duplicated title is two results
 * of one case unless the producer says it is a rerun. `it.each` without `%s` whose first case fails and second
 * passes ends Failed, and the upload warns, naming the test (jest-junit's file, and real Jest's `--json`); the
 * opt-in `--repeats-are-retries` reads the same file as a rerun. Surefire's `<flakyFailure>` is the producer
 * saying "rerun": Passed, recorded as flaky, no warning. Assertions on what the emulator holds and what the
 * upload printed.
 */
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { descriptionOf, newRuns, start, statusesByHumanId, type EmulatorHandle } from './helpers/emulator.js';
import { runShell } from './helpers/recipes.js';
import { CLI, ROOT, baseEnv, runNode } from './helpers/run.js';

let emulator: EmulatorHandle;
let dir: string;

beforeAll(async () => {
  emulator = await start();
  dir = await mkdtemp(join(tmpdir(), 'tm-repeats-'));
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

function upload(args: string[]) {
  return runNode(CLI, ['upload', ...args], {
    env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo', TMPDIR: dir }),
    timeoutMs: 90_000,
  });
}

/** What jest-junit writes for `it.each([[1], [2]])('DEMO-5 adds an item', ...)` when the first row fails. */
const JEST_JUNIT_EACH = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="jest tests" tests="3" failures="1" errors="0" time="0.4">
  <testsuite name="cart" errors="0" failures="1" skipped="0" timestamp="2026-12-06T12:00:00" time="0.3" tests="3">
    <testcase classname="cart DEMO-5 adds an item" name="cart DEMO-5 adds an item" time="0.004">
      <failure>Error: expect(received).toBe(expected) // Object.is equality

Expected: 2
Received: 1
    at Object.toBe (/home/ci/shop/cart.test.js:2:52)</failure>
    </testcase>
    <testcase classname="cart DEMO-5 adds an item" name="cart DEMO-5 adds an item" time="0.001">
    </testcase>
    <testcase classname="cart DEMO-6 empties" name="cart DEMO-6 empties" time="0">
    </testcase>
  </testsuite>
</testsuites>
`;

/** Maven Surefire with rerunFailingTestsCount: DEMO-7 failed, then passed (flaky); DEMO-8 failed on its rerun too. */
const SUREFIRE_RERUNS = `<?xml version="1.0" encoding="UTF-8"?>
<testsuite version="3.0" name="com.example.SearchTest" time="1.1" tests="3" errors="0" skipped="0" failures="1">
  <testcase name="findsByTitle_DEMO_7" classname="com.example.SearchTest" time="0.412">
    <flakyFailure message="expected: &lt;3&gt; but was: &lt;2&gt;" type="org.opentest4j.AssertionFailedError">
      <stackTrace><![CDATA[org.opentest4j.AssertionFailedError: expected: <3> but was: <2>
	at com.example.SearchTest.findsByTitle(SearchTest.java:27)
]]></stackTrace>
    </flakyFailure>
  </testcase>
  <testcase name="ranksExactMatchFirst_DEMO_8" classname="com.example.SearchTest" time="0.655">
    <failure message="expected: &lt;exact&gt; but was: &lt;fuzzy&gt;" type="org.opentest4j.AssertionFailedError">at com.example.SearchTest.ranksExactMatchFirst(SearchTest.java:41)</failure>
    <rerunFailure message="expected: &lt;exact&gt; but was: &lt;fuzzy&gt;" type="org.opentest4j.AssertionFailedError">
      <stackTrace>at com.example.SearchTest.ranksExactMatchFirst(SearchTest.java:41)</stackTrace>
    </rerunFailure>
  </testcase>
  <testcase name="emptyQuery_DEMO_9" classname="com.example.SearchTest" time="0.001"/>
</testsuite>
`;

describe('a test repeated inside one result file', () => {
  it('jest-junit, it.each without %s failing then passing: Failed, and a warning names the repeated test', async () => {
    const file = join(dir, 'jest-junit.xml');
    await writeFile(file, JEST_JUNIT_EACH);
    const res = await upload([file]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout + res.stderr).toContain(
      `warning: ${file}: 1 testcase(s) repeat the classname and name of an earlier one in the same suite ("cart DEMO-5 adds an item (cart DEMO-5 adds an item)"); each is read as a result of its own and the worst decides the case. If your test runner writes reruns this way (gotestsum --rerun-fails, jest-junit with retries), set repeats-are-retries (--repeats-are-retries).`,
    );
    const [run] = newRuns(emulator);
    expect(statusesByHumanId(emulator, run!)).toEqual({ 'DEMO-5': 'Failed', 'DEMO-6': 'Passed' });
    expect(descriptionOf(emulator, run!, 'DEMO-5')).toMatch(/^2 automated tests map to this case; the worst outcome decides its status: Failed\./);
  });

  it('the same file with --repeats-are-retries (the user says the repeat is a rerun): Passed, as flaky, without the warning', async () => {
    const file = join(dir, 'jest-junit-retries.xml');
    await writeFile(file, JEST_JUNIT_EACH);
    const res = await upload(['--repeats-are-retries', file]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout + res.stderr).not.toContain('repeat the classname and name');
    const [run] = newRuns(emulator);
    expect(statusesByHumanId(emulator, run!)).toEqual({ 'DEMO-5': 'Passed', 'DEMO-6': 'Passed' });
    expect(descriptionOf(emulator, run!, 'DEMO-5')).toContain('Outcome: flaky (status Passed)');
  });

  it("Surefire's flakyFailure is a rerun the producer declared: Passed (flaky); a rerunFailure after a failure stays Failed", async () => {
    const file = join(dir, 'TEST-com.example.SearchTest.xml');
    await writeFile(file, SUREFIRE_RERUNS);
    const res = await upload([file]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout + res.stderr).not.toContain('warning: ' + file);
    const [run] = newRuns(emulator);
    expect(statusesByHumanId(emulator, run!)).toEqual({ 'DEMO-7': 'Passed', 'DEMO-8': 'Failed', 'DEMO-9': 'Passed' });
    expect(descriptionOf(emulator, run!, 'DEMO-7')).toContain(
      'Outcome: flaky (status Passed) in 412 ms\nAttempts: flaky: passed on attempt 2 of 2; attempt 1 failed: expected: <3> but was: <2>',
    );
    expect(descriptionOf(emulator, run!, 'DEMO-8')).toContain('Attempts: failed on attempt 2 of 2; attempt 1 failed: expected: <exact> but was: <fuzzy>');
  });

  it('real Jest, it.each without %s, --json: both rows are results of DEMO-5, which is Failed, and a warning names the test', async () => {
    const project = join(dir, 'jest-each');
    await mkdir(project, { recursive: true });
    await writeFile(join(project, 'package.json'), '{ "name": "shop", "private": true }\n');
    await writeFile(join(project, 'jest.config.js'), 'module.exports = { transform: {}, maxWorkers: 1 };\n');
    await writeFile(
      join(project, 'cart.test.js'),
      "describe('cart', () => {\n  it.each([[1], [2]])('DEMO-5 adds an item', (n) => { expect(n).toBe(2); });\n  test('DEMO-6 empties', () => {});\n});\n",
    );
    await symlink(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');
    const jest = await runShell('npx jest --ci --json --outputFile=results.json', { cwd: project, env: {} });
    expect(jest.code, jest.stderr).toBe(1);
    const res = await upload([join(project, 'results.json')]);
    expect(res.code, res.stderr).toBe(0);
    const [run] = newRuns(emulator);
    expect(statusesByHumanId(emulator, run!)).toEqual({ 'DEMO-5': 'Failed', 'DEMO-6': 'Passed' });
    const description = descriptionOf(emulator, run!, 'DEMO-5');
    expect(description).toMatch(/^2 automated tests map to this case; the worst outcome decides its status: Failed\. The failed test is listed first\./);
    expect(description).toContain('Test 1 of 2: cart › DEMO-5 adds an item\n');
    expect(description).toMatch(/Test 2 of 2: cart › DEMO-5 adds an item\n[^]*Outcome: passed/);
    const file = join(project, 'results.json');
    expect(res.stdout + res.stderr).toContain(
      `warning: ${file}: 1 test(s) repeat the title of an earlier test in the same file ("cart › DEMO-5 adds an item (${join(project, 'cart.test.js')})"); ` +
        'each is recorded as a result of its own and the worst decides the case. To record them apart, give each a title of its own (test.each with %s or $name in the title).',
    );
  });
});
