#!/usr/bin/env node
// The `testsigma-tm` command: a thin host, all of it in testsigma-tm-core. The Node version is checked before
// anything else is loaded, so an old Node gets one clear line, not a stack.
import { nodeTooOld, nodeTooOldMessage } from 'testsigma-tm-core/node-check';

if (nodeTooOld()) {
  process.stderr.write(`testsigma-tm: ${nodeTooOldMessage('testsigma-tm')}\n`);
  process.exit(2);
}
// A reader of the output that went away (`testsigma-tm upload … | head`) is no reason to stop an upload half way,
// with its run left open: what is written after that is dropped, and the command finishes its work.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}
const { main, boundYoungGeneration } = await import('testsigma-tm-core/cli');
// A process of its own: the young generation is held small (testsigma-tm-core's hosts/young-generation.ts).
boundYoungGeneration();
process.exitCode = await main(process.argv.slice(2), process.env);
