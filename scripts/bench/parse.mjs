// The parse scenarios of `npm run bench`: each reader reads the same generated file in a child process of its
// own, so that the peak RSS measured is the reader's alone. One table, ratios against xml2js.
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateJUnit, generatePlaywrightJson, generateSuiteProperties } from './generate.mjs';

const CHILD = fileURLToPath(new URL('./parse-child.mjs', import.meta.url));
const MB = 1024 * 1024;
/** Time linear in size: the CPU time per MB at 1 GB may exceed that at 100 MB by this factor at most (noise). */
const LINEAR_SLACK = 1.1;

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

const REPEATS_AT_30_MB = 3;

/** Each measure's median over the runs (a failed run fails them all). */
function medianRun(runs) {
  const failed = runs.find((run) => run.failed);
  if (failed) return failed;
  const median = (key) => runs.map((run) => run[key]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  return { ...runs[0], ms: median('ms'), cpuMs: median('cpuMs'), maxRssBytes: median('maxRssBytes') };
}

const mbps = (bytes, ms) => bytes / MB / (ms / 1000);
/** Wall time, CPU time (user + system: what the reader costs, whatever else the shared machine runs), MB/s of CPU time. */
const times = (bytes, m) => [`${(m.ms / 1000).toFixed(1)} s`, `${(m.cpuMs / 1000).toFixed(1)} s`, `${mbps(bytes, m.cpuMs).toFixed(1)} MB/s`];
const fmtRss = (bytes) => `${Math.round(bytes / MB)} MB`;

/**
 * @param {string} dir   where the inputs are generated
 * @param {{ quick: boolean }} options  quick: skip the 1 GB file
 * @returns {Promise<{ rows: string[][], targets: { target: string, measured: string, met: boolean }[] }>} table rows, and
 *   each target with what was measured against it
 */
export async function runParseScenarios(dir, { quick }) {
  const junitSizes = quick ? [30, 100] : [30, 100, 1024];
  const rows = [];
  /** @type {{ target: string, measured: string, met: boolean }[]} */
  const targets = [];
  /** The reader's CPU seconds per 100 MB at each size: time linear in size means this does not grow. */
  const cpuPerMb = [];
  for (const size of junitSizes) {
    const file = join(dir, `junit-${size}mb.xml`);
    const { tests } = await generateJUnit(file, size * MB);
    const { size: bytes } = await stat(file);
    const readers = ['xml2js', 'pipeline', 'stream'];
    // At 30 MB a run takes about a second, and starting the process weighs in: the target's ratios come from the
    // median of REPEATS_AT_30_MB runs of each reader (taken in turn), not from one run the machine's load may tip.
    const repeats = size === 30 ? REPEATS_AT_30_MB : 1;
    const runs = Object.fromEntries(readers.map((reader) => [reader, []]));
    for (let round = 0; round < repeats; round++) {
      for (const reader of readers) {
        const run = await runChild(reader, file);
        runs[reader].push(run);
        process.stderr.write(`  ${size} MB JUnit, ${reader}${repeats > 1 ? ` (run ${round + 1} of ${repeats})` : ''}: ${JSON.stringify(run)}\n`);
      }
    }
    const measured = Object.fromEntries(readers.map((reader) => [reader, medianRun(runs[reader])]));
    const base = measured.xml2js;
    for (const reader of readers) {
      const m = measured[reader];
      const label = {
        xml2js: 'xml2js (readFile + parseStringPromise)',
        pipeline: "ours, the CLI's pipeline (read while mapped and tallied)",
        stream: 'ours, the reader alone (results counted, not kept)',
      }[reader];
      if (m.failed) {
        const missed = reader !== 'xml2js' && (size === 30 || size >= 1024);
        if (missed) targets.push({ target: `JUnit ${size} MB: ${label}`, measured: `fails: ${m.failed}`, met: false });
        rows.push([
          `JUnit ${size} MB (${tests.toLocaleString('en')} tests)`,
          label,
          '-',
          '-',
          '-',
          `fails: ${m.failed}`,
          '-',
          '-',
          missed ? 'runs' : '-',
          missed ? metText(false) : '-',
        ]);
        continue;
      }
      const ratio = reader === 'xml2js' || base.failed ? '-' : `${(base.cpuMs / m.cpuMs).toFixed(1)}× (wall ${(base.ms / m.ms).toFixed(1)}×)`;
      const rssRatio = reader === 'xml2js' || base.failed ? '-' : `${(m.maxRssBytes / base.maxRssBytes).toFixed(2)}×`;
      const target = junitTarget(size, reader, m, base);
      if (target) targets.push({ target: `${target.name}: ${label}`, measured: target.measured, met: target.met });
      rows.push([
        `JUnit ${size} MB (${tests.toLocaleString('en')} tests)`,
        label,
        ...times(bytes, m),
        fmtRss(m.maxRssBytes),
        ratio,
        rssRatio,
        target?.text ?? '-',
        target ? metText(target.met) : '-',
      ]);
      if (reader === 'stream') cpuPerMb.push({ size, secondsPer100Mb: m.cpuMs / 1000 / (bytes / MB / 100) });
    }
  }
  const largest = cpuPerMb.at(-1);
  const reference = cpuPerMb.find((c) => c.size === 100);
  if (largest && reference && largest !== reference) {
    const growth = largest.secondsPer100Mb / reference.secondsPer100Mb;
    targets.push({
      target: `JUnit ${largest.size} MB: time linear in size (CPU s per 100 MB at ${largest.size} MB ≤ ${LINEAR_SLACK}× that at 100 MB)`,
      measured: cpuPerMb.map((c) => `${c.size} MB: ${c.secondsPer100Mb.toFixed(2)} s`).join(', ') + ` (${growth.toFixed(2)}×)`,
      met: growth <= LINEAR_SLACK,
    });
  }
  const propertiesFile = join(dir, 'junit-suite-properties.xml');
  const generated = await generateSuiteProperties(propertiesFile);
  const propertiesBytes = (await stat(propertiesFile)).size;
  const propertiesLabel = `JUnit ${(propertiesBytes / MB).toFixed(1)} MB, 200 suite properties × ${generated.tests.toLocaleString('en')} tests`;
  const propertiesBase = await runChild('xml2js', propertiesFile);
  for (const reader of ['xml2js', 'pipeline']) {
    const m = reader === 'xml2js' ? propertiesBase : await runChild(reader, propertiesFile);
    const label = reader === 'xml2js' ? 'xml2js (readFile + parseStringPromise)' : "ours, the CLI's pipeline (read while mapped and tallied)";
    if (m.failed) {
      rows.push([propertiesLabel, label, '-', '-', '-', `fails: ${m.failed}`, '-', '-', '-', '-']);
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
      '-',
      '-',
    ]);
  }
  const pw = join(dir, 'playwright-50mb.json');
  const { tests } = await generatePlaywrightJson(pw, 50 * MB);
  const { size: bytes } = await stat(pw);
  const base = await runChild('json-parse', pw);
  for (const reader of ['json-parse', 'pipeline']) {
    const m = reader === 'json-parse' ? base : await runChild(reader, pw);
    const label =
      reader === 'json-parse' ? 'JSON.parse alone (readFile + JSON.parse, no conversion)' : "ours, the CLI's pipeline (read while mapped and tallied)";
    if (m.failed) {
      rows.push([`Playwright JSON 50 MB (${tests.toLocaleString('en')} tests)`, label, '-', '-', '-', `fails: ${m.failed}`, '-', '-', '-', '-']);
      continue;
    }
    rows.push([
      `Playwright JSON 50 MB (${tests.toLocaleString('en')} tests)`,
      label,
      ...times(bytes, m),
      fmtRss(m.maxRssBytes),
      reader === 'json-parse' ? '-' : `${(base.cpuMs / m.cpuMs).toFixed(2)}× (wall ${(base.ms / m.ms).toFixed(2)}×)`,
      reader === 'json-parse' ? '-' : `${(m.maxRssBytes / base.maxRssBytes).toFixed(2)}×`,
      '-',
      '-',
    ]);
  }
  return { rows, targets };
}

/** A Markdown table, so the output can be pasted into BENCHMARKS.md as it is. */
export function formatTable(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  const line = (r) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

export const PARSE_HEADER = [
  'input',
  'reader',
  'wall',
  'CPU',
  'MB/s (CPU)',
  'peak RSS',
  'speed vs baseline (CPU; wall)',
  'peak RSS vs baseline',
  'target',
  'met',
];

export const metText = (met) => (met ? 'met' : '**not met**');

/**
 * The issue's targets for our JUnit readers. At 30 MB, at least 5× xml2js's throughput (on CPU time, which the
 * other jobs of a shared machine disturb least) with at most ¼ of its peak RSS: a reader's target, measured on
 * the reader (xml2js only parses; the pipeline's row adds mapping every test to a case, and is shown beside it
 * with its ratios). At 1 GB, a peak RSS under 300 MB: for the reader and the CLI's whole pipeline alike.
 */
function junitTarget(size, reader, m, base) {
  if (reader === 'xml2js') return undefined;
  if (size === 30 && reader === 'stream' && !base.failed) {
    const speed = base.cpuMs / m.cpuMs;
    const rss = m.maxRssBytes / base.maxRssBytes;
    return {
      name: 'JUnit 30 MB: ≥ 5× xml2js throughput, ≤ ¼ its peak RSS',
      text: '≥ 5× speed (CPU), ≤ 0.25× RSS',
      measured: `${speed.toFixed(1)}× speed, ${rss.toFixed(2)}× RSS`,
      met: speed >= 5 && rss <= 0.25,
    };
  }
  if (size >= 1024) {
    return { name: 'JUnit 1 GB: peak RSS under 300 MB', text: '< 300 MB', measured: fmtRss(m.maxRssBytes), met: m.maxRssBytes < 300 * MB };
  }
  return undefined;
}
