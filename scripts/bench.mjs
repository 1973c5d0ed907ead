// `npm run bench`: how fast and how lean the pipeline is, each measure beside its target.
// 1. parse: generated JUnit files (30 MB, 100 MB, 1 GB) and a 50 MB Playwright JSON file, each read by our
//    reader and by the baseline (xml2js; JSON.parse for JSON) in a child process of its own (scripts/bench/parse.mjs).
// 2. upload: 1k, 10k and 50k results uploaded by the real CLI against the emulator at 10 requests/s and 20 ms
//    latency: requests vs the minimum, time vs the ideal, rate-limit answers (scripts/bench/upload.mjs).
// 3. reporters: a 2,000-test Jest suite and Playwright suite with and without our reporter, upload excluded
//    (scripts/bench/reporters.mjs).
// 4. formats: a 200 MB input of each other format read in pieces (TRX, NUnit 3, xUnit.net, TestNG, go test -json,
//    Mocha, RSpec, Jest aggregated, an Allure directory): throughput and peak RSS (scripts/bench/formats.mjs).
// Every group prints a Markdown table; the last table lists every target, what was measured and whether it is met.
// Usage: npm run bench -- [--quick] [--only parse|upload|reporters|formats]... [--repeats N] [--runner jest|playwright]...
//          [--format ID]...
//   --quick    skip the 1 GB JUnit file and the 50k upload; 50 MB format inputs instead of 200 MB
//   --only     run only this group (repeat the flag for several); default all
//   --repeats  runs of each reporter variant, after one warm-up run of each (default 5)
//   --runner   the reporters group runs only this runner's suite (repeat the flag for several); default both
//   --junit-mb in the parse group, only the JUnit file of this size in MB (30, 100, 1024 or any other; repeat
//              for several; the other inputs of the group are left out): `--only parse --junit-mb 1024`
//   --format   in the formats group, only this format (trx, nunit3, xunit, testng, robot, go, mocha, rspec, jest, allure; repeat for several)
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PARSE_HEADER, formatTable, metText, runParseScenarios } from './bench/parse.mjs';
import { FORMATS_HEADER, runFormatScenarios } from './bench/formats.mjs';
import { REPORTERS_HEADER, REPORTER_RUNNERS, reporterTable, runReporterScenarios } from './bench/reporters.mjs';
import { UPLOAD_HEADER, runUploadScenario, uploadTable } from './bench/upload.mjs';

const GROUPS = ['parse', 'upload', 'reporters', 'formats'];
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
    repeats: { type: 'string', default: '5' },
    runner: { type: 'string', multiple: true },
    format: { type: 'string', multiple: true },
    'junit-mb': { type: 'string', multiple: true },
  },
});
const only = values.only ?? GROUPS;
const unknown = only.filter((g) => !GROUPS.includes(g));
const runners = values.runner ?? REPORTER_RUNNERS;
const unknownRunner = runners.filter((r) => !REPORTER_RUNNERS.includes(r));
const repeats = Number(values.repeats);
const junitSizes = values['junit-mb']?.map(Number);
if (junitSizes?.some((size) => !(size > 0))) {
  console.error(`bench: --junit-mb takes a size in MB greater than 0, received ${values['junit-mb'].join(', ')}.`);
  process.exit(2);
}
if (unknown.length > 0 || unknownRunner.length > 0 || !Number.isInteger(repeats) || repeats < 1) {
  console.error(
    `bench: ${unknown.length > 0 ? `unknown group ${unknown.join(', ')} in --only (choose from ${GROUPS.join(', ')})` : unknownRunner.length > 0 ? `unknown runner ${unknownRunner.join(', ')} in --runner (choose from ${REPORTER_RUNNERS.join(', ')})` : `--repeats must be a whole number ≥ 1, received ${values.repeats}`}.`,
  );
  process.exit(2);
}

const dir = await mkdtemp(join(tmpdir(), 'tm-bench-'));
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(', ');
console.log(
  `machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 1024 ** 3)} GiB memory, Node ${process.version}, ${process.platform}; load average at start ${load()}`,
);
const targets = [];
try {
  if (only.includes('parse')) {
    console.log("\nParse (each reader in its own process; peak RSS = that process's maxRSS)\n");
    const parse = await runParseScenarios(dir, { quick: values.quick, junitSizes });
    console.log(formatTable(PARSE_HEADER, parse.rows));
    targets.push(...parse.targets);
  }
  if (only.includes('upload')) {
    console.log('\nUpload (the CLI in its own process; the emulator at 10 requests/s, 20 ms latency)\n');
    const scenarios = [];
    for (const results of values.quick ? [1000, 10_000] : [1000, 10_000, 50_000]) {
      scenarios.push(await runUploadScenario(dir, results));
      const m = scenarios.at(-1);
      process.stderr.write(
        `  upload ${results}: exit ${m.exitCode}, ${m.requests} requests in ${m.requestMs} ms, ${m.rateLimited} rate-limit answers\n${m.output}`,
      );
    }
    const upload = uploadTable(scenarios);
    console.log(formatTable(UPLOAD_HEADER, upload.rows));
    targets.push(...upload.targets);
  }
  if (only.includes('reporters')) {
    console.log('\nReporter overhead (the runner in its own process, with and without the reporter, alternately; upload excluded)\n');
    const reporters = reporterTable(await runReporterScenarios(dir, { repeats, runners }));
    console.log(formatTable(REPORTERS_HEADER, reporters.rows));
    targets.push(...reporters.targets);
  }
  if (only.includes('formats')) {
    console.log("\nOther formats read in pieces (each reader in its own process; peak RSS = that process's maxRSS)\n");
    const formats = await runFormatScenarios(dir, { quick: values.quick, metText, only: values.format });
    console.log(formatTable(FORMATS_HEADER, formats.rows));
    targets.push(...formats.targets);
  }
  console.log(`\nTargets (load average at the end ${load()})\n`);
  console.log(
    formatTable(
      ['target', 'measured', 'met'],
      targets.map((t) => [t.target, t.measured, metText(t.met)]),
    ),
  );
  if (targets.some((t) => !t.met)) process.exitCode = 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
