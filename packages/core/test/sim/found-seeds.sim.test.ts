/**
 * Seeds that once broke an invariant, each kept as a test of its own with what it found, so that the hole stays
 * closed whatever seed range the sweeps run.
 */
import { expect, it } from 'vitest';
import { runScenario } from './scenario.js';

it('seed 1000159: a result removed after an old read of the run is put back before the upload checks the run', async () => {
  // 10 jobs. Job 8's listing of the run took half a minute (timeouts), its first page older than its second; another
  // job's late selection write then removed DEMO-1 with job 8's result. Job 8 put back only the results that old
  // read found lacking, then checked every result against a fresh read: "does not hold what was sent ... DEMO-1",
  // exit 1 for a shard that did nothing wrong.
  for (const mode of ['close-job', 'when-complete'] as const) {
    const outcome = await runScenario({ seed: 1000159, mode });
    expect(outcome.violations).toEqual([]);
  }
});

it('seed 108188: a read retried through timeouts does not size the pause before a look', async () => {
  // 14 jobs, when-complete. Job 3's listing of the run's cases took 95 s of timeouts and retries; its read-to-write
  // window, measured across them, made each pause before a look about 200 s: it slept past its 600 s deadline in
  // the close step it alone could take, and the run stayed ACTIVE without the cases a late write had removed.
  for (const mode of ['close-job', 'when-complete'] as const) {
    const outcome = await runScenario({ seed: 108188, mode });
    expect(outcome.violations).toEqual([]);
  }
});

it('seed 101869: a job whose looks hang while its own write is in doubt still sees every line confirmed meanwhile', async () => {
  // 15 jobs (close-job). Job 9's description write got no answer and landed 53 s later; four of its looks hung for
  // the client's 30 s timeout, filled the requests in flight and kept its next looks unsent for 6 s. Job 8 confirmed
  // its done line in those 6 s and exited; job 9's late write dropped it: "Only 14 of 15 uploads reported".
  const outcome = await runScenario({ seed: 101869, mode: 'close-job' });
  expect(outcome.violations).toEqual([]);
});

it('seed 102469: the close step counts the lines it saw before, its own included, when a late write dropped them', async () => {
  // 8 jobs, when-complete. Job 8's description write got no answer and landed 49 s later, dropping job 6's done line
  // (Blocked DEMO-1) after job 6 had confirmed it; job 8's own late results write had meanwhile put Passed over that
  // Blocked. Job 6 closed from a read without its own line, so left DEMO-1 Passed: "DEMO-1 holds Passed".
  const outcome = await runScenario({ seed: 102469, mode: 'when-complete' });
  expect(outcome.violations).toEqual([]);
});
