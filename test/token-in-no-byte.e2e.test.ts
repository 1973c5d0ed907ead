/**
 * The token in no byte we write. The token reaches text the tool did not write itself three ways — a test that
 * prints its environment, a server message that echoes it, a base URL that carries it (`?token=…`) — and the
 * search covers every byte the runs write: stdout, stderr, the summary JSON, the job summary and outputs, the
 * spool, and what the service stores (descriptions, attachment names).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { uploadResults } from '../packages/core/src/pipeline/upload.js';
import { resolveSettings } from '../packages/core/src/settings/index.js';
import type { TestResult } from '../packages/core/src/model.js';
import { newRuns, start, type EmulatorHandle } from './helpers/emulator.js';
import { ACTION, CLI, baseEnv, runNode } from './helpers/run.js';
import { SecretSearch } from './helpers/secrets.js';

let emulator: EmulatorHandle;
/** Where the runs write (searched whole). */
let dir: string;
/** The workspace: the results and files the test writes (holding the token on purpose), not searched. */
let work: string;
let search: SecretSearch;

beforeAll(async () => {
  emulator = await start();
  search = new SecretSearch([emulator.token]);
});
afterAll(() => emulator.close());
beforeEach(async () => {
  emulator.reset();
  emulator.setFaults([]);
  dir = await mkdtemp(join(tmpdir(), 'tm-token-'));
  work = await mkdtemp(join(tmpdir(), 'tm-token-work-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

/** A JUnit file whose failing test prints the token (its environment), and names a file that carries it too. */
async function leakyResults(): Promise<string> {
  const token = emulator.token;
  await mkdir(join(work, 'shots'), { recursive: true });
  await writeFile(join(work, 'shots', `env-${token}.txt`), `TESTSIGMA_API_TOKEN=${token}\n`);
  const file = join(work, 'junit.xml');
  await writeFile(
    file,
    `<testsuite name="env"><testcase name="DEMO-2 prints its environment ${token}" classname="env">` +
      `<failure message="expected no token, got ${token}">Authorization: Bearer ${token}\nTESTSIGMA_API_TOKEN=${token}</failure>` +
      `<system-out>TESTSIGMA_API_TOKEN=${token}\n[[ATTACHMENT|shots/env-${token}.txt]]</system-out></testcase>` +
      `<testcase name="DEMO-1 passes"/></testsuite>`,
  );
  return file;
}

/** Everything the service stores that came from us: runs with their descriptions and attachments' names. */
function stored(): string {
  return JSON.stringify(emulator.state().test_runs);
}

async function expectNoLeaks(): Promise<void> {
  expect(await search.leaks([dir])).toEqual([]);
  expect(stored()).not.toContain(emulator.token);
}

describe('the token in no byte we write', () => {
  it('CLI upload: a test that prints the token, a base URL carrying it, --summary-json', async () => {
    const results = await leakyResults();
    const summaryJson = join(dir, 'out', 'summary.json');
    const res = search.record(
      'cli upload',
      await runNode(CLI, ['upload', results, '--project', 'Demo', '--summary-json', summaryJson, '--verbose'], {
        env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: `${emulator.url}?token=${emulator.token}`, RUNNER_TEMP: dir }),
        cwd: work,
      }),
    );
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const run = newRuns(emulator)[0]!;
    const recorded = Object.values(run.results);
    expect(recorded).toHaveLength(2);
    // What was redacted still says what it was: the test's output and the file, with *** where the token was.
    expect(stored()).toContain('TESTSIGMA_API_TOKEN=***');
    expect(recorded.flatMap((r) => r.attachments.map((a) => a.name))).toEqual(['env-***.txt']);
    expect(await readFile(summaryJson, 'utf8')).toContain('"failed": 1');
    await expectNoLeaks();
  });

  it('CLI doctor and a settings error with a base URL carrying the token', async () => {
    const doctor = search.record(
      'cli doctor',
      await runNode(CLI, ['doctor', '--project', 'Demo'], {
        env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: `${emulator.url}?token=${emulator.token}` }),
        cwd: dir,
      }),
    );
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
    expect(doctor.stdout).toContain('?token=***');
    const invalid = search.record(
      'cli invalid setting',
      await runNode(CLI, ['upload', 'x.xml', '--project', 'Demo', '--batch-size', 'lots'], {
        env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: `ftp://tm.example?token=${emulator.token}` }),
        cwd: dir,
      }),
    );
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('?token=***');
    await expectNoLeaks();
  });

  it('the Action: log, job summary and outputs', async () => {
    const results = await leakyResults();
    const outputFile = join(dir, 'github-output');
    const summaryFile = join(dir, 'step-summary.md');
    await writeFile(outputFile, '');
    await writeFile(summaryFile, '');
    const res = await runNode(ACTION, [], {
      env: baseEnv({
        GITHUB_ACTIONS: 'true',
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        GITHUB_WORKSPACE: work,
        RUNNER_TEMP: dir,
        'INPUT_API-TOKEN': emulator.token,
        'INPUT_PROJECT-ID': 'Demo',
        'INPUT_BASE-URL': `${emulator.url}?token=${emulator.token}`,
        INPUT_RESULTS: results,
      }),
      cwd: work,
    });
    // The one line that must carry it: the runner's instruction to mask it.
    search.record('action', { ...res, stdout: res.stdout.replace(`::add-mask::${emulator.token}`, '::add-mask::') });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(await readFile(summaryFile, 'utf8')).toContain('DEMO-2');
    await expectNoLeaks();
  });

  it('a server message that echoes the token, written into the spool, the error and the summary', async () => {
    const token = emulator.token;
    emulator.setFaults([{ kind: 'status', status: 503, route: 'GET /projects/*/test_cases', body: { message: `upstream refused Authorization: ${token}` } }]);
    let t = 0;
    const lines: string[] = [];
    const result: TestResult = {
      source: 'unit',
      suitePath: [],
      name: `DEMO-2 prints ${token}`,
      status: 'failed',
      message: `env: ${token}`,
      properties: [],
      tags: [],
      attachments: [],
      attempts: [{ status: 'failed', message: `env: ${token}` }],
    };
    const spool = join(dir, 'spool.json');
    const outcome = await uploadResults({
      settings: resolveSettings({ token, baseUrl: `${emulator.url}?token=${token}`, projectId: 'Demo', spool, deadline: 60 }, {}),
      results: [result],
      log: { debug: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) },
      http: { clock: { now: () => t, sleep: async (ms: number) => void (t += ms), random: Math.random }, retry: { baseDelayMs: 1000, maxDelayMs: 5000 } },
    });
    expect(outcome.error?.code).toBe('API_SERVER_ERROR');
    expect(outcome.error?.message).toContain('upstream refused Authorization: ***');
    await writeFile(join(dir, 'outcome.json'), JSON.stringify({ ...outcome, error: outcome.error?.message, lines }));
    const written = await readFile(spool, 'utf8');
    expect(written).toContain('"reason":"GET /projects/');
    expect(written).toContain('?token=***');
    await expectNoLeaks();
  });

  it('a malformed token (a line break inside) is a setting to fix at once, never sent', async () => {
    const res = search.record(
      'cli malformed token',
      await runNode(CLI, ['upload', 'x.xml', '--project', 'Demo'], {
        env: baseEnv({ TESTSIGMA_API_TOKEN: `${emulator.token}\r\nX-Injected: 1`, TESTSIGMA_BASE_URL: emulator.url }),
        cwd: dir,
      }),
    );
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      'TESTSIGMA_API_TOKEN: expected an API key on one line, and it holds a line break (pasted with an extra line?), received a value',
    );
    expect(emulator.state().requests).toEqual([]);
    await expectNoLeaks();
  });
});
