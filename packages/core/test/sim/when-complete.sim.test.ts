/**
 * The run protocol of issue 17 under simulation, when-complete mode: every shard's upload carries the shard total
 * and its index, and the last one to report closes the run; no close job. See protocol.sim.test.ts. This file runs
 * the first third of the mode's schedules (SCHEDULES_PER_MODE), when-complete.2.sim.test.ts and
 * when-complete.3.sim.test.ts the others.
 *
 * Replay one seed: SIM_SEED=1234 SIM_TRACE=1 npx vitest run packages/core/test/sim/when-complete.sim.test.ts
 */
import { SCHEDULES_PER_MODE, defineSweep } from './sweep.js';

defineSweep('when-complete', 'packages/core/test/sim/when-complete.sim.test.ts', 1, SCHEDULES_PER_MODE, { index: 1, of: 3 });
