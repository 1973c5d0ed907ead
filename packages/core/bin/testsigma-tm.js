#!/usr/bin/env node
// Check the Node version before loading anything: on an older Node, undici fails at load with an obscure error.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(`testsigma-tm: needs Node.js 22.19 or later; this is ${process.version}. Use a newer Node (e.g. actions/setup-node with node-version: 24).\n`);
  process.exit(2);
}
const { main } = await import('../dist/hosts/cli/main.js');
process.exitCode = await main(process.argv.slice(2), process.env);
