/**
 * The run protocol of issue 17 under simulation, close-job mode: 2–16 shards of the real `uploadResults` report
 * into one run by one run key (random start offsets, overlapping cases, random outcomes, latencies of 0–3 s, late
 * writes, lost answers, the rate limit), then the real `closeRunCommand` closes it with the shard total. Each
 * invariant is a test naming the seeds that break it.
 *
 * Replay one seed (prints what it did and which invariants it breaks; SIM_TRACE=1 adds every request):
 *   SIM_SEED=1234 npx vitest run packages/core/test/sim/protocol.sim.test.ts
 * Run more or fewer schedules: SIM_SCHEDULES=200 npx vitest run packages/core/test/sim
 */
import { defineSweep } from './sweep.js';

// 500 schedules per mode in npm test (about 15 s of CPU at 25–35 ms each); 10,000 (the figure): SIM_SCHEDULES=5000 in both files.
defineSweep('close-job', 'packages/core/test/sim/protocol.sim.test.ts', 1, 500);
