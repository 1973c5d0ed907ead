/**
 * One run per pipeline, with local processes standing in for the jobs of a CI pipeline: concurrent shards with
 * one run key and a close step; the last of N shards closing the run, a repeated shard counted once; an outage
 * that ends in a spool file and `resume`. Assertions on what the emulator holds: one run, every result once with
 * its status, closed only when it should be.
 *
 * Four shards, not eight, and no fault storms here: what concurrent jobs do to each other (random starts, late
 * writes, lost answers, 500s, the rate limit) is proven on virtual time by the seeded simulation
 * (packages/core/test/sim, 2–16 shards in both modes), connection resets by the client's contract tests
 * (packages/core/test/api/network-errors.test.ts). A create step and a repeated shard before the close are in
 * matrix.e2e.test.ts and the recipes-*.e2e.test.ts, a re-run after the close in recipes-github-create.e2e.test.ts ("re-run failed jobs").
 */
import { mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newRuns, start, statusesByHumanId, type EmulatorHandle } from './helpers/emulator.js';
import { CLI, baseEnv, runNode } from './helpers/run.js';
import { SecretSearch } from './helpers/secrets.js';

let emulator: EmulatorHandle;
let dir: string;
/** Every output of every process of this file, searched for the token at the end. */
let search: SecretSearch;

beforeAll(async () => {
  emulator = await start();
  dir = await mkdtemp(join(tmpdir(), 'tm-shards-'));
  await mkdir(join(dir, 'tmp'));
  search = new SecretSearch([emulator.token]);
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  emulator.setFaults([]);
});

/** The processes' temp files (default spools) land under `dir` too, so the token search sees them. */
async function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const temp = join(dir, 'tmp');
  const result = await runNode(CLI, args, {
    env: baseEnv({
      TESTSIGMA_API_TOKEN: emulator.token,
      TESTSIGMA_BASE_URL: emulator.url,
      TESTSIGMA_PROJECT_ID: 'Demo',
      TMPDIR: temp,
      RUNNER_TEMP: temp,
      ...env,
    }),
    timeoutMs: 180_000,
  });
  return search.record(args.join(' '), result);
}

/** Shard i (1-based) holds DEMO-(2i-1) passing and DEMO-2i failing. */
async function shardFile(i: number): Promise<string> {
  const file = join(dir, `shard-${i}.xml`);
  await writeFile(
    file,
    `<testsuites><testsuite name="shard ${i}"><testcase classname="s${i}" name="DEMO-${2 * i - 1} works"/><testcase classname="s${i}" name="DEMO-${2 * i} works"><failure message="expected 1, received 2">stack</failure></testcase></testsuite></testsuites>`,
  );
  return file;
}

function expectedStatuses(shards: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; i <= shards; i++) {
    out[`DEMO-${2 * i - 1}`] = 'Passed';
    out[`DEMO-${2 * i}`] = 'Failed';
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
}

function writesPerCase(run: ReturnType<typeof newRuns>[number]): number[] {
  return Object.values(run.results).map((r) => r.writes);
}

async function shards(key: string, count: number, extra: string[] = [], env: Record<string, string> = {}) {
  const files = await Promise.all(Array.from({ length: count }, (_, i) => shardFile(i + 1)));
  return Promise.all(files.map((file) => cli(['upload', '--run-key', key, '--no-close', ...extra, file], env)));
}

// Up to 4 processes at once on a shared 2-core machine, each waiting out the protocol: more than the default 30 s per test.
describe('shards with one run key', { timeout: 240_000 }, () => {
  it('4 concurrent shards and a close step make one run holding every result once, closed only by the close step', async () => {
    const results = await shards('pipeline-1', 4);
    for (const r of results) expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(newRuns(emulator)).toHaveLength(1);
    expect(newRuns(emulator)[0]!.status).toBe('ACTIVE');
    const close = await cli(['run', 'close', '--run-key', 'pipeline-1']);
    expect(close.code, close.stderr).toBe(0);
    expect(close.stdout).toMatch(/^Closed test run DEMO-R-\d+: 4 upload\(s\) reported\./);
    const [run] = newRuns(emulator);
    expect(run!.status).toBe('CLOSED');
    expect(run!.title).toMatch(/\[pipeline-1\]$/);
    expect(statusesByHumanId(emulator, run!)).toEqual(expectedStatuses(4));
    expect(writesPerCase(run!).every((w) => w === 1)).toBe(true);
  });

  it('with --shard-total, the last of N uploads closes the run, and a repeated shard is counted once', async () => {
    const [one, two] = await Promise.all([shardFile(1), shardFile(2)]);
    const up = (file: string, index: number) => cli(['upload', '--run-key', 'pipeline-5', '--shard-total', '2', '--shard-index', String(index), file]);
    expect((await up(one, 1)).code).toBe(0);
    const again = await up(one, 1);
    expect(again.code, again.stderr).toBe(0);
    expect(newRuns(emulator)[0]!.status).toBe('ACTIVE');
    const last = await up(two, 2);
    expect(last.code, last.stderr).toBe(0);
    const runs = newRuns(emulator);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe('CLOSED');
    expect(runs[0]!.description).toContain('Closed by testsigma-tm: 2 of 2 upload(s) reported.');
    expect(statusesByHumanId(emulator, runs[0]!)).toEqual(expectedStatuses(2));
  });
});

describe('an outage', () => {
  it('spools what could not be sent (no token inside), exits 1 and leaves the run open; resume sends exactly the rest and closes it', async () => {
    const spool = join(dir, 'spool.json');
    const files = await Promise.all([1, 2, 3].map((i) => shardFile(i)));
    // The first result request lands, then the service is down for every later one.
    emulator.setFaults([{ kind: 'status', route: 'PUT /projects/*/test_runs/*/test_cases', status: 503, after: 1 }]);
    const res = await cli(['upload', '--batch-size', '2', '--deadline', '2', '--spool', spool, ...files]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`result(s) could not be sent and were written to ${spool}. Send them later with: testsigma-tm resume ${spool}`);
    const text = await readFile(spool, 'utf8');
    expect(text).not.toContain(emulator.token);
    expect((await stat(spool)).mode & 0o077).toBe(0);
    const [run] = newRuns(emulator);
    expect(run!.status).toBe('ACTIVE');
    expect(Object.keys(run!.results)).toHaveLength(2);

    emulator.setFaults([]);
    const resumed = await cli(['resume', spool]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('recorded 4 result(s)');
    const after = newRuns(emulator);
    expect(after).toHaveLength(1);
    expect(after[0]!.status).toBe('CLOSED');
    expect(statusesByHumanId(emulator, after[0]!)).toEqual(expectedStatuses(3));
    expect(writesPerCase(after[0]!).every((w) => w === 1)).toBe(true);
    // A second resume cannot send it again: the file was renamed.
    expect((await cli(['resume', spool])).code).toBe(2);
  });
});

describe('secrets', () => {
  it('no output and no file of any process above holds the token', async () => {
    expect(search.recorded).toBeGreaterThanOrEqual(11);
    expect(await search.leaks([dir])).toEqual([]);
  });
});
