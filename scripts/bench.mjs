// `npm run bench`: how fast and how lean the pipeline is.
// 1. Parse: generated JUnit files (30 MB, 100 MB, 1 GB) and a 50 MB Playwright JSON file, each read by our
//    reader and by the baseline (xml2js; JSON.parse for JSON) in a child process of its own (peak RSS per
//    reader): one table of throughput, peak RSS and ratios (scripts/bench/parse.mjs).
// 2. Upload: a JUnit file of N test cases (default 20,000) referencing M test cases (default 5,000), end to end
//    against the emulator: read + parse, the whole upload (listing, run, batches, close), requests, peak memory.
// Usage: npm run bench -- [--quick] [--skip-parse] [--tests N] [--cases M] [--rate-limit 10]
//   --quick       skip the 1 GB JUnit file
//   --skip-parse  only the upload scenario
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpus, totalmem } from 'node:os';
import { readResultFiles, resolveSettings, uploadResults } from 'testsigma-tm-core';
import { startEmulator } from 'testsigma-tm-emulator';
import { PARSE_HEADER, formatTable, runParseScenarios } from './bench/parse.mjs';

const { values } = parseArgs({
  options: {
    tests: { type: 'string', default: '20000' },
    cases: { type: 'string', default: '5000' },
    'rate-limit': { type: 'string', default: 'off' },
    quick: { type: 'boolean', default: false },
    'skip-parse': { type: 'boolean', default: false },
  },
});
const tests = Number(values.tests);
const cases = Number(values.cases);
const rateLimit = values['rate-limit'] === 'off' ? false : { perSecond: Number(values['rate-limit']) };

const dir = await mkdtemp(join(tmpdir(), 'tm-bench-'));
console.log(
  `machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 1024 ** 3)} GiB memory, Node ${process.version}, ${process.platform}`,
);
if (!values['skip-parse']) {
  console.log("\nParse (each reader in its own process; peak RSS = that process's maxRSS)\n");
  const parseRows = await runParseScenarios(dir, { quick: values.quick });
  console.log(formatTable(PARSE_HEADER, parseRows));
  console.log('\nUpload\n');
}
const file = join(dir, 'junit.xml');
const statuses = ['', '<failure message="expected 1 to be 2">at spec.ts:10:5\nat run (runner.js:1:1)</failure>', '<skipped/>'];
const body = Array.from(
  { length: tests },
  (_, i) =>
    `<testcase classname="suite${i % 50}" name="BIG-${(i % cases) + 1} test ${i}" time="0.0${i % 10}">${statuses[i % 17 === 0 ? 1 : i % 23 === 0 ? 2 : 0]}</testcase>`,
);
await writeFile(file, `<?xml version="1.0"?><testsuites><testsuite name="bench" tests="${tests}">${body.join('\n')}</testsuite></testsuites>`);

const seed = { projects: [{ name: 'Bench', human_id_prefix: 'BIG', test_cases: Array.from({ length: cases }, (_, i) => ({ title: `Case ${i + 1}` })) }] };
const emulator = await startEmulator({ port: 0, seed, rateLimit });
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);

const t0 = performance.now();
const files = await readResultFiles([file]);
const t1 = performance.now();
const outcome = await uploadResults({
  settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Bench' }, {}),
  results: files.flatMap((f) => f.results),
  files,
});
const t2 = performance.now();
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);

const state = emulator.state();
const rows = [
  ['tests in file', tests.toLocaleString('en')],
  ['test cases in project', cases.toLocaleString('en')],
  ['read + parse', `${Math.round(t1 - t0)} ms`],
  ['upload (list, create, batches, close)', `${Math.round(t2 - t1)} ms`],
  [
    'requests',
    `${state.requests.length} (${Object.entries(state.counts)
      .map(([r, n]) => `${n}× ${r}`)
      .join(', ')})`,
  ],
  ['cases recorded', `${outcome.summary.uploaded} (exit ${outcome.exitCode})`],
  ['peak RSS', `${Math.round(peak / 1024 / 1024)} MiB`],
  ['rate limit', rateLimit ? `${rateLimit.perSecond}/s` : 'off'],
];
for (const [k, v] of rows) console.log(`${k.padEnd(40)} ${v}`);
await emulator.close();
await rm(dir, { recursive: true, force: true });
if (outcome.exitCode !== 0) process.exitCode = 1;
