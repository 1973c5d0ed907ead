// `npm run demo`: start the emulator, upload the sample results in examples/results with the real CLI,
// and show what the emulator recorded, ending with the web-view URL of the run. `npm run demo -- --keep` leaves the
// emulator running (port 4010) to explore, that page included.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from 'testsigma-tm-emulator';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const samples = join(root, 'examples', 'results');
const files = readdirSync(samples)
  .filter((f) => f.endsWith('.xml'))
  .map((f) => relative(root, join(samples, f)));

const emulator = await startEmulator({ port: keep ? 4010 : 0, seed: 'demo' });
console.log(`Emulator of the Test Management API at ${emulator.url} (project "Demo", cases DEMO-1..DEMO-50)\n`);
console.log(`$ TESTSIGMA_API_TOKEN=*** testsigma-tm upload --project Demo --base-url ${emulator.url} ${files.join(' ')}\n`);

// Asynchronous on purpose: the emulator answers from this very process.
const cli = spawn(process.execPath, [join(root, 'packages/cli/bin/testsigma-tm.js'), 'upload', '--project', 'Demo', '--base-url', emulator.url, ...files], {
  cwd: root,
  env: { ...process.env, TESTSIGMA_API_TOKEN: emulator.token },
  stdio: 'inherit',
});
const [exitCode] = await once(cli, 'close');
console.log(`\n(exit code ${exitCode})\n`);

const state = emulator.state();
const run = state.test_runs.at(-1);
const caseById = new Map(state.test_cases.map((c) => [c.id, c]));
console.log(`What the service now holds — test run ${run.human_id} "${run.title}" (${run.status}):\n`);
for (const [caseId, result] of Object.entries(run.results)) {
  const testCase = caseById.get(caseId);
  const firstLine = result.description.split('\n').find((l) => l.startsWith('Test')) ?? '';
  console.log(
    `  ${testCase.human_id.padEnd(8)} ${result.status.padEnd(8)} ${testCase.title.slice(0, 40).padEnd(40)}  ← ${firstLine.replace(/^Test( \d+ of \d+)?: /, '')}`,
  );
}
const requests = Object.entries(state.counts).map(([route, n]) => `${n}× ${route}`);
console.log(`\n${state.requests.length} requests: ${requests.join(', ')}`);

// The emulator's read-only web view shows the run as the service would: cases, results, descriptions.
const webView = `${emulator.origin}/ui/projects/${run.project_id}/test-runs/${run.id}`;
if (keep) {
  console.log(`\nThe emulator keeps running at ${emulator.url} (token ${emulator.token}); state at ${emulator.origin}/__emulator/state. Ctrl+C to stop.`);
  console.log(`\nWeb view of ${run.human_id}: ${webView}`);
} else {
  await emulator.close();
  console.log(`\nWeb view of ${run.human_id}: ${webView}`);
  console.log('(the emulator has stopped with this script: run `npm run demo -- --keep` to keep it running on port 4010 and open that page)');
  process.exitCode = exitCode ?? 1;
}
