// The 10,000-result upload of `npm run bench` (scripts/bench/upload.mjs) as a request timeline, this tree's CLI
// (A) against another build's (B), in turn: where a window of the rate limit stays empty.
//
// Usage: node scripts/bench/upload-timeline.mjs [--base <bin.mjs of another build>] [--runs A,B,A,B] [--out <prefix>]
//   B's bin imports that build's `cli-bundle/index.js` and calls its `main`, as packages/cli/bin does.
//   --out writes each run's request log (ms from the first request) as <prefix>-<i>-<A|B>.json.
//
// Per run: the time from the first request to the last answer against the ideal (requests ÷ 10/s), and the slot
// time of the 10 a second spent outside requests' own second: idle (no request of ours holds the slot) and
// answers (a slot is held from a request's start until one second after its answer: the answer time, once a
// window). Both are given per phase (idle is counted for the phase of the next request to start), in seconds of
// the whole window (slot time ÷ 10). G is the pause from the listing's last answer to the first write: the
// client's own work (resolve, plan) and the run's create.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runUploadScenario } from './upload.mjs';

const RATE = 10;
const WINDOW_MS = 1000;
const PHASE = {
  'GET /projects/{pid}': 'lookups',
  'GET /test_runs/statuses': 'lookups',
  'GET /users': 'lookups',
  'GET /projects/{pid}/test_cases': 'listing',
  'POST /projects/{pid}/test_runs': 'create',
  'PUT /projects/{pid}/test_runs/{rid}/test_cases': 'writes',
  'GET /projects/{pid}/test_runs/{rid}/test_cases': 'read-back',
  'PUT /projects/{pid}/test_runs/{rid}': 'close',
};

const { values } = parseArgs({
  options: { base: { type: 'string' }, runs: { type: 'string', default: 'A' }, out: { type: 'string' }, results: { type: 'string', default: '10000' } },
});
const runs = values.runs.split(',');
if (runs.includes('B') && !values.base) throw new Error('--runs names B: give --base <bin.mjs of the other build>');

/** Idle and answer slot time per phase, in seconds of the whole window. */
function slotTime(timeline) {
  const t = [...timeline].sort((a, b) => a.at - b.at);
  const end = Math.max(...t.map((r) => r.at + r.ms));
  const idle = {};
  const answers = {};
  for (const r of t) answers[PHASE[r.route] ?? r.route] = (answers[PHASE[r.route] ?? r.route] ?? 0) + r.ms / RATE / 1000;
  let next = 0;
  for (let ms = 0; ms < end; ms++) {
    while (next < t.length && t[next].at <= ms) next++;
    let held = 0;
    for (const r of t) if (r.at <= ms && ms < r.at + r.ms + WINDOW_MS) held++;
    const phase = next < t.length ? (PHASE[t[next].route] ?? t[next].route) : 'end';
    idle[phase] = (idle[phase] ?? 0) + Math.max(0, RATE - held) / RATE / 1000;
  }
  const pages = t.filter((r) => PHASE[r.route] === 'listing');
  const create = t.find((r) => PHASE[r.route] === 'create');
  const write = t.find((r) => PHASE[r.route] === 'writes');
  const listed = pages.length ? Math.max(...pages.map((r) => r.at + r.ms)) : undefined;
  const g =
    listed !== undefined && create && write
      ? { total: write.at - listed, pause: create.at - listed, create: create.ms, setup: write.at - create.at - create.ms }
      : undefined;
  return { end, idle, answers, g };
}

const fmt = (o) =>
  Object.entries(o)
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(', ');
for (const [i, which] of runs.entries()) {
  const dir = await mkdtemp(join(tmpdir(), 'tm-upload-timeline-'));
  try {
    const load = loadavg()[0];
    const m = await runUploadScenario(dir, Number(values.results), which === 'B' ? { cli: values.base } : {});
    const { idle, answers, g } = slotTime(m.timeline);
    const ratio = m.requestMs / ((m.requests / RATE) * 1000);
    console.log(
      `${which}: exit ${m.exitCode}, load ${load.toFixed(1)}–${loadavg()[0].toFixed(1)}, ${m.requests} of ${m.minimum.total} requests, ${m.rateLimited} rate-limit answers, ` +
        `${(m.requestMs / 1000).toFixed(2)} s: ${ratio.toFixed(3)}× the ideal; CLI ${(m.cpuMs / 1000).toFixed(2)} s CPU` +
        (g ? `\n   G ${g.total} ms = pause ${g.pause} + create ${g.create} + to the first write ${g.setup}` : '') +
        `\n   idle (s): ${fmt(idle)}\n   answers (s): ${fmt(answers)}`,
    );
    if (m.exitCode !== 0) console.log(m.output);
    if (values.out) await writeFile(`${values.out}-${i}-${which}.json`, JSON.stringify(m.timeline));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
