/**
 * The input read while the project's cases are listed (pipeline/read-early.ts), when the host is stopped (SIGINT,
 * SIGTERM) after the listing ended and that read goes on alone: it stops at the next result, as the read after the
 * listing does, and the upload says that nothing was written — instead of reading on through up to 8 MB of results
 * in the seconds the CI system gives a cancelled job. Against the emulator over loopback, on a virtual clock.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { EmulatorHandle } from 'testsigma-tm-emulator';
import { StopRequested } from '../../src/api/interrupt.js';
import type { Logger } from '../../src/log.js';
import type { ResultSource, TestResult } from '../../src/model.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { result, virtualClock } from '../run/close-fixtures.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

const RESULTS: TestResult[] = Array.from({ length: 50 }, (_, i) => result((i % 5) + 1, 'passed', `suite ${i}`));

describe('the early read of the results, when the host is stopped after the listing', () => {
  it('stops at the next result, and nothing is written', async () => {
    const stop = new AbortController();
    let listed: () => void = () => undefined;
    const listing = new Promise<void>((resolve) => (listed = resolve));
    const keep = (message: string): void => {
      if (message.startsWith('Listed ')) listed();
    };
    const log: Logger = { debug: keep, info: keep, warn: keep, error: keep, stage: keep };
    // A file reader's pace, one result a turn of the event loop; the stop comes once the cases are listed.
    let handed = 0;
    let handedWhenStopped: number | undefined;
    const source: ResultSource = {
      async read(each) {
        for (const r of RESULTS) {
          if (handed === 1) {
            await listing;
            handedWhenStopped = handed;
            stop.abort(new StopRequested('SIGINT'));
          }
          await nextTurn();
          handed++;
          each(r);
        }
        return [{ path: 'results.xml', results: [], count: RESULTS.length }];
      },
    };
    const outcome = await uploadResults({
      settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo' }, {}),
      results: source,
      env: {},
      host: 'cli',
      clock: virtualClock(),
      log,
      interrupt: stop.signal,
    });
    expect(handedWhenStopped).toBe(1);
    // The result handed after the stop is where the read stopped: nothing after it was read.
    expect(handed).toBe(2);
    expect([outcome.exitCode, outcome.error?.code]).toEqual([130, 'INTERRUPTED']);
    expect(outcome.error?.message).toBe(
      'Interrupted by SIGINT before anything was written to Testsigma: no test run was opened and no result was recorded. Run the upload again to record the results.',
    );
    expect(emulator.state().requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
