// The upload scenarios of `npm run bench`: N results, each referencing its own existing test case, uploaded by
// the real CLI (`testsigma-tm upload`, a child process of its own, peak RSS its own) against the emulator
// (in this process, on 127.0.0.1 port 0) with its rate limit at 10 requests/s and 20 ms latency on every answer.
// Requests are counted from the emulator's request log and compared with the minimum the API allows; the time
// from the first request to the last answer is compared with the ideal, requests ÷ rate.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from 'testsigma-tm-emulator';
import { metText } from './parse.mjs';
import { runMeasured } from './usage.mjs';

const CLI = fileURLToPath(new URL('../../packages/cli/bin/testsigma-tm.js', import.meta.url));
const PREFIX = 'BENCH';
const UPLOAD_RATE = 10;
const LATENCY_MS = 20;
/** The API's limits on one result write: entries and bytes of the JSON body. */
const MAX_ENTRIES = 100;
const MAX_BYTES = 4 * 1024 * 1024;
/** Lists are read 100 to a page (the largest page the API serves). */
const PAGE = 100;
const TARGET_RATIO = 1.05;
/** Requests made may exceed the minimum by this much (a retry or two), never more. */
const REQUESTS_RATIO = 1.02;
/** The scenario the time target applies to. */
const TIMED_RESULTS = 10_000;

/** One result per case: 1 in 17 failing with a message and a short stack, 1 in 23 skipped, the rest passed. */
async function writeResults(file, count) {
  const lines = [`<?xml version="1.0" encoding="UTF-8"?>`, `<testsuites>`, `<testsuite name="bench" tests="${count}">`];
  for (let i = 1; i <= count; i++) {
    const body =
      i % 17 === 0
        ? `<failure message="expected 1 to be 2">AssertionError: expected 1 to be 2\n    at spec.ts:10:5\n    at run (runner.js:1:1)</failure>`
        : i % 23 === 0
          ? '<skipped/>'
          : '';
    lines.push(`<testcase classname="suite${i % 50}" name="${PREFIX}-${i} behaves ${i}" time="0.0${i % 10}">${body}</testcase>`);
  }
  lines.push('</testsuite>', '</testsuites>');
  await writeFile(file, lines.join('\n'));
}

/**
 * The fewest requests the API allows for this upload: the project (1), run statuses (1), users (1, one bare
 * array), the project's test cases (ceil(cases / 100) pages, or one request per case when that is fewer: a
 * human id in a name needs the case's UUID), run create (1), result writes (the most of ceil(entries / 100) and
 * ceil(body bytes / 4 MiB)), the run read back when verify is on (ceil(entries / 100) pages), close (1).
 */
function minimumRequests({ cases, entries, bodyBytes, verify }) {
  const writes = Math.max(Math.ceil(entries / MAX_ENTRIES), Math.ceil(bodyBytes / MAX_BYTES));
  const parts = {
    project: 1,
    statuses: 1,
    users: 1,
    'case pages': Math.min(Math.ceil(cases / PAGE), entries),
    create: 1,
    writes,
    'read back': verify ? Math.ceil(entries / PAGE) : 0,
    close: 1,
  };
  return { total: Object.values(parts).reduce((a, b) => a + b, 0), parts };
}

/** The JSON body bytes of every entry the run holds, as the write request carries them: what the byte limit counts. */
function recordedBytes(run) {
  let bytes = 0;
  for (const [caseId, r] of Object.entries(run.results)) {
    bytes +=
      Buffer.byteLength(JSON.stringify({ test_case_id: caseId, test_run_status_id: r.status_id, user_id: r.user_id, description: r.description }), 'utf8') + 1;
  }
  return bytes;
}

/**
 * @param {string} dir  where the result files are written
 * @param {number} results  how many results (and test cases)
 * @param {{ cli?: string, nodeFlags?: string[] }} [options]  `cli`: another build's bin to run (a comparison with
 *   main's CLI); `nodeFlags`: Node's flags for the CLI's process (`--cpu-prof` for a timeline of its own work)
 */
export async function runUploadScenario(dir, results, { cli: bin = CLI, nodeFlags = [] } = {}) {
  const file = join(dir, `upload-${results}.xml`);
  await writeResults(file, results);
  const seed = { projects: [{ name: 'Bench', human_id_prefix: PREFIX, test_cases: Array.from({ length: results }, (_, i) => ({ title: `Case ${i + 1}` })) }] };
  const emulator = await startEmulator({ port: 0, seed, rateLimit: { perSecond: UPLOAD_RATE }, faults: [{ kind: 'latency', ms: LATENCY_MS }] });
  try {
    const projectId = emulator.state().projects[0].id;
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      LANG: 'C.UTF-8',
      TESTSIGMA_API_TOKEN: emulator.token,
    };
    const args = [
      'upload',
      file,
      '--base-url',
      emulator.url,
      '--project',
      projectId,
      '--run-title',
      `bench ${results}`,
      '--spool',
      join(dir, `spool-${results}.json`),
    ];
    const cli = await runMeasured([...nodeFlags, bin, ...args], { env });
    const state = emulator.state();
    const run = state.test_runs.find((r) => r.title === `bench ${results}`);
    const recorded = run ? Object.keys(run.results).length : 0;
    const requests = state.requests;
    const rateLimited = requests.filter((r) => r.status === 500 && r.faults.length === 0).length;
    const firstStart = Math.min(...requests.map((r) => r.time));
    const lastEnd = Math.max(...requests.map((r) => r.time + r.duration_ms));
    const minimum = minimumRequests({ cases: results, entries: recorded, bodyBytes: run ? recordedBytes(run) : 0, verify: true });
    return {
      results,
      exitCode: cli.code,
      output: cli.code === 0 ? '' : cli.output.slice(-2000),
      recorded,
      closed: run?.status === 'CLOSED',
      requests: requests.length,
      counts: state.counts,
      minimum,
      rateLimited,
      requestMs: lastEnd - firstStart,
      answerMs: percentiles(requests.map((r) => r.duration_ms)),
      phases: phasesOf(requests),
      // The request log as a timeline (ms from the first request): where a window stays empty.
      timeline: requests.map((r) => ({ at: r.time - firstStart, ms: r.duration_ms, route: r.route, status: r.status })),
      processMs: cli.ms,
      cpuMs: cli.cpuMs,
      maxRssBytes: cli.maxRssBytes,
    };
  } finally {
    await emulator.close();
    await rm(file, { force: true });
  }
}

/** The request log's routes as the phases of an upload, in the order they run. */
const PHASES = [
  ['lookups', ['GET /projects/{pid}', 'GET /test_runs/statuses', 'GET /users']],
  ['case listing', ['GET /projects/{pid}/test_cases']],
  ['run create', ['POST /projects/{pid}/test_runs']],
  ['writes', ['PUT /projects/{pid}/test_runs/{rid}/test_cases']],
  ['read-back', ['GET /projects/{pid}/test_runs/{rid}/test_cases']],
  ['close', ['PUT /projects/{pid}/test_runs/{rid}']],
];

/**
 * Where the time from the first request to the last answer went: each phase's span (its first request to its
 * last answer) against its requests ÷ the rate, with its median answer time (the pacer holds a slot until one
 * window after the answer, so a window of the phase takes about a second plus that), and the pause before it (the previous phase's last answer to its
 * first request: the client's own work, such as reading and mapping the results between the listing and the create).
 */
function phasesOf(requests) {
  const out = [];
  let previousEnd;
  for (const [name, routes] of PHASES) {
    const mine = requests.filter((r) => routes.includes(r.route));
    if (mine.length === 0) continue;
    const start = Math.min(...mine.map((r) => r.time));
    const end = Math.max(...mine.map((r) => r.time + r.duration_ms));
    const answerMs = percentiles(mine.map((r) => r.duration_ms)).p50;
    out.push({ name, requests: mine.length, spanMs: end - start, pauseMs: previousEnd === undefined ? 0 : start - previousEnd, answerMs });
    previousEnd = end;
  }
  return out;
}

/** The median and 95th percentile of the emulator's answer times: a slow server shows here, not as the client's pace. */
function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p95: at(0.95) };
}

export const UPLOAD_HEADER = ['scenario', 'measure', 'measured', 'target', 'met'];

/**
 * The table rows of every scenario (requests vs minimum, time vs ideal, rate-limit answers, the process), and the
 * targets: every upload within 1.02× the minimum number of requests with no rate-limit answer, 10k within 1.05× the ideal.
 */
export function uploadTable(scenarios) {
  const rows = [];
  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
  const s2 = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const results = (m) => m.results.toLocaleString('en');
  const failed = scenarios.filter((m) => m.exitCode !== 0 || m.recorded !== m.results);
  const done = scenarios.filter((m) => !failed.includes(m));
  for (const m of scenarios) {
    const label = `upload ${results(m)} results (${results(m)} cases)`;
    if (failed.includes(m)) {
      rows.push([label, 'the upload', `fails: exit ${m.exitCode}, ${m.recorded} of ${m.results} recorded`, 'every result recorded, exit 0', metText(false)]);
      continue;
    }
    const idealMs = (m.requests / UPLOAD_RATE) * 1000;
    const minimumIdealMs = (m.minimum.total / UPLOAD_RATE) * 1000;
    const ratio = m.requestMs / idealMs;
    const timed = m.results === TIMED_RESULTS;
    const extra = Object.entries(m.counts)
      .filter(([route, n]) => n > (expectedCounts(m.minimum.parts)[route] ?? 0))
      .map(([route, n]) => `${n}× ${route}`);
    rows.push(
      [
        label,
        'requests made vs the minimum',
        `${m.requests} vs ${m.minimum.total}: ${(m.requests / m.minimum.total).toFixed(2)}×${extra.length ? ` (more than needed: ${extra.join(', ')})` : ''}`,
        `≤ ${REQUESTS_RATIO.toFixed(2)}×`,
        metText(m.requests <= m.minimum.total * REQUESTS_RATIO),
      ],
      [
        label,
        `time, first request to last answer, vs ideal = requests ÷ ${UPLOAD_RATE}/s`,
        `${s(m.requestMs)} vs ${s(idealMs)}: ${ratio.toFixed(2)}× (${(m.requestMs / minimumIdealMs).toFixed(2)}× the minimum's ${s(minimumIdealMs)})`,
        timed ? `≤ ${TARGET_RATIO.toFixed(2)}×` : '-',
        timed ? metText(ratio <= TARGET_RATIO) : '-',
      ],
      [
        label,
        `the emulator's answer times (${LATENCY_MS} ms of latency injected)`,
        `median ${m.answerMs.p50} ms, 95th percentile ${m.answerMs.p95} ms`,
        '-',
        '-',
      ],
      [
        label,
        'phases: span (requests ÷ rate; median answer time), pause before',
        m.phases
          .map(
            (p) =>
              `${p.name} ${s2(p.spanMs)} (${s2((p.requests / UPLOAD_RATE) * 1000)}; answers ${p.answerMs} ms)${p.pauseMs > 0 ? `, after ${s2(p.pauseMs)}` : ''}`,
          )
          .join('; '),
        '-',
        '-',
      ],
      [label, 'rate-limit answers', String(m.rateLimited), '0', metText(m.rateLimited === 0)],
      [
        label,
        'the CLI process: wall time, CPU time, peak RSS',
        `${s(m.processMs)}, ${s(m.cpuMs)} CPU, ${Math.round(m.maxRssBytes / 1024 / 1024)} MB`,
        '-',
        '-',
      ],
    );
  }
  const targets = [];
  const timed = scenarios.find((m) => m.results === TIMED_RESULTS);
  if (timed) {
    const ratio = timed.requestMs / ((timed.requests / UPLOAD_RATE) * 1000);
    targets.push({
      target: `upload of ${results(timed)} results within ${TARGET_RATIO.toFixed(2)}× the ideal (requests ÷ ${UPLOAD_RATE}/s)`,
      measured: failed.includes(timed) ? 'fails' : `${ratio.toFixed(2)}× (${s(timed.requestMs)} for ${timed.requests} requests)`,
      met: !failed.includes(timed) && ratio <= TARGET_RATIO,
    });
  }
  const sizes = scenarios.map(results).join(', ');
  targets.push(
    {
      target: `uploads of ${sizes} results: no rate-limit answer`,
      measured: done.map((m) => `${results(m)}: ${m.rateLimited}`).join(', ') + (failed.length ? `; ${failed.map(results).join(', ')} failed` : ''),
      met: failed.length === 0 && done.every((m) => m.rateLimited === 0),
    },
    {
      target: `uploads of ${sizes} results: requests ≤ ${REQUESTS_RATIO.toFixed(2)}× the minimum`,
      measured:
        done.map((m) => `${results(m)}: ${m.requests} of ${m.minimum.total}`).join(', ') + (failed.length ? `; ${failed.map(results).join(', ')} failed` : ''),
      met: failed.length === 0 && done.every((m) => m.requests <= m.minimum.total * REQUESTS_RATIO),
    },
  );
  return { rows, targets };
}

/** The emulator's request-log routes of each part of the minimum, to name any request beyond it. */
function expectedCounts(parts) {
  return {
    'GET /projects/{pid}': parts.project,
    'GET /test_runs/statuses': parts.statuses,
    'GET /users': parts.users,
    'GET /projects/{pid}/test_cases': parts['case pages'],
    'POST /projects/{pid}/test_runs': parts.create,
    'PUT /projects/{pid}/test_runs/{rid}/test_cases': parts.writes,
    'GET /projects/{pid}/test_runs/{rid}/test_cases': parts['read back'],
    'PUT /projects/{pid}/test_runs/{rid}': parts.close,
  };
}
