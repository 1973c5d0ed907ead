#!/usr/bin/env node
// Check the Node version before loading anything else, so an old Node gets one clear line, not a stack.
import { nodeTooOld, nodeTooOldMessage } from '../dist/node-check.js';

if (nodeTooOld()) {
  process.stderr.write(`testsigma-tm: ${nodeTooOldMessage('testsigma-tm')}\n`);
  process.exit(2);
}
const { main } = await import('../dist/hosts/cli/main.js');
process.exitCode = await main(process.argv.slice(2), process.env);
