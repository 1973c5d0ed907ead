// The Action's entry point: nothing but the calls, so main.ts can be tested without side effects on import.
import { StopRequested, boundYoungGeneration, tierCompilerFor } from 'testsigma-tm-core';
import { run } from './main.js';

// A process of its own, reading the same files as the CLI: the young generation is held small as the CLI's bin
// holds it (testsigma-tm-core's hosts/young-generation.ts), so a large input does not grow it to 128 MB of pages.
boundYoungGeneration();
// Cancelling a job sends SIGINT, then SIGTERM 7.5 s later and SIGKILL 2.5 s after that. The first stops the upload
// as an outage would: nothing more is sent, what was not recorded is written to the spool file, and the step ends
// within that time. A later signal changes nothing: the runner's SIGKILL is the hard stop.
const stop = new AbortController();
for (const name of ['SIGINT', 'SIGTERM'] as const) process.on(name, () => stop.abort(new StopRequested(name)));
// And V8's optimising compiler chosen by the size of the input, as the CLI's bin chooses it (hosts/compiler-tier.ts).
await run(process.env, { beforeReading: tierCompilerFor, interrupt: stop.signal });
