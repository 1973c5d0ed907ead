/**
 * The run protocol of issue 17 under simulation, when-complete mode: every shard's upload carries the shard total
 * and its index, and the last one to report closes the run; no close job. See protocol.sim.test.ts.
 *
 * Replay one seed: SIM_SEED=1234 npx vitest run packages/core/test/sim/when-complete.sim.test.ts
 */
import { defineSweep } from './sweep.js';

defineSweep('when-complete', 'packages/core/test/sim/when-complete.sim.test.ts', 1, 800);
