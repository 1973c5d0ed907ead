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

// 800 schedules per mode in npm test: about 20 s of CPU per file at ~25 ms each, the two files in parallel on two
// cores (the 10,000 would take ~4 minutes of CPU today). For 10,000: SIM_SCHEDULES=5000 in both files, or
// in slices with SIM_FIRST_SEED.
defineSweep('close-job', 'packages/core/test/sim/protocol.sim.test.ts', 1, 800);
