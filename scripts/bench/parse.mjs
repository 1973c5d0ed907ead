// The parse scenarios of `npm run bench`: each reader reads the same generated file in a child process of its
// own, so that the peak RSS measured is the reader's alone. One table, ratios against xml2js.
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateJUnit, generatePlaywrightJson, generateSuiteProperties } from './generate.mjs';

const CHILD = fileURLToPath(new URL('./parse-child.mjs', import.meta.url));
const MB = 1024 * 1024;

function runChild(reader, file) {
  return new Promise((resolve) => {
    execFile(process.execPath, [CHILD, reader, file], { maxBuffer: 1024 * 1024, timeout: 30 * 60 * 1000 }, (error, stdout, stderr) => {
      if (error) {
        const reason = /ERR_STRING_TOO_LONG|Cannot create a string longer/.test(stderr)
          ? 'cannot hold the file as one string'
          : /heap out of memory|ERR_FS_FILE_TOO_LARGE/.test(stderr)
            ? (stderr.match(/.*(heap out of memory|ERR_FS_FILE_TOO_LARGE).*/)?.[0] ?? 'out of memory').trim()
            : (stderr.split('\n').find((line) => /Error|FATAL/.test(line)) ?? error.message).trim();
        resolve({ failed: reason });
        return;
      }
      resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
  });
}

const mbps = (bytes, ms) => bytes / MB / (ms / 1000);
/** Wall time, CPU time (user + system: what the reader costs, whatever else the shared machine runs), MB/s of CPU time. */
const times = (bytes, m) => [`${(m.ms / 1000).toFixed(1)} s`, `${(m.cpuMs / 1000).toFixed(1)} s`, `${mbps(bytes, m.cpuMs).toFixed(1)} MB/s`];
const fmtRss = (bytes) => `${Math.round(bytes / MB)} MB`;

/**
 * @param {string} dir   where the inputs are generated
 * @param {{ quick: boolean }} options  quick: skip the 1 GB file
 * @returns {Promise<string[][]>} table rows
 */
export async function runParseScenarios(dir, { quick }) {
  const junitSizes = quick ? [30, 100] : [30, 100, 1024];
  const rows = [];
  for (const size of junitSizes) {
    const file = join(dir, `junit-${size}mb.xml`);
    const { tests } = await generateJUnit(file, size * MB);
    const { size: bytes } = await stat(file);
    // Our reader keeping every result (what the CLI does today) is measured up to 100 MB; at 1 GB that would
    // measure the pipeline's result list, not the reader.
    const readers = size <= 100 ? ['xml2js', 'files', 'stream'] : ['xml2js', 'stream'];
    const measured = {};
    for (const reader of readers) {
      measured[reader] = await runChild(reader, file);
      process.stderr.write(`  ${size} MB JUnit, ${reader}: ${JSON.stringify(measured[reader])}\n`);
    }
    const base = measured.xml2js;
    for (const reader of readers) {
      const m = measured[reader];
      const label = {
        xml2js: 'xml2js (readFile + parseStringPromise)',
        files: 'ours, readResultFiles (results kept)',
        stream: 'ours, readResultFile (results counted, not kept)',
      }[reader];
      if (m.failed) {
        rows.push([`JUnit ${size} MB (${tests.toLocaleString('en')} tests)`, label, '-', '-', '-', `fails: ${m.failed}`, '-', '-']);
        continue;
      }
      const ratio = reader === 'xml2js' || base.failed ? '-' : `${(base.cpuMs / m.cpuMs).toFixed(1)}× (wall ${(base.ms / m.ms).toFixed(1)}×)`;
      const rssRatio = reader === 'xml2js' || base.failed ? '-' : `${(m.maxRssBytes / base.maxRssBytes).toFixed(2)}×`;
      rows.push([`JUnit ${size} MB (${tests.toLocaleString('en')} tests)`, label, ...times(bytes, m), fmtRss(m.maxRssBytes), ratio, rssRatio]);
    }
  }
  const propertiesFile = join(dir, 'junit-suite-properties.xml');
  const generated = await generateSuiteProperties(propertiesFile);
  const propertiesBytes = (await stat(propertiesFile)).size;
  const propertiesLabel = `JUnit ${(propertiesBytes / MB).toFixed(1)} MB, 200 suite properties × ${generated.tests.toLocaleString('en')} tests`;
  const propertiesBase = await runChild('xml2js', propertiesFile);
  for (const reader of ['xml2js', 'files']) {
    const m = reader === 'xml2js' ? propertiesBase : await runChild(reader, propertiesFile);
    const label = reader === 'xml2js' ? 'xml2js (readFile + parseStringPromise)' : 'ours, readResultFiles (results kept)';
    if (m.failed) {
      rows.push([propertiesLabel, label, '-', '-', '-', `fails: ${m.failed}`, '-', '-']);
      continue;
    }
    const versus = reader === 'xml2js' || propertiesBase.failed;
    rows.push([
      propertiesLabel,
      label,
      ...times(propertiesBytes, m),
      fmtRss(m.maxRssBytes),
      versus ? '-' : `${(propertiesBase.cpuMs / m.cpuMs).toFixed(1)}× (wall ${(propertiesBase.ms / m.ms).toFixed(1)}×)`,
      versus ? '-' : `${(m.maxRssBytes / propertiesBase.maxRssBytes).toFixed(2)}×`,
    ]);
  }
  const pw = join(dir, 'playwright-50mb.json');
  const { tests } = await generatePlaywrightJson(pw, 50 * MB);
  const { size: bytes } = await stat(pw);
  const base = await runChild('json-parse', pw);
  for (const reader of ['json-parse', 'files']) {
    const m = reader === 'json-parse' ? base : await runChild(reader, pw);
    const label = reader === 'json-parse' ? 'JSON.parse alone (readFile + JSON.parse, no conversion)' : 'ours, readResultFiles (results kept)';
    if (m.failed) {
      rows.push([`Playwright JSON 50 MB (${tests.toLocaleString('en')} tests)`, label, '-', '-', '-', `fails: ${m.failed}`, '-', '-']);
      continue;
    }
    rows.push([
      `Playwright JSON 50 MB (${tests.toLocaleString('en')} tests)`,
      label,
      ...times(bytes, m),
      fmtRss(m.maxRssBytes),
      reader === 'json-parse' ? '-' : `${(base.cpuMs / m.cpuMs).toFixed(2)}× (wall ${(base.ms / m.ms).toFixed(2)}×)`,
      reader === 'json-parse' ? '-' : `${(m.maxRssBytes / base.maxRssBytes).toFixed(2)}×`,
    ]);
  }
  return rows;
}

/** A Markdown table, so the output can be pasted into BENCHMARKS.md as it is. */
export function formatTable(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  const line = (r) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

export const PARSE_HEADER = ['input', 'reader', 'wall', 'CPU', 'MB/s (CPU)', 'peak RSS', 'speed vs baseline (CPU; wall)', 'peak RSS vs baseline'];
