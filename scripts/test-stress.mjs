// `npm run test:stress [-- --runs N] [-- vitest arguments]`: runs the suite N times (default 3) while a busy child
// process keeps one core at 100 %, then lists every test that failed at least once, with its file and how many
// runs it failed. A test that passes alone but fails under load depends on timing: give it an injected clock or
// make it wait for an event instead of a window of time. Exits 1 when any test failed in any run.
// Builds the packages once first (the tests load packages/*/dist), unless given --no-build.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
let runs = 3;
const runsAt = args.indexOf('--runs');
if (runsAt !== -1) {
  runs = Number(args[runsAt + 1]);
  args.splice(runsAt, 2);
}
// --no-build: the packages were just built (npm run build:packages); skip building them again.
const noBuildAt = args.indexOf('--no-build');
if (noBuildAt !== -1) args.splice(noBuildAt, 1);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`test:stress: --runs must be a whole number of at least 1, got "${process.argv.slice(2).join(' ')}". Example: npm run test:stress -- --runs 5`);
  process.exit(2);
}

const build = noBuildAt === -1 ? spawnSync('npm', ['run', 'build:packages'], { cwd: ROOT, stdio: 'inherit' }) : { status: 0 };
if (build.status !== 0) {
  console.error(`test:stress: npm run build:packages exited with ${build.status ?? build.signal}; fix the build first.`);
  process.exit(1);
}

// The competing load: one process spinning on one core for the whole stress run.
const busy = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
const stopBusy = () => busy.exitCode === null && busy.kill('SIGKILL');
process.on('exit', stopBusy);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

const work = mkdtempSync(join(tmpdir(), 'tstm-stress-'));
/** `file › test name` → the runs (1-based) it failed in. */
const failures = new Map();
const wallTimes = [];

function vitest(outputFile) {
  const vitestBin = join(ROOT, 'node_modules/vitest/vitest.mjs');
  return new Promise((done) => {
    const child = spawn(process.execPath, [vitestBin, 'run', '--reporter=dot', '--reporter=json', `--outputFile.json=${outputFile}`, ...args], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    child.on('close', (code, signal) => done(code ?? signal));
  });
}

for (let run = 1; run <= runs; run++) {
  console.log(`\ntest:stress: run ${run} of ${runs}, with one core kept busy by process ${busy.pid}`);
  const outputFile = join(work, `run-${run}.json`);
  const started = Date.now();
  const exit = await vitest(outputFile);
  wallTimes.push((Date.now() - started) / 1000);
  let report;
  try {
    report = JSON.parse(readFileSync(outputFile, 'utf8'));
  } catch (error) {
    failures.set(`(run ${run}) vitest wrote no report`, [run]);
    console.error(`test:stress: run ${run}: vitest exited with ${exit} and wrote no JSON report (${error.message}).`);
    continue;
  }
  for (const file of report.testResults ?? []) {
    const name = relative(ROOT, file.name);
    const failed = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    // A file that failed outside any test (an import error, a failing hook) has no failed test to name.
    const keys = failed.length > 0 ? failed.map((test) => `${name} › ${test.fullName}`) : file.status === 'failed' ? [`${name} › (the file itself)`] : [];
    for (const key of keys) failures.set(key, [...(failures.get(key) ?? []), run]);
  }
}
stopBusy();
rmSync(work, { recursive: true, force: true });

console.log(`\ntest:stress: ${runs} run(s) under a competing CPU load took ${wallTimes.map((s) => `${s.toFixed(0)} s`).join(', ')}.`);
if (failures.size === 0) {
  console.log('test:stress: every test passed in every run.');
  process.exit(0);
}
console.log(`test:stress: ${failures.size} test(s) failed at least once; each depends on timing or on another test until shown otherwise:`);
for (const [key, failedRuns] of [...failures].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(`  failed ${failedRuns.length} of ${runs} (run ${failedRuns.join(', ')}): ${key}`);
}
process.exit(1);
