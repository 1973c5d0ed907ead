// `npm run demo`: start the emulator, upload the sample results in examples/results with the real CLI,
// and show what the emulator recorded. `npm run demo -- --keep` leaves the emulator running to explore.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from 'testsigma-tm-emulator';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const samples = join(root, 'examples', 'results');
const files = readdirSync(samples).filter((f) => f.endsWith('.xml')).map((f) => relative(root, join(samples, f)));

const emulator = await startEmulator({ port: keep ? 4010 : 0, seed: 'demo' });
console.log(`Emulator of the Test Management API at ${emulator.url} (project "Demo", cases DEMO-1..DEMO-50)\n`);
console.log(`$ TESTSIGMA_API_TOKEN=*** testsigma-tm upload --project Demo --base-url ${emulator.url} ${files.join(' ')}\n`);

// Asynchronous on purpose: the emulator answers from this very process.
const cli = spawn(process.execPath, [join(root, 'packages/core/bin/testsigma-tm.js'), 'upload', '--project', 'Demo', '--base-url', emulator.url, ...files], {
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
  console.log(`  ${testCase.human_id.padEnd(8)} ${result.status.padEnd(8)} ${testCase.title.slice(0, 40).padEnd(40)}  ← ${firstLine.replace(/^Test( \d+ of \d+)?: /, '')}`);
}
const requests = Object.entries(state.counts).map(([route, n]) => `${n}× ${route}`);
console.log(`\n${state.requests.length} requests: ${requests.join(', ')}`);

if (keep) {
  console.log(`\nThe emulator keeps running at ${emulator.url} (token ${emulator.token}); state at ${emulator.origin}/__emulator/state. Ctrl+C to stop.`);
} else {
  await emulator.close();
  process.exitCode = exitCode ?? 1;
}
