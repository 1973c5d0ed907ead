/**
 * `testsigma-tm run close` hitting its deadline while closing the run it found, against the emulator over loopback
 * with every wait on a virtual clock: the outcome says the run is still open, why (the last request and its
 * answer) and that the same command, run again once the service answers, closes it — never the bare request
 * error, never the token. Running it again closes the run; running it once more finds nothing to do (exit 0).
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

const DEADLINE_S = 120;

describe('run close, when the deadline passes while it closes the run', () => {
  it.each([
    ['by its run key, from the CLI', 'key', 'cli', `the deadline (--deadline ${DEADLINE_S} s)`, 'Run the same command again'],
    ["by its run id, from the Action's close mode", 'id', 'action', `the deadline input (${DEADLINE_S} s)`, "Re-run this job (the Action's close mode)"],
  ] as const)(
    'named %s: still open, says why and to run it again; run again it closes the run, and once more does nothing',
    async (_, by, host, label, again_) => {
      const key = `close-cmd-${by}`;
      const run = await twoShardsReported(emulator, key);
      const named = by === 'key' ? { runKey: key, shardTotal: 2 } : { runId: run.human_id };
      const settings = () => resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', deadline: DEADLINE_S, ...named }, {});
      const log = recordingLogger();
      const outcome = await closeMeetingFaults(emulator, [{ kind: 'status', route: 'PUT /projects/*/test_runs/*', status: 503 }], (transport) =>
        closeRunCommand({ settings: settings(), env: {}, host, log, clock: virtualClock(), http: { transport } }),
      );
      expect(emulator.state().test_runs.find((r) => r.id === run.id)?.status).toBe('ACTIVE');
      expect([outcome.exitCode, outcome.error?.code]).toEqual([1, 'RUN_NOT_CLOSED']);
      const last = outcome.error?.cause as ApiError;
      expect([last.status, last.deadlinePassed]).toEqual([503, true]);
      expect(last.requestId).toMatch(/^[0-9a-f-]{36}$/);
      const message =
        `Test run ${run.human_id} "${run.title}" is still open: closing it did not finish before ${label} passed; ` +
        `its last request, PUT /projects/${DEMO_FACTS.project.id}/test_runs/${run.id}, was answered HTTP 503: Service Unavailable — Injected by the emulator (fault injection) (request id ${last.requestId}). ` +
        `${again_} once the service answers: it closes the run (and finds nothing to do if this close was applied late).`;
      expect([outcome.message, outcome.error?.message]).toEqual([message, message]);
      expect(JSON.stringify(outcome)).not.toContain(emulator.token);
      expect(log.lines.join('\n')).not.toContain(emulator.token);

      // The same command again, the service answering: it closes the run, each case at the worst any shard reported.
      const again = await closeRunCommand({ settings: settings(), env: {}, host, clock: virtualClock() });
      expect([again.exitCode, again.message]).toEqual([
        0,
        by === 'key' ? `Closed test run ${run.human_id}: 2 of 2 upload(s) reported.` : `Closed test run ${run.human_id}: 2 upload(s) reported.`,
      ]);
      const after = emulator.state().test_runs.find((r) => r.id === run.id)!;
      expect(after.status).toBe('CLOSED');
      const human = new Map(emulator.state().test_cases.map((c) => [c.id, c.human_id]));
      expect(Object.fromEntries(Object.entries(after.results).map(([id, r]) => [human.get(id), r.status]))).toEqual({
        'DEMO-1': 'Passed',
        'DEMO-2': 'Failed',
        'DEMO-3': 'Passed',
        'DEMO-4': 'Failed',
      });
      // And once more: nothing to do, and nothing changed.
      const once = await closeRunCommand({ settings: settings(), env: {}, host, clock: virtualClock() });
      expect([once.exitCode, once.message]).toEqual([
        0,
        by === 'key' ? `No open test run has the run key ${key}: nothing to close.` : `Test run ${run.human_id} is already closed.`,
      ]);
      expect(
        emulator
          .state()
          .test_runs.filter((r) => r.title.endsWith(`[${key}]`))
          .map((r) => [r.id, r.status]),
      ).toEqual([[run.id, 'CLOSED']]);
    },
  );
});
