/**
 * No silence: every stage of an upload says so in one line (project, statuses, cases listed, results read, run
 * opened, recording, read back and closed), in the CLI, the Action and a reporter (quiet by default, stage lines
 * still printed). Run against an emulator that answers every request 300 ms late; the lines are asserted, never
 * the time they took.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reportResults, resolveReporterStart } from '../packages/core/src/hosts/reporter.js';
import type { TestResult } from '../packages/core/src/model.js';
import { start, type EmulatorHandle } from './helpers/emulator.js';
import { ACTION, CLI, ROOT, baseEnv, runNode } from './helpers/run.js';

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await start({ faults: [{ kind: 'latency', ms: 300 }] });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const RESULTS = ['examples/results/jest-junit.xml', 'examples/results/pytest-junit.xml'];

/** The stage lines, in the order they must come. */
function expectStages(output: string, run = /DEMO-R-\d+/): void {
  const stages = [
    /Looking up project Demo…/,
    /Project Demo \(DEMO\): \d+ run statuses, \d+ users; listing its test cases…/,
    /Listed \d+ test cases of project Demo\./,
    /Read \d+ test results; \d+ test cases to record\./,
    /Finding or creating the test run…/,
    new RegExp(`Test run ${run.source} created\\.`),
    new RegExp(`Recording \\d+ results in test run ${run.source}, then reading it back and closing it…`),
    new RegExp(`Test run ${run.source}: \\d+ results recorded, closed\\.`),
  ];
  let from = 0;
  for (const stage of stages) {
    const found = stage.exec(output.slice(from));
    expect(found, `${stage} after offset ${from} in:\n${output}`).not.toBeNull();
    from += (found?.index ?? 0) + (found?.[0].length ?? 0);
  }
}

describe('a line for every stage', () => {
  it('the CLI', async () => {
    const res = await runNode(CLI, ['upload', ...RESULTS, '--project', 'Demo'], {
      env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url }),
    });
    expect(res.code, res.stderr).toBe(0);
    expectStages(res.stderr);
  });

  it('the Action', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tm-stages-'));
    try {
      await writeFile(join(dir, 'out'), '');
      const res = await runNode(ACTION, [], {
        env: baseEnv({
          GITHUB_ACTIONS: 'true',
          GITHUB_OUTPUT: join(dir, 'out'),
          GITHUB_WORKSPACE: ROOT,
          'INPUT_API-TOKEN': emulator.token,
          'INPUT_PROJECT-ID': 'Demo',
          'INPUT_BASE-URL': emulator.url,
          INPUT_RESULTS: RESULTS.join('\n'),
        }),
      });
      expect(res.code, res.stdout).toBe(0);
      expectStages(res.stdout);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a reporter, quiet by default: the stage lines and the summary, no request chatter', async () => {
    const lines: string[] = [];
    const env = { TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo' };
    const result = (n: number, status: TestResult['status']): TestResult => ({
      source: 'jest',
      suitePath: [],
      name: `DEMO-${n} works`,
      status,
      properties: [],
      tags: [],
      attachments: [],
      attempts: [{ status }],
    });
    const error = await reportResults({
      start: resolveReporterStart({}, env, 'testsigma-tm-jest'),
      packageName: 'testsigma-tm-jest',
      runner: 'Jest',
      results: [result(1, 'passed'), result(2, 'failed')],
      env,
      write: (line) => lines.push(line),
    });
    expect(error).toBeUndefined();
    expectStages(lines.join('\n'));
    expect(lines.every((line) => line.startsWith('[testsigma-tm] '))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/GET \/projects/);
  });
});
