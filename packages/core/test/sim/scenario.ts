/**
 * One seeded schedule of a sharded pipeline: N jobs (2–16) of the real `uploadResults`, each with its own
 * results for cases that overlap between jobs, started at random moments with one run key, against the simulated
 * service; then, in the `close-job` mode, the real `closeRunCommand` with the shard total (in the `when-complete`
 * mode every upload carries the shard total and index and the last one closes). Everything the seed decides is
 * drawn from it up front or by the scheduler, so a seed replays exactly.
 */
import { closeRunCommand } from '../../src/operations/commands.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { encodeBody } from '../../src/api/transport.js';
import { resolveSettings } from '../../src/settings/index.js';
import type { TestResult, TestStatus } from '../../src/model.js';
import { Scheduler } from './scheduler.js';
import { bridgeWallClock, type Bridge } from './wall-clock-bridge.js';
import { SimService, SIM_BASE_URL, drawFaults, type Faults } from './service.js';
import type { StatusName } from './service-state.js';
import { checkInvariants, type JobReport } from './invariants.js';

export type Mode = 'close-job' | 'when-complete';

/** How a job turns its results into writes: the real upload, or a stand-in (the harness's own test). */
export type Strategy = (job: JobPlan, ctx: JobContext) => Promise<{ exitCode: number; message?: string }>;

interface JobPlan {
  index: number;
  total: number;
  mode: Mode;
  results: TestResult[];
}

interface JobContext {
  scheduler: Scheduler;
  service: SimService;
  key: string;
}

export interface ScenarioOptions {
  seed: number;
  mode?: Mode;
  /** Jobs: 2–16 drawn from the seed unless given. */
  jobs?: number;
  /** Cases in the project; each job reports on a few of them. */
  cases?: number;
  faults?: Faults;
  strategy?: Strategy;
  /** Keep one line per request applied (ScenarioOutcome.trace). */
  trace?: boolean;
}

export interface ScenarioOutcome {
  seed: number;
  mode: Mode;
  jobs: number;
  violations: string[];
  virtualMs: number;
  requests: number;
  /** Requests by route: what the schedule cost. */
  routes: Record<string, number>;
  injected: SimService['injected'];
  bridged: Bridge['calls'];
  trace?: string[];
}

const STATUS_OF: Record<TestStatus, StatusName> = { passed: 'Passed', failed: 'Failed', error: 'Blocked', skipped: 'Skipped' };
const OUTCOMES: readonly TestStatus[] = ['passed', 'passed', 'passed', 'failed', 'error', 'skipped'];

function result(name: string, status: TestStatus): TestResult {
  return { source: 'sim', suitePath: ['sim'], name, status, properties: [], tags: [], attachments: [], attempts: [{ status }] };
}

/** Each job has its own token (`sim-job-3`, `sim-close`): the trace names who sent what; the rate limit is the account's. */
function settingsFor(key: string, who: string, extra: Record<string, unknown>) {
  // No files: the results carry none, and looking the workspace up on disk would make virtual time wait on real I/O.
  return resolveSettings(
    { token: `sim-${who}`, baseUrl: SIM_BASE_URL, projectId: 'Demo', runKey: key, statusMap: 'error=Blocked', attachments: 'none', ...extra },
    {},
  );
}

/** The real upload of one shard: results in memory, the shard's index (and, when-complete, the total). */
const realUpload: Strategy = async (job, { scheduler, service, key }) => {
  const shard = job.mode === 'when-complete' ? { shardIndex: job.index, shardTotal: job.total } : { shardIndex: job.index, closeRun: false };
  const outcome = await uploadResults({
    settings: settingsFor(key, `job-${job.index}`, shard),
    results: job.results,
    env: {},
    clock: scheduler.clock,
    http: { transport: service.transport },
  });
  return { exitCode: outcome.exitCode, ...(outcome.error && { message: outcome.error.message }) };
};

/** Load what the first request loads (undici), so that no schedule waits on real I/O and a replay matches. Once. */
let warm: Promise<unknown> | undefined;
function prewarm(): Promise<unknown> {
  return (warm ??= encodeBody([{ name: 'data', value: '{}' }], undefined));
}

export async function runScenario(options: ScenarioOptions): Promise<ScenarioOutcome> {
  await prewarm();
  const scheduler = new Scheduler(options.seed);
  const { random } = scheduler;
  const mode = options.mode ?? (random() < 0.5 ? 'close-job' : 'when-complete');
  // 2–16 jobs, small crowds more often than large ones (a schedule's cost grows with the crowd).
  const total = options.jobs ?? 2 + Math.floor(random() ** 2 * 15);
  const caseCount = options.cases ?? 12;
  // Pages of 5 make every listing take several pages; pages of 100 (the emulator's) take one.
  const pageSize = random() < 0.5 ? 5 : 100;
  const service = new SimService(scheduler, options.faults ?? drawFaults(random), caseCount, pageSize, options.trace);
  const key = `sim-${options.seed}`;
  const strategy = options.strategy ?? realUpload;
  const plans: JobPlan[] = Array.from({ length: total }, (_, i) => {
    // A few cases each, drawn from a small pool so that jobs overlap.
    const picked = new Set(Array.from({ length: 1 + Math.floor(random() * 4) }, () => 1 + Math.floor(random() * caseCount)));
    const results = [...picked].map((n) => result(`DEMO-${n} check ${n}`, OUTCOMES[Math.floor(random() * OUTCOMES.length)]!));
    return { index: i + 1, total, mode, results };
  });
  const starts = plans.map(() => Math.floor(random() * 10_000));
  const ctx: JobContext = { scheduler, service, key };
  const bridge = bridgeWallClock(scheduler);
  let reports: JobReport[];
  try {
    reports = await scheduler.run(async () => {
      const shards = await Promise.all(
        plans.map(async (plan, i) => {
          await scheduler.clock.sleep(starts[i]!);
          return { name: `job ${plan.index}/${total}`, reported: reportedBy(plan), ...(await strategy(plan, ctx)) };
        }),
      );
      if (mode === 'when-complete') return shards;
      const close = await closeRunCommand({
        settings: settingsFor(key, 'close', { shardTotal: total }),
        env: {},
        clock: scheduler.clock,
        http: { transport: service.transport },
      });
      return [...shards, { name: 'close job', reported: new Map(), exitCode: close.exitCode, message: close.message }];
    });
  } finally {
    bridge.restore();
  }
  return {
    seed: options.seed,
    mode,
    jobs: total,
    violations: checkInvariants(service.state, { key, jobs: reports, closes: true }),
    virtualMs: scheduler.elapsed(),
    requests: service.requests,
    // Worked out when read (a replay prints it; a sweep never reads it).
    get routes() {
      return Object.fromEntries([...service.routes].sort((a, b) => b[1] - a[1]));
    },
    injected: service.injected,
    bridged: bridge.calls,
    ...(service.trace && { trace: service.trace }),
  };
}

function reportedBy(plan: JobPlan): Map<string, StatusName> {
  return new Map(plan.results.map((r) => [r.name.split(' ')[0]!, STATUS_OF[r.status]]));
}
