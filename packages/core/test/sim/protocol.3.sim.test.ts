/**
 * The last third of the close-job sweep (see protocol.sim.test.ts), a file of its own so that vitest's workers run it
 * beside the other two.
 *
 * Replay one seed: SIM_SEED=4321 SIM_TRACE=1 npx vitest run packages/core/test/sim/protocol.3.sim.test.ts
 */
import { SCHEDULES_PER_MODE, defineSweep } from './sweep.js';

defineSweep('close-job', 'packages/core/test/sim/protocol.3.sim.test.ts', 1, SCHEDULES_PER_MODE, { index: 3, of: 3 });
