// `npm run trial:recipes [-- --rounds 20] [-- --seed N] [-- --parallel 4] [-- --max-latency 2000] [-- --recipe R]`:
// the README's CLI sharding recipe tried as a new user would (issue 17, "Done when"), with local processes standing
// in for the jobs: `testsigma-tm run create` → 4 shards `testsigma-tm upload --no-close --shard-index i
// results.xml`, started at random offsets → `testsigma-tm run close --shard-total 4`, every job with the same GitHub
// Actions variables (so the same run key from the CI context). `--recipe no-create` drops the create job (recipe 2);
// `--recipe shard-total` has no create nor close job, each shard given `--shard-total 4` so the last one closes the
// run (recipe 4). The emulator adds a random 0–2 s to every answer and holds its rate limit.
// A case every shard runs (DEMO-1) fails in one shard only; each shard also has three cases of its own, one failing.
// Per round it prints: the runs of the key, each case's status against the worst any shard reported, the exit
// codes, and whether the run was closed once. Exits 1 when any round broke any of these, naming the round's seed;
// `--seed S --rounds 1` replays that round (same offsets, failing shard and latencies; the processes' own timing
// still varies). A trial, not a test: it waits real time (a round takes about a minute) and is not part of npm test.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEMO_FACTS, startEmulator } from 'testsigma-tm-emulator';

const CLI = fileURLToPath(new URL('../packages/cli/bin/testsigma-tm.js', import.meta.url));
const SHARDS = 4;
const OWN_CASES = 3;
const MAX_START_OFFSET_MS = 3000;
const SEVERITY = { Failed: 3, Blocked: 2, Passed: 1, Skipped: 0 };

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '20' },
    seed: { type: 'string' },
    parallel: { type: 'string', default: '4' },
    'max-latency': { type: 'string', default: '2000' },
    recipe: { type: 'string', default: 'create' },
  },
});
const rounds = Number(values.rounds);
const parallel = Number(values.parallel);
const maxLatency = Number(values['max-latency']);
const RECIPES = ['create', 'no-create', 'shard-total'];
const recipe = values.recipe;
if (!RECIPES.includes(recipe)) {
  console.error(`trial:recipes: --recipe must be one of ${RECIPES.join(', ')}; received ${recipe}. Example: npm run trial:recipes -- --recipe shard-total`);
  process.exit(2);
}
const baseSeed = values.seed === undefined ? Math.floor(Math.random() * 1_000_000) : Number(values.seed);
for (const [flag, value] of [
  ['--rounds', rounds],
  ['--parallel', parallel],
  ['--seed', baseSeed],
  ['--max-latency', maxLatency],
]) {
  if (!Number.isInteger(value) || value < 0 || (flag !== '--seed' && flag !== '--max-latency' && value < 1)) {
    console.error(
      `trial:recipes: ${flag} must be a whole number (at least 1 for --rounds and --parallel). Example: npm run trial:recipes -- --rounds 5 --seed 42`,
    );
    process.exit(2);
  }
}

/** mulberry32: the round's offsets, failing shard and emulator latencies all come from its seed. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** One CLI process, as a job's step runs it. */
function cli(args, env, cwd) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (output += d));
    child.on('close', (code, signal) => done({ code: code ?? signal, output }));
  });
}

/** Shard i's cases: DEMO-1 (failing in `failingShard` only) and three of its own, the second of them failing. */
function shardCases(i, failingShard) {
  const own = Array.from({ length: OWN_CASES }, (_, k) => ({ id: `DEMO-${2 + (i - 1) * OWN_CASES + k}`, status: k === 1 ? 'Failed' : 'Passed' }));
  return [{ id: 'DEMO-1', status: i === failingShard ? 'Failed' : 'Passed' }, ...own];
}

function junit(i, cases) {
  const testcases = cases
    .map(
      (c) =>
        `<testcase classname="shard${i}" name="${c.id} works">${c.status === 'Failed' ? '<failure message="expected 1, received 2">at shard</failure>' : ''}</testcase>`,
    )
    .join('');
  return `<testsuite name="shard ${i}">${testcases}</testsuite>\n`;
}

async function round(index, root) {
  const seed = baseSeed + index;
  const random = generator(seed);
  const failingShard = 1 + Math.floor(random() * SHARDS);
  const offsets = Array.from({ length: SHARDS }, () => Math.floor(random() * MAX_START_OFFSET_MS));
  const emulator = await startEmulator({
    port: 0,
    seed: 'demo',
    rateLimit: { perSecond: 10 },
    faults: { seed, rules: [{ kind: 'latency', ms: 0, maxMs: maxLatency }] },
  });
  const dir = join(root, `round-${index}`);
  try {
    const runId = String(8000 + seed);
    const jobEnv = async (name) => {
      const home = join(dir, name);
      await mkdir(home, { recursive: true });
      return {
        home,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: home,
          TMPDIR: home,
          RUNNER_TEMP: home,
          LANG: 'C.UTF-8',
          TESTSIGMA_API_TOKEN: emulator.token,
          TESTSIGMA_BASE_URL: emulator.url,
          TESTSIGMA_PROJECT_ID: 'Demo',
          CI: 'true',
          GITHUB_ACTIONS: 'true',
          GITHUB_SERVER_URL: 'https://github.com',
          GITHUB_REPOSITORY: 'acme/shop',
          GITHUB_RUN_ID: runId,
          GITHUB_RUN_ATTEMPT: '1',
          GITHUB_RUN_NUMBER: '7',
          GITHUB_WORKFLOW: 'e2e',
          GITHUB_REF_NAME: 'main',
          GITHUB_SHA: 'f00dfeedc0ffee00112233445566778899aabbcc',
          GITHUB_JOB: name,
        },
      };
    };

    const skipped = { code: 0, output: '' };
    const create = await jobEnv('create');
    const created = recipe === 'create' ? await cli(['run', 'create'], create.env, create.home) : skipped;
    const shardArgs = recipe === 'shard-total' ? ['--shard-total', String(SHARDS)] : ['--no-close'];
    const shards = await Promise.all(
      Array.from({ length: SHARDS }, async (_, k) => {
        const i = k + 1;
        const job = await jobEnv(`shard-${i}`);
        const cases = shardCases(i, failingShard);
        await writeFile(join(job.home, 'results.xml'), junit(i, cases));
        await sleep(offsets[k]);
        return { i, cases, ...(await cli(['upload', ...shardArgs, '--shard-index', String(i), 'results.xml'], job.env, job.home)) };
      }),
    );
    const close = await jobEnv('close');
    const closed = recipe === 'shard-total' ? skipped : await cli(['run', 'close', '--shard-total', String(SHARDS)], close.env, close.home);

    // What the service holds.
    const state = emulator.state();
    const humanId = new Map(state.test_cases.map((c) => [c.id, c.human_id]));
    const runs = state.test_runs.filter((r) => r.id !== DEMO_FACTS.closedRun.id && r.project_id === DEMO_FACTS.project.id);
    const worst = new Map();
    for (const shard of shards) for (const c of shard.cases) if (!worst.has(c.id) || SEVERITY[c.status] > SEVERITY[worst.get(c.id)]) worst.set(c.id, c.status);

    const violations = [];
    if (runs.length !== 1) violations.push(`${runs.length} runs for the key (${runs.map((r) => `${r.human_id} ${r.status}`).join(', ')}), want 1`);
    const run = runs.at(-1);
    const held = new Map(Object.entries(run?.results ?? {}).map(([id, r]) => [humanId.get(id) ?? id, r.status]));
    const caseLines = [...worst].map(([id, want]) => {
      const got = held.get(id) ?? 'missing';
      if (got !== want) violations.push(`${id} is ${got}, the worst any shard reported is ${want}`);
      return `${id} ${got}${got === want ? '' : ` (want ${want})`}`;
    });
    const exits = { create: created.code, shards: shards.map((s) => s.code), close: closed.code };
    for (const [what, code] of [['create', created.code], ...shards.map((s) => [`shard ${s.i}`, s.code]), ['close', closed.code]])
      if (code !== 0) violations.push(`${what} exited ${code}`);
    const closers = [...shards.map((s) => s.output), closed.output].filter((o) => /closed: recorded|^Closed test run/m.test(o)).length;
    const closedOnce =
      run?.status === 'CLOSED' && closers === 1 && (run?.description ?? '').includes(`Closed by testsigma-tm: ${SHARDS} of ${SHARDS} upload(s) reported.`);
    if (!closedOnce)
      violations.push(
        `not closed once: run ${run?.status ?? 'missing'}, ${closers} process(es) said they closed it; the run's close line: ${(run?.description ?? '').split('\n').find((l) => l.startsWith('Closed by')) ?? 'none'}`,
      );

    const lines = [
      `round ${index + 1} (seed ${seed}): DEMO-1 fails in shard ${failingShard}; shard start offsets ${offsets.map((o) => `${o} ms`).join(', ')}; ${state.requests.length} requests`,
      `  runs for the key: ${runs.length} (${runs.map((r) => `${r.human_id} ${r.status}`).join(', ')})`,
      `  cases (status held, vs the worst reported): ${caseLines.join(', ')}`,
      `  exit codes: create ${recipe === 'create' ? exits.create : '(none)'}, shards ${exits.shards.join(' ')}, close ${recipe === 'shard-total' ? '(none)' : exits.close}`,
      `  closed once: ${closedOnce ? 'yes' : 'NO'}`,
      violations.length === 0 ? '  OK' : `  VIOLATIONS:\n${violations.map((v) => `    - ${v}`).join('\n')}`,
    ];
    if (violations.length > 0) {
      for (const [what, out] of [['create', created.output], ...shards.map((s) => [`shard ${s.i}`, s.output]), ['close', closed.output]])
        lines.push(`  --- ${what} said:\n${out.trim().replace(/^/gm, '    | ')}`);
    }
    return { seed, ok: violations.length === 0, text: lines.join('\n') };
  } finally {
    await emulator.close();
  }
}

const root = await mkdtemp(join(tmpdir(), 'tm-trial-'));
console.log(
  `trial:recipes: ${rounds} round(s) of ${{ create: `create → ${SHARDS} shards → close`, 'no-create': `${SHARDS} shards → close`, 'shard-total': `${SHARDS} shards with --shard-total ${SHARDS}, the last closing` }[recipe]}, ${parallel} at a time, each answer delayed 0–${maxLatency} ms; seeds ${baseSeed}..${baseSeed + rounds - 1}`,
);
const results = [];
let next = 0;
await Promise.all(
  Array.from({ length: Math.min(parallel, rounds) }, async () => {
    while (next < rounds) {
      const index = next++;
      const result = await round(index, root);
      console.log(result.text);
      results[index] = result;
    }
  }),
);
await rm(root, { recursive: true, force: true });
const failed = results.filter((r) => !r.ok);
if (failed.length === 0) {
  console.log(`trial:recipes (${recipe}): all ${rounds} round(s) held: one run, each case its worst status, every job exit 0, closed once.`);
  process.exit(0);
}
console.log(
  `trial:recipes: ${failed.length} of ${rounds} round(s) broke the guarantees; replay one with: npm run trial:recipes -- --recipe ${recipe} --rounds 1 --seed <seed>`,
);
console.log(`  seeds: ${failed.map((r) => r.seed).join(', ')}`);
process.exit(1);
