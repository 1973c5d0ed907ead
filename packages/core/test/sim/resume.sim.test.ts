/**
 * `resume` under simulation (issue 17, "holes found under faults"): when-complete shards on a stormy service with a
 * short deadline, so that some uploads give up and spool (results before a run was open, or the entries left); each
 * such shard is resumed, as a CI step would, until its spool is sent. The resumed shard counts toward the shard
 * total, the last one to report closes the run, and nothing is written more than the invariants allow: the same
 * invariants as the protocol's sweeps, on the real upload and the real resume.
 *
 * Replay one seed: SIM_SEED=1234 npx vitest run packages/core/test/sim/resume.sim.test.ts
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resumeCommand } from '../../src/operations/commands.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import { runScenario, type Strategy } from './scenario.js';
import { SIM_BASE_URL, type Faults } from './service.js';

/** The faults of a busy day, as the protocol's sweeps draw them. */
const BUSY: Faults = { maxLatencyMs: 3000, lateApply: 0.01, lostAnswer: 0.01, serverError: 0.01, perSecond: 10 };
/** An outage while the shards report (they start within 10 s): every request fails until it ends. */
const OUTAGE = { from: 4_000, to: 10 * 60_000 };
/** Past the outage's start, so that the shards reporting then give up and spool. */
const DEADLINE_S = 300;
/** A CI step retried by hand: once the outage is over, a few attempts a minute apart. */
const RESUME_ATTEMPTS = 5;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tm-resume-sim-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What the schedules did, for the report: how many shards spooled and how many resumes it took. */
const tally = { spooled: 0, resumes: 0 };

function resumingUpload(seed: number): Strategy {
  return async (job, { scheduler, service, key }) => {
    const token = `sim-job-${job.index}`;
    const spool = join(dir, `${seed}-${job.index}.json`);
    const settings = resolveSettings(
      {
        token,
        baseUrl: SIM_BASE_URL,
        projectId: 'Demo',
        runKey: key,
        statusMap: 'error=Blocked',
        shardIndex: job.index,
        shardTotal: job.total,
        deadline: DEADLINE_S,
        spool,
      },
      {},
    );
    const http = { transport: service.transport };
    // Job 1 also plays the weather: the outage starts and ends for every job at once.
    const weather = job.index === 1 ? outage(scheduler.clock.sleep, service.faults) : Promise.resolve();
    const outcome = await uploadResults({ settings, results: job.results, env: {}, clock: scheduler.clock, http });
    if (!outcome.summary.spoolFile) {
      await weather;
      return { exitCode: outcome.exitCode, ...(outcome.error && { message: outcome.error.message }) };
    }
    tally.spooled++;
    let last = { exitCode: outcome.exitCode, message: outcome.error?.message ?? '' };
    for (let attempt = 1; attempt <= RESUME_ATTEMPTS && (await exists(spool)); attempt++) {
      await scheduler.clock.sleep(Math.max(60_000, OUTAGE.to - scheduler.elapsed()));
      tally.resumes++;
      const resumed = await resumeCommand({ file: spool, token, env: {}, clock: scheduler.clock, http });
      last = { exitCode: resumed.exitCode, message: `resume ${attempt}: ${resumed.message}` };
    }
    await weather;
    return last;
  };
}

async function outage(sleep: (ms: number) => Promise<void>, faults: Faults): Promise<void> {
  await sleep(OUTAGE.from);
  faults.serverError = 1;
  await sleep(OUTAGE.to - OUTAGE.from);
  faults.serverError = BUSY.serverError;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

function seeds(): number[] {
  const one = process.env.SIM_SEED;
  if (one !== undefined && one !== '') return [Number(one)];
  return Array.from({ length: Number(process.env.SIM_SCHEDULES ?? 60) }, (_, i) => 70_001 + i);
}

describe('resume under simulation (when-complete shards, an outage while they report)', () => {
  it('every spooled shard is resumed into the run and counts as its shard; the last closes the run once; no result written more than the bound', async () => {
    const broken: string[] = [];
    for (const seed of seeds()) {
      // Small crowds (2–4 shards): every invariant of the sweeps holds for resumed shards too.
      const outcome = await runScenario({ seed, mode: 'when-complete', jobs: 2 + (seed % 3), faults: { ...BUSY }, strategy: resumingUpload(seed) });
      broken.push(...outcome.violations.map((v) => `seed ${seed}: ${v}`));
    }
    // The outage must make the point: shards did spool and were resumed.
    expect(tally.spooled).toBeGreaterThan(seeds().length);
    expect(broken, 'replay one with SIM_SEED=<seed> npx vitest run packages/core/test/sim/resume.sim.test.ts').toEqual([]);
  });
});
