// The `formats` group of `npm run bench`: one large generated input per format read in pieces (TRX, NUnit 3,
// xUnit.net, TestNG, Robot Framework, go test -json, Mocha JSON, RSpec JSON, Jest's aggregated JSON, an Allure
// results directory), each read by our reader alone in a child process of its own (scripts/bench/parse-child.mjs
// `stream`), so that its peak RSS is the reader's. For the JSON documents, readFile + JSON.parse beside it: what
// a reader that holds the document pays. The target: memory that does not grow with the input.
import { execFile } from 'node:child_process';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  generateAllureDirectory,
  generateGoJson,
  generateJestAggregated,
  generateMochaJson,
  generateNunit3,
  generateRobot,
  generateRspecJson,
  generateTestng,
  generateTrx,
  generateXunit,
} from './generate-formats.mjs';

const CHILD = fileURLToPath(new URL('./parse-child.mjs', import.meta.url));
const MB = 1024 * 1024;
/** Peak RSS a reader may reach on any input: Node itself takes about 50 MB; the rest is pieces, one test, results. */
const RSS_TARGET_MB = 200;

const FORMATS = [
  { id: 'trx', label: '.NET TRX', name: 'results.trx', generate: generateTrx },
  { id: 'nunit3', label: 'NUnit 3 XML', name: 'nunit3.xml', generate: generateNunit3 },
  { id: 'xunit', label: 'xUnit.net v2 XML', name: 'xunit.xml', generate: generateXunit },
  { id: 'testng', label: 'TestNG XML', name: 'testng-results.xml', generate: generateTestng },
  { id: 'robot', label: 'Robot Framework output.xml', name: 'output.xml', generate: generateRobot },
  { id: 'go', label: 'go test -json', name: 'go-test.json', generate: generateGoJson },
  { id: 'mocha', label: 'Mocha JSON', name: 'mocha.json', generate: generateMochaJson, json: true },
  { id: 'rspec', label: 'RSpec JSON', name: 'rspec.json', generate: generateRspecJson, json: true },
  { id: 'jest', label: 'Jest aggregated JSON', name: 'jest-aggregated.json', generate: generateJestAggregated, json: true },
  { id: 'allure', label: 'Allure results directory', name: 'allure-results', generate: generateAllureDirectory, directory: true },
];

export const FORMATS_HEADER = ['input', 'reader', 'wall', 'CPU', 'MB/s (CPU)', 'peak RSS', 'results', 'target', 'met'];

function runChild(reader, file) {
  return new Promise((resolve) => {
    execFile(process.execPath, [CHILD, reader, file], { maxBuffer: 1024 * 1024, timeout: 30 * 60 * 1000 }, (error, stdout, stderr) => {
      if (error) resolve({ failed: (stderr.split('\n').find((line) => /Error|FATAL|heap/.test(line)) ?? error.message).trim() });
      else resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
  });
}

async function sizeOf(path, directory) {
  if (!directory) return (await stat(path)).size;
  let total = 0;
  for (const name of await readdir(path)) total += (await stat(join(path, name))).size;
  return total;
}

/**
 * @param {string} dir  where the inputs are generated (each removed once measured)
 * @param {{ quick: boolean, metText: (met: boolean) => string, only?: string[] }} options  quick: 50 MB inputs
 *   instead of 200 MB; only: these formats' ids (trx, nunit3, xunit, testng, robot, go, mocha, rspec, jest, allure)
 */
export async function runFormatScenarios(dir, { quick, metText, only }) {
  const sizeMb = quick ? 50 : 200;
  const rows = [];
  const targets = [];
  for (const format of FORMATS.filter((f) => only === undefined || only.includes(f.id))) {
    const path = join(dir, format.name);
    const { tests } = await format.generate(path, sizeMb * MB);
    const bytes = await sizeOf(path, format.directory);
    const input = `${format.label} ${Math.round(bytes / MB)} MB${format.directory ? ` in ${(await readdir(path)).length.toLocaleString('en')} files` : ''} (${tests.toLocaleString('en')} tests)`;
    for (const reader of format.json ? ['json-parse', 'stream'] : ['stream']) {
      const m = await runChild(reader, path);
      process.stderr.write(`  ${input}, ${reader}: ${JSON.stringify(m)}\n`);
      const label = reader === 'stream' ? 'ours, the reader alone (results counted, not kept)' : 'JSON.parse alone (readFile + JSON.parse, no conversion)';
      if (m.failed) {
        rows.push([
          input,
          label,
          '-',
          '-',
          '-',
          `fails: ${m.failed}`,
          '-',
          reader === 'stream' ? `≤ ${RSS_TARGET_MB} MB RSS` : '-',
          reader === 'stream' ? metText(false) : '-',
        ]);
        if (reader === 'stream') targets.push({ target: `${format.label}: peak RSS ≤ ${RSS_TARGET_MB} MB`, measured: `fails: ${m.failed}`, met: false });
        continue;
      }
      const rssMb = Math.round(m.maxRssBytes / MB);
      const met = rssMb <= RSS_TARGET_MB;
      rows.push([
        input,
        label,
        `${(m.ms / 1000).toFixed(1)} s`,
        `${(m.cpuMs / 1000).toFixed(1)} s`,
        `${(bytes / MB / (m.cpuMs / 1000)).toFixed(1)} MB/s`,
        `${rssMb} MB`,
        reader === 'stream' ? m.results.toLocaleString('en') : '-',
        reader === 'stream' ? `≤ ${RSS_TARGET_MB} MB RSS` : '-',
        reader === 'stream' ? metText(met) : '-',
      ]);
      if (reader === 'stream')
        targets.push({ target: `${format.label} ${Math.round(bytes / MB)} MB: peak RSS ≤ ${RSS_TARGET_MB} MB`, measured: `${rssMb} MB`, met });
    }
    await rm(path, { recursive: true, force: true });
  }
  return { rows, targets };
}
