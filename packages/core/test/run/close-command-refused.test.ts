/**
 * `testsigma-tm run close` (and the Action's close mode) whose close request the service refuses (403, 400),
 * against the emulator over loopback with every wait on a virtual clock: the outcome says the run is still open,
 * gives the service's answer (status, message, request id) and what to do — a token of a user allowed to close
 * the project's test runs for a 403, the same command once the service takes the close otherwise — never the bare
 * request error, never the token. The run stays ACTIVE, and the same command then closes it.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle } from 'testsigma-tm-emulator';
import type { ApiError } from '../../src/errors.js';
import { closeRunCommand } from '../../src/operations/commands.js';
import { resolveSettings } from '../../src/settings/index.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { recordingLogger, twoShardsReported, virtualClock, closeMeetingFaults } from './close-fixtures.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

const TOKEN_TODO = "with TESTSIGMA_API_TOKEN set to a key of a user allowed to close the project's test runs.";
const LATER_TODO = 'once the service takes the close (report the request id if it keeps refusing).';
/** Exit and code: a token refused is a setting to fix; any other refusal the service may take later. */
const FORBIDDEN = [2, 'RUN_CLOSE_FORBIDDEN'] as const;
const NOT_CLOSED = [1, 'RUN_NOT_CLOSED'] as const;

describe('run close, when the service refuses to close the run', () => {
  it.each([
    ['403, by its run key, from the CLI', 403, 'key', 'cli', `Run the same command again ${TOKEN_TODO}`, FORBIDDEN],
    [
      "403, by its run id, from the Action's close mode",
      403,
      'id',
      'action',
      "Re-run this job (the Action's close mode) with the api-token input (or TESTSIGMA_API_TOKEN) set to a key of a user allowed to close the project's test runs.",
      FORBIDDEN,
    ],
    ['400, by its run id, from the CLI', 400, 'id', 'cli', `Run the same command again ${LATER_TODO}`, NOT_CLOSED],
    ["400, by its run key, from the Action's close mode", 400, 'key', 'action', `Re-run this job (the Action's close mode) ${LATER_TODO}`, NOT_CLOSED],
  ] as const)('%s: still open, says the answer and what to do; the same command then closes it', async (_, status, by, host, todo, failed) => {
    const key = `close-refused-${status}-${by}-${host}`;
    const run = await twoShardsReported(emulator, key);
    const named = by === 'key' ? { runKey: key, shardTotal: 2 } : { runId: run.human_id };
    const settings = () => resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', deadline: 120, ...named }, {});
    const log = recordingLogger();
    const outcome = await closeMeetingFaults(emulator, [{ kind: 'status', route: 'PUT /projects/*/test_runs/*', status }], (transport) =>
      closeRunCommand({ settings: settings(), env: {}, host, log, clock: virtualClock(), http: { transport } }),
    );
    expect(emulator.state().test_runs.find((r) => r.id === run.id)?.status).toBe('ACTIVE');
    expect([outcome.exitCode, outcome.error?.code]).toEqual(failed);
    const last = outcome.error?.cause as ApiError;
    expect([last.status, last.deadlinePassed]).toEqual([status, false]);
    expect(last.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const message =
      `Test run ${run.human_id} "${run.title}" is still open: the service refused to close it; ` +
      `its request, PUT /projects/${DEMO_FACTS.project.id}/test_runs/${run.id}, was answered HTTP ${status}: Injected error ${status} — Injected by the emulator (fault injection) (request id ${last.requestId}). ` +
      todo;
    expect([outcome.message, outcome.error?.message]).toEqual([message, message]);
    // The run still open is named beside the error (the Action's run-id and run-url outputs).
    expect(outcome.run).toEqual({ id: run.id, human_id: run.human_id, url: expect.stringMatching(new RegExp(`/test-runs/${run.id}$`)) });
    expect(JSON.stringify(outcome)).not.toContain(emulator.token);
    expect(log.lines.join('\n')).not.toContain(emulator.token);

    // The same command again, the service taking the close: it closes the run.
    const again = await closeRunCommand({ settings: settings(), env: {}, host, clock: virtualClock() });
    expect(again.exitCode, again.message).toBe(0);
    expect(emulator.state().test_runs.find((r) => r.id === run.id)?.status).toBe('CLOSED');
  });

  it('a refused request the close needs (the users), not the close: says so, and the close was never sent', async () => {
    const key = 'close-refused-users';
    const run = await twoShardsReported(emulator, key);
    const closes = () => emulator.state().requests.filter((r) => r.route === 'PUT /projects/{pid}/test_runs/{rid}').length;
    const before = closes();
    expect(before).toBeGreaterThan(0);
    emulator.setFaults([{ kind: 'status', route: 'GET /users', status: 403, times: 1 }]);
    const outcome = await closeRunCommand({
      settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', deadline: 120, runKey: key, shardTotal: 2 }, {}),
      env: {},
      host: 'cli',
      clock: virtualClock(),
    });
    emulator.setFaults([]);
    expect(emulator.state().test_runs.find((r) => r.id === run.id)?.status).toBe('ACTIVE');
    expect(closes()).toBe(before);
    const last = outcome.error?.cause as ApiError;
    expect([outcome.exitCode, outcome.error?.code, last.status]).toEqual([...FORBIDDEN, 403]);
    expect(outcome.message).toBe(
      `Test run ${run.human_id} "${run.title}" is still open: the service refused a request its close needs; ` +
        `its request, GET /users, was answered HTTP 403: Injected error 403 — Injected by the emulator (fault injection) (request id ${last.requestId}). ` +
        `Run the same command again ${TOKEN_TODO}`,
    );
  });
});
