/**
 * The CLI reads result files while it uploads: each result is mapped as it is read, and what the upload does not
 * need is counted, not kept. Checked as a user runs it, on what the summary says and what the emulator recorded:
 * more tests that name no case than the list holds are counted in full and listed up to the cap; a report cut off
 * midway keeps the results read before the break and is named as an error; an outage before the run opens spools
 * every result, read again from the files, and resume sends them.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newRuns, start, statusesByHumanId, type EmulatorHandle } from './helpers/emulator.js';
import { CLI, baseEnv, runNode } from './helpers/run.js';

// Past the list's cap (LISTED) by enough to show the rest are counted, not listed; 25,000 proved no more.
const PLAIN = 12_000;
const LISTED = 10_000;

let emulator: EmulatorHandle;
let dir: string;
let big: string;

beforeAll(async () => {
  emulator = await start();
  dir = await mkdtemp(join(tmpdir(), 'tm-large-'));
  big = join(dir, 'big.xml');
  const cases: string[] = [];
  for (let i = 0; i < PLAIN; i++) {
    cases.push(i % 1000 === 7 ? `<testcase name="plain ${i}"><failure message="boom ${i}"/></testcase>` : `<testcase name="plain ${i}"/>`);
  }
  cases.push('<testcase name="DEMO-1 signs in"/>', '<testcase name="DEMO-2 signs out"><failure message="still signed in"/></testcase>');
  await writeFile(big, `<testsuites><testsuite name="big">${cases.join('\n')}</testsuite></testsuites>\n`);
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  emulator.setFaults([]);
});

function upload(args: string[], env: Record<string, string | undefined> = {}) {
  return runNode(CLI, ['upload', ...args], {
    env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo', ...env }),
  });
}

describe('upload of large and broken inputs', () => {
  it('counts every test that names no case and lists the first 10,000, recording the ones that do', async () => {
    const json = join(dir, 'summary.json');
    const res = await upload([big, '--summary-json', json]);
    expect(res.code).toBe(0);
    const summary = JSON.parse(await readFile(json, 'utf8'));
    expect(summary.total).toBe(PLAIN + 2);
    expect(summary.tests).toEqual({ passed: PLAIN + 1 - PLAIN / 1000, failed: PLAIN / 1000 + 1, skipped: 0 });
    expect(summary.unmappedTotal).toBe(PLAIN);
    expect(summary.unmapped).toHaveLength(LISTED);
    expect(summary.failures.map((f: { test: string }) => f.test).slice(-2)).toEqual([`big › plain ${PLAIN - 1000 + 7}`, 'big › DEMO-2 signs out']);
    expect(summary.failures.at(-1).case).toBe('DEMO-2');
    expect(res.stdout).toContain(`\n${PLAIN} test(s) map to no test case:\n`);
    expect(res.stderr).toContain(`warning: ${PLAIN} test(s) or reference(s) map to no test case and will not be recorded: big › plain 0;`);
    expect(statusesByHumanId(emulator, newRuns(emulator)[0]!)).toEqual({ 'DEMO-1': 'Passed', 'DEMO-2': 'Failed' });
  });

  it('keeps the results a report holds before it breaks off, names the file and exits 2', async () => {
    const cut = join(dir, 'cut.xml');
    await writeFile(
      cut,
      '<testsuites><testsuite name="first"><testcase name="DEMO-4 kept"/><testcase name="DEMO-5 kept"><failure message="no"/></testcase></testsuite>\n' +
        '<testsuite name="second"><testcase name="DEMO-6 lost',
    );
    const json = join(dir, 'cut.json');
    const res = await upload([cut, '--summary-json', json]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`testsigma-tm: ${cut} is not well-formed XML`);
    const summary = JSON.parse(await readFile(json, 'utf8'));
    expect(summary.files).toEqual([{ path: cut, tests: 2, error: expect.stringContaining('is not well-formed XML') }]);
    expect(statusesByHumanId(emulator, newRuns(emulator)[0]!)).toEqual({ 'DEMO-4': 'Passed', 'DEMO-5': 'Failed' });
  });

  it('spools every result, read again from the file, when the service fails before the run opens; resume sends them', async () => {
    emulator.setFaults([{ kind: 'status', route: 'POST /projects/*/test_runs', status: 503 }]);
    const spool = join(dir, 'outage.json');
    const res = await upload([big, '--spool', spool, '--deadline', '2']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      `error: ${PLAIN + 2} result(s) could not be sent and were written to ${spool}. Send them later with: testsigma-tm resume ${spool}`,
    );
    const written = JSON.parse(await readFile(spool, 'utf8'));
    expect(written.kind).toBe('results');
    expect(written.results).toHaveLength(PLAIN + 2);
    expect(JSON.stringify(written)).not.toContain(emulator.token);
    emulator.setFaults([]);
    const resumed = await runNode(CLI, ['resume', spool], { env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url }) });
    expect(resumed.code).toBe(0);
    expect(statusesByHumanId(emulator, newRuns(emulator)[0]!)).toEqual({ 'DEMO-1': 'Passed', 'DEMO-2': 'Failed' });
  });
});
