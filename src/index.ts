// The Action's entry point: nothing but the calls, so main.ts can be tested without side effects on import.
import { boundYoungGeneration, tierCompilerFor } from 'testsigma-tm-core';
import { run } from './main.js';

// A process of its own, reading the same files as the CLI: the young generation is held small as the CLI's bin
// holds it (testsigma-tm-core's hosts/young-generation.ts), so a large input does not grow it to 128 MB of pages.
boundYoungGeneration();
// And V8's optimising compiler chosen by the size of the input, as the CLI's bin chooses it (hosts/compiler-tier.ts).
await run(process.env, { beforeReading: tierCompilerFor });
