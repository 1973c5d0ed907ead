/**
 * What must hold once a schedule is quiet (every job finished, every late write landed), checked on the simulated
 * service's state. Each violation is a sentence naming runs and cases, so a failing seed explains itself.
 */
import type { ServiceState, SimRun, StatusName } from './service-state.js';

/** Worst first: the verdict across jobs is the worst outcome any of them reported (issue 17). */
const SEVERITY: readonly StatusName[] = ['Failed', 'Blocked', 'Passed', 'Skipped'];

export interface JobReport {
  name: string;
  /** What this job reported, by case human id (`DEMO-3`). */
  reported: ReadonlyMap<string, StatusName>;
  exitCode: number;
  message?: string;
}

export interface Expectation {
  key: string;
  jobs: readonly JobReport[];
  /** A close step ran (the close command, or the last upload in the when-complete mode). */
  closes: boolean;
  /** Result writes allowed per job per case. */
  writesPerJob?: number;
}

function worst(statuses: Iterable<StatusName>): StatusName | undefined {
  let found: StatusName | undefined;
  for (const s of statuses) if (found === undefined || SEVERITY.indexOf(s) < SEVERITY.indexOf(found)) found = s;
  return found;
}

export function checkInvariants(state: ServiceState, expect: Expectation): string[] {
  const violations: string[] = [];
  const live = state.runs.filter((r) => !r.deleted && r.title.endsWith(`[${expect.key}]`));
  // One pipeline attempt is one key generation: exactly one run may remain.
  if (live.length !== 1) {
    violations.push(`one run per key generation: ${live.length} runs of key ${expect.key} remain (${live.map(describe).join('; ') || 'none'})`);
  }
  const run = [...live].sort((a, b) => b.results.size - a.results.size)[0];
  for (const job of expect.jobs) {
    if (job.exitCode !== 0) violations.push(`exit code: ${job.name} exited ${job.exitCode}: ${job.message ?? ''}`);
  }
  if (!run) return violations;
  const byHumanId = new Map(state.cases.map((c) => [c.human_id, c.id]));
  const nameOf = new Map(state.statuses.map((s) => [s.id, s.name]));
  const selected = new Set(run.selection);
  const verdicts = new Map<string, StatusName[]>();
  for (const job of expect.jobs) {
    for (const [human, status] of job.reported) verdicts.set(human, [...(verdicts.get(human) ?? []), status]);
  }
  const missing = [...verdicts.keys()].filter((h) => !selected.has(byHumanId.get(h)!));
  if (missing.length > 0) violations.push(`selection: ${run.human_id} lacks ${missing.join(', ')}`);
  for (const [human, statuses] of verdicts) {
    const id = byHumanId.get(human)!;
    const expected = worst(statuses);
    const held = nameOf.get(run.results.get(id)?.status_id ?? '') ?? 'no result';
    if (held !== expected) violations.push(`worst outcome: ${human} holds ${held}, jobs reported ${statuses.join('/')} (expected ${expected})`);
    const writes = run.writes.get(id) ?? 0;
    const bound = (expect.writesPerJob ?? 4) * statuses.length;
    if (writes > bound) violations.push(`bounded writes: ${human} was written ${writes} times by ${statuses.length} job(s) (at most ${bound})`);
  }
  // The close step counts the shards' upload markers and says so ("Only 3 of 4 uploads reported": one was lost).
  const short = expect.jobs.map((j) => /Only \d+ of \d+ uploads reported/.exec(j.message ?? '')?.[0]).find(Boolean);
  const shards = expect.jobs.filter((j) => j.reported.size > 0).length;
  if (short) violations.push(`markers complete: the close step says "${short}" after ${shards} shards ran`);
  if (expect.closes && (run.closes !== 1 || run.status !== 'CLOSED')) {
    violations.push(`closed once: ${run.human_id} is ${run.status} after ${run.closes} close(s)`);
  }
  return violations;
}

function describe(run: SimRun): string {
  return `${run.human_id} ${run.status}, ${run.selection.length} case(s), ${run.results.size} result(s)`;
}
