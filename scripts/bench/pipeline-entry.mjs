// What the parse scenarios of the bench load of core, as the CLI loads it: built into one file with ncc, as
// scripts/bundle-core-cli.mjs builds the CLI (see scripts/bench/parse.mjs, `bundlePipeline`).
export { readResultFile, resultFileSource } from '../../packages/core/dist/formats/read-files.js';
export { ResultMapper } from '../../packages/core/dist/map/mapping.js';
export { ResultTally } from '../../packages/core/dist/report/tally.js';
export { boundYoungGeneration } from '../../packages/core/dist/hosts/young-generation.js';
export { tierCompilerFor } from '../../packages/core/dist/hosts/compiler-tier.js';
