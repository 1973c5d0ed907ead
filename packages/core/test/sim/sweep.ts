/**
 * Many seeded schedules in a row, their violations grouped by invariant, so that each invariant is one test that
 * names the seeds breaking it and the command replaying one. A mode's seeds may be cut into slices, one file each,
 * so that vitest's workers run them side by side (the CPU a schedule costs is the whole cost of a sweep).
 *
 * `SIM_SEED=<n>` runs that seed alone (and prints what it did; with `SIM_TRACE=1`, every request as the service
 * applied it); `SIM_SCHEDULES=<n>` changes how many schedules a mode runs, `SIM_FIRST_SEED=<n>` where they start
 * (each slice takes its share of that range).
 */
import { beforeAll, describe, it } from 'vitest';
import { runScenario, type Mode, type ScenarioOutcome } from './scenario.js';

interface Sweep {
  mode: Mode;
  schedules: number;
  /** Seeds breaking each invariant, by the invariant's name (the text before the colon of a violation). */
  broken: Map<string, { seed: number; violations: string[] }[]>;
  /** Real milliseconds and process CPU milliseconds the sweep took. */
  wallMs: number;
  cpuMs: number;
  /** Wall-clock calls that reached the bridge rather than the injected clock, over the sweep. */
  bridged: number;
}

const INVARIANTS = [
  'quiescence',
  'one run per key generation',
  'selection',
  'worst outcome',
  'markers complete',
  'closed once',
  'bounded writes',
  'exit code',
] as const;

/**
 * Schedules per mode in npm test: the 10,000 over the two modes, about 100 s of CPU (9 to 11 ms a schedule
 * in a whole npm test of a fresh clone on the quiet machine, each of the six files 23 to 27 s of wall: 50 s of the
 * two cores) beside the rest of the suite, which must stay under 5 minutes on two cores (its vitest stage took 251 s
 * there, as it did with 4,000); the suite's own cost was cut to make the room (BENCHMARKS.md, "The suite's cost"). `npm run test:sim` runs
 * twice as many (SIM_SCHEDULES=10000), other seeds than npm test's. Each mode runs in three files (thirds), so that
 * vitest's workers run them side by side.
 *
 * What a schedule costs, from this sweep's own line (ms of CPU per schedule, 2 to 16 jobs of the real upload and
 * close, 194 requests on average): 17.4 to 19.8 before the scheduler fired its timers within one turn of the event
 * loop (from a heap) and the client and the run protocol stopped parsing the same URLs and descriptions again,
 * 14.4 after (500 schedules a file); 11.2 to 11.6 at 1,000 a file (the first hundred schedules of a file cost twice
 * the rest, while the JIT warms up), 11 to 15 in npm test. The round of issue 17 (BENCHMARKS.md, "the
 * simulation's cost") took some 17% off (standalone, whole process, 8 pairs in turn against main: A/B 0.83, 0.74 to
 * 1.02; cachegrind: 37 to 42 million instructions a schedule against 46 to 49): 9.5 to 12.1 in these files at
 * 867 a file on the loaded two-core machine (9.5 to 10.7 beside the run, api and upload tests; 10.1 to 12.1 at load 7), 10.2 to 10.6 at 1,667 a file (the 10,000 of test:sim). Cut:
 * the service answering on timers rather than promise chains, the client's URL, path and headers made once, no
 * debug or progress line built for the silent logger, the file system left alone without attachments, no
 * structuredClone of failed results, job lines read with one match a word. Still twice the 5 ms that would fit the
 * issue's 10,000 in npm test without the suite's own cuts: what is left is spread thin (promise turns 6-9%, GC 5-7%, the pacer's bookkeeping per
 * request ~5%, the protocol's reading and writing of job lines ~7%, the service's answers ~6%, each upload's start).
 */
export const SCHEDULES_PER_MODE = 5_000;

/** Which part of a mode's seeds a file runs: slice `index` of `of` equal parts. */
export interface Slice {
  index: number;
  of: number;
}

function seedsToRun(first: number, defaultCount: number, slice: Slice): number[] {
  const one = process.env.SIM_SEED;
  if (one !== undefined && one !== '') return [Number(one)];
  const count = Number(process.env.SIM_SCHEDULES ?? defaultCount);
  const from = Number(process.env.SIM_FIRST_SEED ?? first);
  const start = Math.floor(((slice.index - 1) * count) / slice.of);
  const end = Math.floor((slice.index * count) / slice.of);
  return Array.from({ length: end - start }, (_, i) => from + start + i);
}

async function sweep(mode: Mode, seeds: readonly number[]): Promise<Sweep> {
  const broken = new Map<string, { seed: number; violations: string[] }[]>();
  const started = performance.now();
  const cpu = process.cpuUsage();
  let bridged = 0;
  for (const seed of seeds) {
    let violations: string[];
    try {
      const outcome = await runScenario({ seed, mode, trace: seeds.length === 1 && process.env.SIM_TRACE === '1' });
      bridged += outcome.bridged.setTimeout + outcome.bridged.dateNow + outcome.bridged.mathRandom;
      if (seeds.length === 1) console.log(describeOutcome(outcome));
      violations = outcome.violations;
    } catch (error) {
      // A schedule that hangs, spins or throws is a broken seed like any other, not the end of the sweep.
      violations = [`quiescence: ${(error as Error).stack ?? String(error)}`];
    }
    for (const name of new Set(violations.map((v) => v.slice(0, v.indexOf(':'))))) {
      const list = broken.get(name) ?? [];
      list.push({ seed, violations: violations.filter((v) => v.startsWith(`${name}:`)) });
      broken.set(name, list);
    }
  }
  const used = process.cpuUsage(cpu);
  return { mode, schedules: seeds.length, broken, wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000, bridged };
}

/** The failure message of one invariant: how many seeds broke it, the first few with why, and how to replay one. */
function brokenMessage(result: Sweep, invariant: string, file: string): string | undefined {
  const seeds = result.broken.get(invariant);
  if (!seeds || seeds.length === 0) return undefined;
  const shown = seeds.slice(0, 5).map(({ seed, violations }) => `  seed ${seed}: ${violations.slice(0, 3).join('; ')}`);
  return [
    `"${invariant}" broke in ${seeds.length} of ${result.schedules} ${result.mode} schedules (seeds ${seeds
      .slice(0, 20)
      .map((s) => s.seed)
      .join(', ')}${seeds.length > 20 ? ', …' : ''}):`,
    ...shown,
    `Replay one (SIM_TRACE=1 adds every request): SIM_SEED=${seeds[0]!.seed} SIM_TRACE=1 npx vitest run ${file}`,
  ].join('\n');
}

function describeOutcome(o: ScenarioOutcome): string {
  return [
    `seed ${o.seed} (${o.mode}): ${o.jobs} jobs, ${o.requests} requests over ${(o.virtualMs / 1000).toFixed(1)} s of virtual time`,
    `faults: ${JSON.stringify(o.injected)}`,
    `requests: ${JSON.stringify(o.routes)}`,
    ...(o.trace ? ['every request as the service applied it (virtual time, who, what → status):', ...o.trace] : []),
    ...(o.violations.length > 0 ? o.violations.map((v) => `  violated: ${v}`) : ['  every invariant holds']),
  ].join('\n');
}

/**
 * One describe block: a sweep of `count` schedules in `mode` (seeds from `first`), or the `slice` of them this file
 * runs, then one test per invariant.
 */
export function defineSweep(mode: Mode, file: string, first: number, count: number, slice: Slice = { index: 1, of: 1 }): void {
  const seeds = seedsToRun(first, count, slice);
  let result: Sweep;
  const range = seeds.length > 1 ? ` (seeds ${seeds[0]}–${seeds.at(-1)})` : seeds.length === 1 ? ` (seed ${seeds[0]})` : '';
  describe(`${mode}: ${seeds.length} seeded schedule(s) of the real upload and close${range}`, () => {
    beforeAll(
      async () => {
        result = await sweep(mode, seeds);
        const each = (ms: number) => (ms / result.schedules).toFixed(1);
        console.log(
          `${result.schedules} ${mode} schedules in ${(result.wallMs / 1000).toFixed(1)} s (${each(result.wallMs)} ms each, ${each(result.cpuMs)} ms of CPU); wall-clock calls bridged: ${result.bridged}`,
        );
      },
      Math.max(900_000, seeds.length * 1_000),
    );

    for (const invariant of INVARIANTS) {
      it(invariant, () => {
        const message = brokenMessage(result, invariant, file);
        if (message) throw new Error(message);
      });
    }
  });
}
