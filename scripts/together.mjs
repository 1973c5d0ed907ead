// `node scripts/together.mjs <npm script>... [--live <npm script>]`: runs the package.json scripts named at the
// same time, each output held back and printed whole when it ends (so lines never interleave), then exits 1 if any
// failed, naming it. The one named after `--live` (the tests) writes straight to this terminal as it goes; the
// others' outputs wait until it ends, so that they never cut into its lines or its redrawn summary.
// Why: `npm test` runs the typecheck, eslint, prettier and knip besides vitest; one after another they took about
// 65 s of CPU on one core while the other idled. They read the sources and write nothing, so they can run at once,
// and at once with vitest too: its end-to-end files mostly wait on their child processes, leaving a core free.
import { spawn } from 'node:child_process';

const args = process.argv.slice(2);
const liveAt = args.indexOf('--live');
const live = liveAt === -1 ? undefined : args[liveAt + 1];
const names = liveAt === -1 ? args : args.filter((_, i) => i !== liveAt && i !== liveAt + 1);
if ((liveAt !== -1 && (live === undefined || live.startsWith('--'))) || names.length + (live ? 1 : 0) === 0) {
  console.error('together: name the package.json scripts to run at once, e.g. node scripts/together.mjs typecheck lint --live test:vitest');
  process.exit(2);
}

function run(name, { held }) {
  const started = Date.now();
  return new Promise((resolve) => {
    // Colours as the tools would show them on this terminal, though their output goes through a pipe.
    const env = held && process.stdout.isTTY && process.env.FORCE_COLOR === undefined ? { ...process.env, FORCE_COLOR: '1' } : process.env;
    const child = spawn('npm', ['run', '--silent', name], { stdio: ['ignore', held ? 'pipe' : 'inherit', held ? 'pipe' : 'inherit'], env });
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (text) => (output += text));
    child.stderr?.setEncoding('utf8').on('data', (text) => (output += text));
    child.on('error', (error) => resolve({ name, code: 1, output: `${output}${error.message}\n`, seconds: 0 }));
    child.on('close', (code, signal) => resolve({ name, code: code ?? signal, output, seconds: Math.round((Date.now() - started) / 1000) }));
  });
}

const verdict = (result) => (result.code === 0 ? 'passed' : `FAILED (exit ${result.code})`);
const show = (result) => process.stdout.write(`\n> npm run ${result.name}: ${verdict(result)} after ${result.seconds} s\n${result.output}`);

const liveResult = live ? run(live, { held: false }) : Promise.resolve(undefined);
// Without a live script each output is shown as soon as its script ends; with one, after it.
const heldResults = names.map((name) => run(name, { held: true }).then((result) => (live ? result : (show(result), result))));
const ended = await liveResult;
const results = await Promise.all(heldResults);
if (ended) {
  for (const result of results) show(result);
  process.stdout.write(`\n> npm run ${ended.name}: ${verdict(ended)} after ${ended.seconds} s\n`);
}
const failed = [...results, ...(ended ? [ended] : [])].filter((result) => result.code !== 0).map((result) => result.name);
if (failed.length > 0) {
  console.error(`\ntogether: ${failed.join(', ')} failed (see its output above); fix it and run npm run ${failed[0]} again.`);
  process.exit(1);
}
