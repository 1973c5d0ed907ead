/**
 * One real `playwright test` run (no browser) reported twice: by Playwright's own JSON reporter, and by a
 * reporter that hands its live TestCase objects to core's converter. Both paths must give the same results.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readResultFiles, type TestResult } from 'testsigma-tm-core';
import { assertBuilt, makeTempRoot, runPlaywright, writeProject } from './helpers.js';

let root: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  assertBuilt();
  ({ root, cleanup } = await makeTempRoot('paths'));
});

afterAll(async () => {
  await cleanup?.();
});

const CAPTURE_REPORTER = `
import { writeFileSync } from 'node:fs';
import { playwrightTestToResult } from 'testsigma-tm-core/reporter';
export default class Capture {
  onBegin(config, suite) { this.rootDir = config.rootDir; this.suite = suite; }
  onEnd() {
    writeFileSync('live.json', JSON.stringify(this.suite.allTests().map((t) => playwrightTestToResult(t, { rootDir: this.rootDir }))));
  }
}
`;

const SPEC = `
import { test, expect } from '@playwright/test';
import { writeFileSync } from 'node:fs';
test.describe('kinds', () => {
  test('passes @smoke', { annotation: { type: 'testsigma', description: 'DEMO-1' } }, async () => { console.log('hello'); });
  test('fails', async () => { expect(1, 'one is not two').toBe(2); });
  test('soft', async () => { expect.soft(1).toBe(2); expect.soft('a').toBe('b'); });
  test('throws a value', async () => { throw 42; });
});
test.describe('retried', () => {
  test.describe.configure({ retries: 1 });
  test('flaky', async ({}, testInfo) => {
    testInfo.annotations.push({ type: 'attempt', description: String(testInfo.retry) });
    await testInfo.attach('note', { body: 'attempt ' + testInfo.retry, contentType: 'text/plain' });
    writeFileSync(testInfo.outputPath('log.txt'), 'log');
    await testInfo.attach('log', { path: testInfo.outputPath('log.txt') });
    expect(testInfo.retry, 'first attempt fails').toBe(1);
  });
});
test.describe('kinds', () => {
  test('skipped at run time', async () => { test.skip(true, 'flag off'); });
  test.fixme('declared fixme', async () => {});
  test('expected failure', async () => { test.fail(); expect(1).toBe(2); });
  test('unexpected pass', async () => { test.fail(); });
  test('times out', async () => { test.setTimeout(200); await new Promise((r) => setTimeout(r, 2000)); });
});
test.describe.serial('wizard', () => {
  test('step one', async () => { expect(1, 'step one breaks').toBe(2); });
  test('step two', async () => {});
});
`;

async function runBoth(name: string, spec: string, config = ''): Promise<{ live: TestResult[]; fromFile: TestResult[]; dir: string }> {
  const dir = await writeProject(root, name, { files: { 'kinds.spec.mjs': spec } });
  await writeFile(join(dir, 'capture-reporter.mjs'), CAPTURE_REPORTER);
  await writeFile(
    join(dir, 'playwright.config.mjs'),
    `export default { testDir: './tests', outputDir: './test-results', ${config || 'workers: 1,'}\n` +
      `  reporter: [['json', { outputFile: 'results.json' }], ['./capture-reporter.mjs']] };\n`,
  );
  const run = await runPlaywright(dir);
  expect(run.code, run.stdout + run.stderr).toBe(1);
  const live = JSON.parse(await readFile(join(dir, 'live.json'), 'utf8')) as TestResult[];
  const [parsed] = await readResultFiles(['results.json'], { cwd: dir });
  if (!parsed) throw new Error('results.json was not read');
  expect(parsed.format).toBe('playwright-json');
  expect(byTitle(parsed.results)).toEqual(byTitle(live));
  return { live, fromFile: parsed.results, dir };
}

function byTitle(results: TestResult[]): TestResult[] {
  return results.map((r) => ({ ...r, source: 'x' })).sort((a, b) => `${a.suitePath.join('/')}/${a.name}`.localeCompare(`${b.suitePath.join('/')}/${b.name}`));
}

it('a real run read from the JSON file and from the live objects gives the same results', async () => {
  const { live, dir } = await runBoth('both', SPEC);

  const by = new Map(live.map((r) => [r.name, r]));
  const statuses = Object.fromEntries(live.map((r) => [r.name, r.status]));
  expect(statuses).toEqual({
    'passes @smoke': 'passed',
    fails: 'failed',
    soft: 'failed',
    'throws a value': 'failed',
    flaky: 'passed',
    'skipped at run time': 'skipped',
    'declared fixme': 'skipped',
    'expected failure': 'passed',
    'unexpected pass': 'failed',
    'times out': 'failed',
    'step one': 'failed',
    'step two': 'skipped',
  });
  expect(by.get('passes @smoke')).toMatchObject({
    file: 'kinds.spec.mjs',
    suitePath: ['kinds'],
    tags: ['@smoke'],
    output: 'hello',
    properties: [{ name: 'testsigma', value: 'DEMO-1' }],
  });
  expect(by.get('fails')?.message).toMatch(/^Error: one is not two\n\nexpect\(received\)\.toBe\(expected\)/);
  expect(by.get('fails')?.stack).toMatch(/kinds\.spec\.mjs:6:/);
  expect(by.get('soft')?.message).toMatch(/^Error: expect\(received\)\.toBe\(expected\)[\s\S]*\n\nError: expect\(received\)\.toBe\(expected\)/);
  expect(by.get('throws a value')?.message).toBe('42');
  expect(by.get('skipped at run time')?.message).toBe('Skipped: flag off');
  expect(by.get('unexpected pass')?.message).toBe('Expected to fail (test.fail()), but passed.');
  expect(by.get('times out')?.message).toMatch(/^Test timeout of 200ms exceeded\./);
  expect(by.get('step two')?.message).toMatch(/^Did not run: /);

  const flaky = by.get('flaky')!;
  expect(flaky.attempts.map((a) => a.status)).toEqual(['failed', 'passed']);
  expect(flaky.properties).toEqual([
    { name: 'attempt', value: '1' },
    { name: 'attempt', value: '0' },
  ]);
  // The first (failing) attempt's attachments are the ones shown: inline body as base64, files by absolute path.
  const names = flaky.attachments.map((a) => a.name);
  expect(names).toContain('note');
  expect(names).toContain('log');
  expect(flaky.attachments.find((a) => a.name === 'note')).toEqual({
    name: 'note',
    contentType: 'text/plain',
    body: Buffer.from('attempt 0').toString('base64'),
  });
  expect(flaky.attachments.find((a) => a.name === 'log')?.path).toMatch(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/test-results/.*`));
  expect(flaky.attempts[1]?.attachments?.find((a) => a.name === 'note')?.body).toBe(Buffer.from('attempt 1').toString('base64'));
}, 120_000);

it('a run stopped by --max-failures: the test still running is interrupted, the next never ran, alike on both paths', async () => {
  // Two workers: 'breaks' fails once 'slow' has started in the other worker (it says so with a file: an event,
  // not a guess at how long a worker takes to start on a busy machine); the stop interrupts 'slow', and
  // 'never reached' (queued behind them) never starts.
  const spec = `
import { test, expect } from '@playwright/test';
import { existsSync, writeFileSync } from 'node:fs';
test.describe.configure({ mode: 'parallel' });
test('breaks', async () => {
  while (!existsSync('slow-started')) await new Promise((r) => setTimeout(r, 20));
  expect(1).toBe(2);
});
test('slow', async () => { writeFileSync('slow-started', ''); await new Promise((r) => setTimeout(r, 60000)); });
test('never reached', async () => {});
`;
  const { live } = await runBoth('stopped', spec, 'maxFailures: 1, workers: 2,');
  const by = new Map(live.map((r) => [r.name, r]));
  expect(by.get('breaks')?.status).toBe('failed');
  expect(by.get('slow')).toMatchObject({
    status: 'error',
    message: 'Interrupted: the test run was stopped before this test finished (Ctrl-C, --max-failures or the global timeout).',
  });
  expect(by.get('never reached')).toMatchObject({ status: 'skipped', message: expect.stringMatching(/^Did not run: /) });
}, 120_000);
