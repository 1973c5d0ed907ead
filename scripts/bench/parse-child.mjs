// One parse scenario in its own process, so that its peak RSS is its own:
// `node parse-child.mjs <reader> <file> [<bundle>]` (bundle: core as one file, see coreModule).
// Prints one JSON line: { ms, results, maxRssBytes }.
//   stream   our reader (readResultFile), results counted as they come (what a streaming consumer pays)
//   files    readResultFiles: our reader, every result kept in the FileOutcome (the library call for small inputs)
//   pipeline what the CLI does, minus the network: results read while they are mapped and tallied, lists capped,
//            the young generation bounded and the optimising compiler chosen as the CLI's bin does
//   xml2js   readFile + xml2js.parseStringPromise, then counting <testcase>s (what the popular JUnit Actions do)
//   json-parse  readFile + JSON.parse, the floor for any JSON reader that holds the document
//   indexof  the ceiling: the file read and decoded as our reader reads it (1 MiB reads, 64 KiB pieces), each
//            piece searched with indexOf for `<testcase` and nothing else
//   outcome  resultFileSource as the upload reads a file: results counted, the file's error code (if any) printed
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [reader, file, bundle] = process.argv.slice(2);
const core = new URL('../../packages/core/dist/', import.meta.url);
/**
 * Core's modules the scenario needs: from `bundle` when given (pipeline-entry.mjs built into one file, as the CLI
 * ships core: scripts/bundle-core-cli.mjs), else one by one from core's dist.
 */
async function coreModule(path) {
  return bundle ? import(pathToFileURL(bundle).href) : import(new URL(path, core).href);
}
const started = performance.now();
let results = 0;

if (reader === 'xml2js') {
  const { parseStringPromise } = await import('xml2js');
  const tree = await parseStringPromise(await readFile(file, 'utf8'));
  const walk = (node) => {
    for (const suite of node.testsuite ?? []) {
      results += (suite.testcase ?? []).length;
      walk(suite);
    }
  };
  walk(tree.testsuites ?? { testsuite: [tree.testsuite] });
} else if (reader === 'json-parse') {
  const json = JSON.parse(await readFile(file, 'utf8'));
  results = Array.isArray(json.suites) ? json.suites.length : 0;
} else if (reader === 'files') {
  const { readResultFiles } = await import(new URL('formats/read-files.js', core).href);
  const [outcome] = await readResultFiles([file], { maxFileBytes: 2 ** 40 });
  if (outcome.error) throw outcome.error;
  results = outcome.results.length;
} else if (reader === 'pipeline') {
  // What the CLI does with a file, minus the network: read while mapping each result against the project's cases
  // (5,000 of them, BIG-1 … BIG-5000: those results are kept, the rest name ids the project lacks) and tallying.
  // The young generation bounded, and below V8's optimising compiler chosen, as the CLI's bin does (hosts/).
  const { boundYoungGeneration } = await coreModule('hosts/young-generation.js');
  boundYoungGeneration();
  const { resultFileSource, tierCompilerFor } = await coreModule('index.js');
  const { ResultMapper } = await coreModule('map/mapping.js');
  const { ResultTally } = await coreModule('report/tally.js');
  const cases = Array.from({ length: 5000 }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
    human_id: `BIG-${i + 1}`,
    title: `case ${i + 1}`,
  }));
  const mapper = new ResultMapper(cases, 'BIG');
  const tally = new ResultTally({ lines: false, workspace: process.cwd() });
  const source = await resultFileSource([file], { maxFileBytes: 2 ** 40 });
  // V8's optimising compiler as the CLI's bin chooses it for the input's size (hosts/compiler-tier.ts).
  tierCompilerFor(await source.size());
  const [outcome] = await source.read((result) => tally.add(result, mapper.add(result)));
  if (outcome.error) throw outcome.error;
  const report = mapper.report();
  results = tally.total;
  process.stderr.write(`pipeline: ${report.mapped.length} cases mapped, ${tally.failed.length} failures listed\n`);
} else if (reader === 'indexof') {
  const { open } = await import('node:fs/promises');
  const { TextDecoder } = await import('node:util');
  const handle = await open(file);
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    for (let at = 0; at < bytesRead; at += 64 * 1024) {
      const piece = carry + decoder.decode(buffer.subarray(at, Math.min(bytesRead, at + 64 * 1024)), { stream: true });
      for (let i = piece.indexOf('<testcase'); i !== -1; i = piece.indexOf('<testcase', i + 9)) results += 1;
      carry = piece.slice(-8);
    }
  }
  await handle.close();
} else if (reader === 'outcome') {
  const { resultFileSource } = await coreModule('index.js');
  const [outcome] = await (await resultFileSource([file], { maxFileBytes: 2 ** 40 })).read(() => (results += 1));
  if (outcome.error) process.stderr.write(`outcome: ${outcome.error.code}: ${outcome.error.message.slice(0, 200)}\n`);
  globalThis.errorCode = outcome.error?.code;
} else if (reader === 'stream') {
  const { readResultFile } = await coreModule('formats/read-files.js');
  await readResultFile(file, { maxFileBytes: 2 ** 40, warn: () => undefined, onResult: () => (results += 1) });
} else {
  throw new Error(`unknown reader ${reader} (${fileURLToPath(import.meta.url)})`);
}

const ms = performance.now() - started;
const usage = process.resourceUsage();
console.log(
  JSON.stringify({ ms, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, results, maxRssBytes: usage.maxRSS * 1024, errorCode: globalThis.errorCode }),
);
