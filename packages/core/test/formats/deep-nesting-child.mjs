// Child process of junit-hostile.test.ts: reads the result files named on the command line the way an upload
// does (resultFileSource), under the heap limit the parent gave it, and prints one JSON line per file:
// { path, count, code, message }, then { heapUsed } once every file was read.
// Usage: node --max-old-space-size=MB deep-nesting-child.mjs FILE...
import { resultFileSource } from 'testsigma-tm-core';

const source = await resultFileSource(process.argv.slice(2));
let read = 0;
const outcomes = await source.read(() => (read += 1));
for (const outcome of outcomes) {
  process.stdout.write(`${JSON.stringify({ path: outcome.path, count: outcome.count, code: outcome.error?.code, message: outcome.error?.message })}\n`);
}
process.stdout.write(`${JSON.stringify({ read, heapUsed: process.memoryUsage().heapUsed })}\n`);
