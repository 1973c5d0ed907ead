// `node scripts/together.mjs <npm script>...`: runs the package.json scripts named at the same time, each output
// held back and printed whole when it ends (so lines never interleave), then exits 1 if any failed, naming it.
// Why: `npm test` runs the typecheck, eslint, prettier and knip before vitest; one after another they took about
// 65 s of CPU on one core while the other idled. They read the sources and write nothing, so they can run at once.
import { spawn } from 'node:child_process';

const names = process.argv.slice(2);
if (names.length === 0) {
  console.error('together: name the package.json scripts to run at once, e.g. node scripts/together.mjs typecheck lint');
  process.exit(2);
}

function run(name) {
  const started = Date.now();
  return new Promise((resolve) => {
    // Colours as the tools would show them on this terminal, though their output goes through a pipe.
    const env = process.stdout.isTTY && process.env.FORCE_COLOR === undefined ? { ...process.env, FORCE_COLOR: '1' } : process.env;
    const child = spawn('npm', ['run', '--silent', name], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text) => (output += text));
    child.stderr.setEncoding('utf8').on('data', (text) => (output += text));
    child.on('error', (error) => resolve({ name, code: 1, output: `${output}${error.message}\n`, seconds: 0 }));
    child.on('close', (code, signal) => resolve({ name, code: code ?? signal, output, seconds: Math.round((Date.now() - started) / 1000) }));
  });
}

const results = await Promise.all(
  names.map((name) =>
    run(name).then((result) => {
      const verdict = result.code === 0 ? 'passed' : `FAILED (exit ${result.code})`;
      process.stdout.write(`\n> npm run ${name}: ${verdict} after ${result.seconds} s\n${result.output}`);
      return result;
    }),
  ),
);
const failed = results.filter((result) => result.code !== 0).map((result) => result.name);
if (failed.length > 0) {
  console.error(`\ntogether: ${failed.join(', ')} failed (see its output above); fix it and run npm run ${failed[0]} again.`);
  process.exit(1);
}
