/**
 * The run protocol of issue 17 under simulation, close-job mode: 2–16 shards of the real `uploadResults` report
 * into one run by one run key (random start offsets, overlapping cases, random outcomes, latencies of 0–3 s, late
 * writes, lost answers, the rate limit), then the real `closeRunCommand` closes it with the shard total. Each
 * invariant is a test naming the seeds that break it.
 *
 * 2,600 close-job schedules in npm test (seeds 1–2,600), and as many when-complete ones (SCHEDULES_PER_MODE in
 * sweep.ts says what they cost, and why not the 10,000); `npm run test:sim` runs 5,000 of each, the issue's
 * 10,000. The mode is cut in three files (this one runs the first third, protocol.2.sim.test.ts and
 * protocol.3.sim.test.ts the others) so that vitest's workers run them side by side.
 *
 * Replay one seed (prints what it did and which invariants it breaks; SIM_TRACE=1 adds every request):
 *   SIM_SEED=1234 SIM_TRACE=1 npx vitest run packages/core/test/sim/protocol.sim.test.ts
 * Run more or fewer schedules, or others: SIM_SCHEDULES=200 SIM_FIRST_SEED=100001 npx vitest run packages/core/test/sim
 */
import { SCHEDULES_PER_MODE, defineSweep } from './sweep.js';

defineSweep('close-job', 'packages/core/test/sim/protocol.sim.test.ts', 1, SCHEDULES_PER_MODE, { index: 1, of: 3 });
