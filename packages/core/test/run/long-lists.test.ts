/**
 * A message that lists cases (or projects, plans) lists the first 20 and says how many more there are, in one
 * format: `DEMO-1, DEMO-2, … and 18 more` (text.ts listed). Each through what says it, against an emulator over
 * loopback seeded with 25 projects and 25 test plans; every wait on a virtual clock.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS, DEMO_SEED, startEmulator, type EmulatorHandle, type SeedProject } from 'testsigma-tm-emulator';
import type { Transport } from '../../src/api/http.js';
import { exchange, makeDispatcher } from '../../src/api/transport.js';
import { closeRunCommand } from '../../src/operations/commands.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import { recordingLogger, result, virtualClock } from './close-fixtures.js';

const [DEMO, SANDBOX] = DEMO_SEED.projects as [SeedProject, SeedProject];
/** 25 projects: Demo, Sandbox and 23 more; Demo has 25 test plans. */
const SEED = {
  ...DEMO_SEED,
  projects: [
    { ...DEMO, test_plans: [...(DEMO.test_plans ?? []), ...Array.from({ length: 24 }, (_, i) => ({ title: `Plan ${i + 2}` }))] },
    SANDBOX,
    ...Array.from({ length: 23 }, (_, i) => ({ name: `Extra ${i + 1}`, human_id_prefix: `EX${i + 1}` })),
  ],
};

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, seed: SEED, rateLimit: false });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  emulator.setFaults([]);
});

const CASES = Array.from({ length: 25 }, (_, i) => i + 1);
const FAILED = CASES.map((n) => result(n, 'failed', 'long'));
/** DEMO-1 … DEMO-20, then the count of the other five, each named by `name`. */
const twentyOf25 = (name: (n: number) => string = (n) => `DEMO-${n}`): string => `${CASES.slice(0, 20).map(name).join(', ')}, … and 5 more`;

function settings(extra: Record<string, unknown>) {
  return resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', batchSize: 100, ...extra }, {});
}

/** Another writer records Passed for every one of the 25 cases in the run at `runPath` (…/test_runs/<id>/test_cases). */
async function passedByAnotherWriter(runPath: string): Promise<void> {
  const entries = CASES.map((n) => ({
    test_case_id: DEMO_FACTS.caseId(n),
    test_run_status_id: DEMO_FACTS.runStatusId('Passed'),
    user_id: DEMO_FACTS.users.alice.id,
  }));
  const answer = await fetch(`${emulator.url}${runPath.slice(runPath.indexOf('/projects/'))}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${emulator.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ test_run_cases: entries }),
  });
  expect(answer.status).toBe(200);
}

/** In front of the emulator: `before` runs once, just before the first request `chosen` picks goes out. */
async function before(chosen: (request: Parameters<Transport>[0]) => boolean, act: (request: Parameters<Transport>[0]) => Promise<void>) {
  const dispatcher = await makeDispatcher(30_000, undefined);
  let acted = false;
  const transport: Transport = async (request) => {
    if (!acted && chosen(request)) {
      acted = true;
      await act(request);
    }
    return exchange(dispatcher, request.method, request.url, request.headers, request.body, request.timeoutMs, request.nowMs);
  };
  return { transport, done: () => dispatcher.close(), acted: () => acted };
}

const isResultsWrite = (request: Parameters<Transport>[0]): boolean => request.method === 'PUT' && request.url.pathname.endsWith('/test_cases');

describe('settings named among more than 20', () => {
  it('an unknown project: the first 20 projects the token can see, and how many more', async () => {
    const outcome = await uploadResults({ settings: settings({ projectId: 'Nope' }), results: FAILED, env: {}, host: 'cli', clock: virtualClock() });
    const projects = ['"Demo"', '"Sandbox"', ...Array.from({ length: 18 }, (_, i) => `"Extra ${i + 1}"`)].join(', ');
    expect([outcome.exitCode, outcome.error?.message]).toEqual([
      2,
      `No project has the id or exact name "Nope". Projects this token can see: ${projects}, … and 5 more. Set --project (or TESTSIGMA_PROJECT_ID) to one of them or to its UUID.`,
    ]);
  });

  it("an unknown test plan: the first 20 of the project's plans, and how many more", async () => {
    const outcome = await uploadResults({ settings: settings({ testPlan: 'DEMO-P-99' }), results: FAILED, env: {}, host: 'cli', clock: virtualClock() });
    const plans = ['DEMO-P-1 "Release 2.4"', ...Array.from({ length: 19 }, (_, i) => `DEMO-P-${i + 2} "Plan ${i + 2}"`)].join(', ');
    expect(outcome.error?.message).toMatch(
      /^No test plan DEMO-P-99 in this project \(--test-plan \(or TESTSIGMA_TEST_PLAN\)\): the service answered 404 \(request id [\w-]+\)/,
    );
    expect(outcome.error?.message).toContain(`, so no run was created. Its test plans: ${plans}, … and 5 more. Set it to the UUID`);
  });
});

describe('results named among more than 20', () => {
  it('refused: one line each for the first 20, then how many more', async () => {
    emulator.setFaults([{ kind: 'status', route: 'PUT /projects/*/test_runs/*/test_cases', status: 422 }]);
    const outcome = await uploadResults({ settings: settings({ batchSize: 1 }), results: FAILED, env: {}, host: 'cli', clock: virtualClock() });
    const [head, ...lines] = outcome.error!.message.split('\n');
    expect(head).toMatch(/^The service refused 25 of 25 result\(s\) for test run DEMO-R-\d+ \(0 recorded\):$/);
    expect(lines).toHaveLength(21);
    for (const line of lines.slice(0, 20)) expect(line).toMatch(/^ {2}- DEMO-\d+: HTTP 422: Injected error 422 — .* \(request id [\w-]+\)$/);
    expect(lines[20]).toBe('  - … and 5 more');
  });

  it('not held when read back: the first 20 cases, then how many more', async () => {
    // Another writer's Passed lands between this upload's write and its read back: the run does not hold its Failed.
    let written = '';
    const writer = await before(
      (request) => {
        if (isResultsWrite(request)) written = request.url.pathname;
        return written !== '' && request.method === 'GET' && request.url.pathname === written;
      },
      () => passedByAnotherWriter(written),
    );
    const outcome = await uploadResults({
      settings: settings({}),
      results: FAILED,
      env: {},
      host: 'cli',
      clock: virtualClock(),
      http: { transport: writer.transport },
    }).finally(writer.done);
    expect(writer.acted()).toBe(true);
    expect(outcome.error?.code).toBe('VERIFY_MISMATCH');
    expect(outcome.error?.message).toMatch(
      new RegExp(`^Test run DEMO-R-\\d+ does not hold what was sent for 25 case\\(s\\): ${twentyOf25()}\\. Another job may have recorded`),
    );
  });

  it('not written again after a better result replaced them: the first 20 cases, then how many more', async () => {
    // Once this job's results are answered, another job's Passed replaces them, and the service refuses the write again.
    const log = recordingLogger();
    let replaced = false;
    const dispatcher = await makeDispatcher(30_000, undefined);
    const transport: Transport = async (request) => {
      const answer = await exchange(dispatcher, request.method, request.url, request.headers, request.body, request.timeoutMs, request.nowMs);
      if (!replaced && isResultsWrite(request)) {
        replaced = true;
        await passedByAnotherWriter(request.url.pathname);
        emulator.setFaults([{ kind: 'status', route: 'PUT /projects/*/test_runs/*/test_cases', status: 403 }]);
      }
      return answer;
    };
    await uploadResults({
      settings: settings({ runKey: 'long-lists', shardIndex: 1, closeRun: false }),
      results: FAILED,
      env: {},
      host: 'cli',
      log,
      clock: virtualClock(),
      http: { transport },
    }).finally(() => dispatcher.close());
    expect(replaced).toBe(true);
    expect(log.lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^Could not write again 25 worse result\\(s\\) of this job that another job's better result replaced in test run DEMO-R-\\d+: ${twentyOf25((n) => `DEMO-${n} \\(Failed\\)`)}, the service failing \\(HTTP 403;`,
        ),
      ),
    );
  });

  it('restored by run close: the first 20 cases, then how many more, in its message and its log', async () => {
    const uploaded = await uploadResults({
      settings: settings({ runKey: 'long-close', shardIndex: 1, shardTotal: 1, closeRun: false }),
      results: FAILED,
      env: {},
      host: 'cli',
      clock: virtualClock(),
    });
    expect(uploaded.exitCode, uploaded.error?.message).toBe(0);
    // Another writer takes the 25 cases out of the run (their results go with them), leaving DEMO-26 alone.
    const run = emulator.state().test_runs.find((r) => r.title.endsWith('[long-close]'))!;
    const taken = await fetch(`${emulator.url}/projects/${DEMO_FACTS.project.id}/test_runs/${run.id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${emulator.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ static_selection_filters: [{ field: 'id', operator: 'IN', values: [DEMO_FACTS.caseId(26)] }] }),
    });
    expect(taken.status).toBe(200);

    const log = recordingLogger();
    const closed = await closeRunCommand({ settings: settings({ runKey: 'long-close', shardTotal: 1 }), env: {}, log, clock: virtualClock() });
    expect([closed.exitCode, closed.message]).toEqual([
      0,
      `Closed test run ${run.human_id}: 1 of 1 upload(s) reported. Restored the worst result of 25 case(s): ${twentyOf25()}.`,
    ]);
    expect(log.lines).toContain(`Test run ${run.human_id} lacks 25 case(s) that jobs reported (${twentyOf25()}): adding them back.`);
    expect(log.lines).toContain(`Restored the worst result of 25 case(s) that another job's better result had replaced: ${twentyOf25()}.`);
  });
});
