/**
 * The Action's GitHub features, dist/index.js run the way the runner runs it (INPUT_* variables, an event payload
 * at GITHUB_EVENT_PATH, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files) against the emulator and a local stand-in for
 * the GitHub REST API (GITHUB_API_URL): the pull-request comment kept up to date, the check run with every
 * annotation, the legs of a matrix (one after the other, and at once with their requests interleaved in an order
 * drawn from a seed), the fork flow through workflow_run as the README's workflows write it, strict inputs, a
 * refused permission, and a search of every output for both tokens.
 */
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXPECTED_SAMPLE_STATUSES, newRuns, start, statusesByHumanId, type EmulatorHandle } from './helpers/emulator.js';
import { FakeGitHub } from './helpers/fake-github.js';
import { ACTION, ROOT, baseEnv, runNode } from './helpers/run.js';
import { SecretSearch } from './helpers/secrets.js';
import { zip } from './helpers/zip.js';
import { mulberry32 } from '../packages/core/test/sim/scheduler.js';

const GITHUB_TOKEN = 'ghs_fakeJobToken0123456789abcdefABCDEF';
const SAMPLES = ['examples/results/jest-junit.xml', 'examples/results/playwright-junit.xml', 'examples/results/pytest-junit.xml'];
const HEAD_SHA = 'c0ffee00112233445566778899aabbccddeeff00';

let emulator: EmulatorHandle;
let github: FakeGitHub;
let dir: string;
let search: SecretSearch;

beforeAll(async () => {
  emulator = await start();
  github = await new FakeGitHub(GITHUB_TOKEN).start();
  dir = await mkdtemp(join(tmpdir(), 'tm-action-github-'));
  search = new SecretSearch([emulator.token, GITHUB_TOKEN]);
});
afterAll(async () => {
  await emulator.close();
  await github.close();
});
beforeEach(() => {
  emulator.reset();
  github.reset();
});

interface Step {
  inputs: Record<string, string>;
  event: { name: string; payload: unknown };
  workspace?: string;
  env?: Record<string, string>;
}

/** One step of a job: INPUT_* as the runner spells them, the event payload in a file, outputs in files under `dir`. */
async function runStep(step: Step) {
  const stamp = Math.random().toString(36).slice(2);
  const files = { output: join(dir, `output-${stamp}`), summary: join(dir, `summary-${stamp}`), event: join(dir, `event-${stamp}.json`) };
  await writeFile(files.output, '');
  await writeFile(files.summary, '');
  await writeFile(files.event, JSON.stringify(step.event.payload));
  const env = baseEnv({
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_WORKSPACE: step.workspace ?? ROOT,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: github.url,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: '777',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_RUN_NUMBER: '12',
    GITHUB_WORKFLOW: 'CI',
    GITHUB_JOB: 'test',
    GITHUB_SHA: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    GITHUB_EVENT_NAME: step.event.name,
    GITHUB_EVENT_PATH: files.event,
    RUNNER_NAME: 'GitHub Actions 1',
    RUNNER_TEMP: join(dir, 'tmp'),
    // The runner fills this input from its default, ${{ toJSON(matrix) }}: null in a job without a matrix.
    INPUT_MATRIX: 'null',
    ...Object.fromEntries(Object.entries(step.inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v])),
    ...step.env,
  });
  const res = await runNode(ACTION, [], { env, cwd: ROOT });
  // `::add-mask::` is how the step hands a secret to the runner, which never shows it: every other line is searched.
  for (const secret of [emulator.token, GITHUB_TOKEN]) if (Object.values(step.inputs).includes(secret)) expect(res.stdout).toContain(`::add-mask::${secret}\n`);
  search.record(`step ${stamp}`, { ...res, stdout: res.stdout.replace(/^::add-mask::.*\n/gm, '') });
  return { ...res, summary: await readFile(files.summary, 'utf8'), outputs: await readFile(files.output, 'utf8') };
}

const pullRequestEvent = (number = 7, headRepo = 'acme/shop') => ({
  name: 'pull_request',
  payload: { pull_request: { number, head: { sha: HEAD_SHA, repo: { full_name: headRepo } } }, repository: { full_name: 'acme/shop' } },
});

const service = () => ({ 'api-token': emulator.token, 'project-id': 'Demo', 'base-url': emulator.url, 'github-token': GITHUB_TOKEN });

/** A checkout with a JUnit report of `failures` failed tests, each at a line of tests/login.test.ts. */
async function workspaceWithFailures(failures: number, message = (i: number) => `login ${i} failed: 500`): Promise<string> {
  const ws = await mkdtemp(join(tmpdir(), 'tm-gh-ws-'));
  await mkdir(join(ws, 'tests'));
  await writeFile(join(ws, 'tests/login.test.ts'), '// login tests\n');
  const cases = Array.from(
    { length: failures },
    (_, i) =>
      `<testcase name="login ${i + 1}" classname="login" file="tests/login.test.ts" line="${i + 1}"><failure message="${message(i + 1)}">stack</failure></testcase>`,
  );
  await writeFile(
    join(ws, 'junit.xml'),
    `<testsuites><testsuite name="s">${cases.join('')}<testcase name="passes" classname="login"/></testsuite></testsuites>`,
  );
  return ws;
}

describe('the pull-request comment', () => {
  it('is created on the first run and updated in place on the next: one comment in the end', async () => {
    // A job outside a matrix: its name as GitHub shows it is its id, and its marker is the one it always had.
    github.jobs.push({ runId: 777, attempt: 1, name: 'test', runner_name: 'GitHub Actions 1', status: 'in_progress' });
    const first = await runStep({ inputs: { ...service(), results: SAMPLES.join('\n') }, event: pullRequestEvent() });
    expect(first.code, first.stdout).toBe(0);
    expect(github.comments).toHaveLength(1);
    const [comment] = github.comments;
    const firstBody = comment!.body;
    expect(comment!.issue).toBe(7);
    const run = newRuns(emulator)[0]!;
    expect(comment!.body.split('\n').slice(0, 4)).toEqual([
      '<!-- testsigma-tm comment: workflow="CI" job="test" -->',
      '<!-- testsigma-tm writer: run="777.1" runner="GitHub Actions 1" -->',
      `### ❌ Testsigma Test Management — [${run.human_id}](${first.outputs.match(/run-url<<.*\n(.*)\n/)![1]})`,
      '',
    ]);
    expect(comment!.body).toContain('| Failed | 4 | 4 |');
    expect(comment!.body).toContain('**Failed tests (4):**');
    expect(comment!.body).toContain(
      `- pytest › test\\_add\\_single\\_item — [DEMO-11](${emulator.url.replace(/\/api\/v1$/, '')}/ui/projects/${run.project_id}/test-runs/${run.id}#DEMO-11): failed on setup with "ConnectionRefusedError: \\[Errno 111\\] Connection refused"`,
    );
    expect(comment!.body).toContain('[workflow run](https://github.com/acme/shop/actions/runs/777) · job `test`');
    expect(first.stdout).toContain(`testsigma-tm: pull request #7: comment created (https://github.com/acme/shop/pull/7#issuecomment-${comment!.id}).`);

    const second = await runStep({ inputs: { ...service(), results: SAMPLES[0]! }, event: pullRequestEvent() });
    expect(second.code, second.stdout).toBe(0);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.id).toBe(comment!.id);
    expect(github.comments[0]!.body).not.toBe(firstBody);
    expect(github.comments[0]!.body).toContain('| Failed | 1 | 1 |');
    expect(second.stdout).toContain('testsigma-tm: pull request #7: comment updated');
    expect(github.requests.map((r) => `${r.method} ${r.path.replace(/\?.*/, '')} ${r.status}`)).toEqual([
      'GET /repos/acme/shop/actions/runs/777/attempts/1/jobs 200',
      'GET /repos/acme/shop/issues/7/comments 200',
      'POST /repos/acme/shop/issues/7/comments 201',
      'GET /repos/acme/shop/actions/runs/777/attempts/1/jobs 200',
      'GET /repos/acme/shop/issues/7/comments 200',
      'POST /graphql 200', // whose is the comment with the marker: the token's own account's
      `PATCH /repos/acme/shop/issues/comments/${comment!.id} 200`,
    ]);
  });

  it("edits only a comment its own token wrote: another account's comment that carries the marker is left alone", async () => {
    const marker = '<!-- testsigma-tm comment: workflow="CI" job="test" -->';
    const planted = { ...github.addComment(7, `${marker}\nlooks like yours`, 'mallory') };
    const first = await runStep({ inputs: { ...service(), results: SAMPLES[0]! }, event: pullRequestEvent() });
    expect(first.code, first.stdout).toBe(0);
    expect(github.comments).toHaveLength(2);
    expect(github.comments[0]).toEqual(planted);
    const ours = github.comments[1]!;
    expect(ours.author).toBe('github-actions[bot]');
    expect(first.stdout).toContain(`testsigma-tm: pull request #7: comment created (https://github.com/acme/shop/pull/7#issuecomment-${ours.id}).`);
    expect(first.stdout).toContain(
      "testsigma-tm: pull request #7: 1 comment carries this job's marker but was not written by github-actions[bot], the github-token's account (by @mallory): left alone.",
    );

    const second = await runStep({ inputs: { ...service(), results: SAMPLES[0]! }, event: pullRequestEvent() });
    expect(second.code, second.stdout).toBe(0);
    expect(github.comments.map((c) => c.id)).toEqual([planted.id, ours.id]);
    expect(github.comments[0]).toEqual(planted);
    expect(second.stdout).toContain(`testsigma-tm: pull request #7: comment updated (https://github.com/acme/shop/pull/7#issuecomment-${ours.id}).`);
    expect(github.requests.slice(4).map((r) => `${r.method} ${r.path.replace(/\?.*/, '')} ${r.status}`)).toEqual([
      'GET /repos/acme/shop/actions/runs/777/attempts/1/jobs 200',
      'GET /repos/acme/shop/issues/7/comments 200',
      'POST /graphql 200',
      `PATCH /repos/acme/shop/issues/comments/${ours.id} 200`,
    ]);
  });

  it("another token's account is looked up the same way; when it cannot be, a new comment is written and the step says why", async () => {
    const marker = '<!-- testsigma-tm comment: workflow="CI" job="test" -->';
    const byJobToken = { ...github.addComment(7, `${marker}\nan earlier run, with the job token`, 'github-actions[bot]') };
    github.login = 'tm-bot'; // github-token: a personal access token of the user tm-bot
    const pat = await runStep({ inputs: { ...service(), results: SAMPLES[0]! }, event: pullRequestEvent() });
    expect(pat.code, pat.stdout).toBe(0);
    expect(github.comments.map((c) => c.author)).toEqual(['github-actions[bot]', 'tm-bot']);
    expect(github.comments[0]).toEqual(byJobToken);

    github.forbid('graphql');
    const blind = await runStep({ inputs: { ...service(), results: SAMPLES[0]! }, event: pullRequestEvent() });
    expect(blind.code, blind.stdout).toBe(0);
    expect(github.comments.map((c) => c.author)).toEqual(['github-actions[bot]', 'tm-bot', 'tm-bot']);
    expect(github.comments[0]).toEqual(byJobToken);
    expect(blind.stdout).toContain(
      "::warning::testsigma-tm: pull request #7: the github-token's account could not be looked up (HTTP 403: Resource not accessible by integration), so a new comment was written instead of editing one of the 2 that carry this job's marker (any account can write the marker). Let the token query GraphQL's viewer { login }, and the next run edits its own comment.",
    );
  });

  it("a run that finishes after a later run of the same job leaves the later one's comment as it is", async () => {
    // Two pushes in a row: run 779 (the newer commit, failing) finishes first, run 778 (passing) last.
    const later = await runStep({
      inputs: { 'api-token': '', 'github-token': GITHUB_TOKEN, 'dry-run': 'true', results: 'junit.xml', annotations: 'false' },
      event: pullRequestEvent(),
      workspace: await workspaceWithFailures(1),
      env: { GITHUB_RUN_ID: '779' },
    });
    expect(later.code, later.stdout).toBe(0);
    const written = { ...github.comments[0]! };
    const older = await runStep({
      inputs: { 'api-token': '', 'github-token': GITHUB_TOKEN, 'dry-run': 'true', results: 'junit.xml', annotations: 'false' },
      event: pullRequestEvent(),
      workspace: await workspaceWithFailures(0),
      env: { GITHUB_RUN_ID: '778' },
    });
    expect(older.code, older.stdout).toBe(0);
    expect(github.comments).toEqual([written]);
    expect(written.body).toContain('### ❌');
    expect(older.stdout).toContain(
      `testsigma-tm: pull request #7: the comment (https://github.com/acme/shop/pull/7#issuecomment-${written.id}) was left as it is: a later workflow run (779.1) already wrote it, and this run's outcome is older.\n`,
    );
  });

  it('goes to the open pull request of a pushed commit (commits → pulls), and not at all with comment: off', async () => {
    github.pulls.push({ number: 11, state: 'open', head: { sha: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', ref: 'feature', label: 'acme:feature' } });
    const pushed = await runStep({ inputs: { ...service(), results: SAMPLES[0]! }, event: { name: 'push', payload: {} } });
    expect(pushed.code, pushed.stdout).toBe(0);
    expect(github.comments.map((c) => c.issue)).toEqual([11]);
    github.reset();
    const off = await runStep({ inputs: { ...service(), results: SAMPLES[0]!, comment: 'off' }, event: pullRequestEvent() });
    expect(off.code).toBe(0);
    expect(github.requests).toEqual([]);
  });

  it('stays within 65,536 characters with 3,000 failed tests, and says how many it left out', async () => {
    const ws = await workspaceWithFailures(3_000, (i) => `${'x'.repeat(250)} ${i}`);
    const res = await runStep({
      inputs: { 'api-token': '', 'github-token': GITHUB_TOKEN, 'dry-run': 'true', results: 'junit.xml', annotations: 'false' },
      event: pullRequestEvent(),
      workspace: ws,
    });
    expect(res.code, res.stdout).toBe(0);
    const body = github.comments[0]!.body;
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain('**Failed tests (3000):**');
    expect(body).toMatch(/\n- … and 2900 more failed test\(s\)\n/);
  });

  it('on-failure: no comment when nothing failed', async () => {
    const ws = await workspaceWithFailures(0);
    const res = await runStep({
      inputs: { 'api-token': '', 'github-token': GITHUB_TOKEN, 'dry-run': 'true', results: 'junit.xml', comment: 'on-failure' },
      event: pullRequestEvent(),
      workspace: ws,
    });
    expect(res.code).toBe(0);
    expect(github.comments).toEqual([]);
    expect(res.stdout).toContain('testsigma-tm: nothing failed, so no comment on pull request #7 (comment: on-failure).');
  });

  it('a 403 on comments is one warning line: the results are recorded and the step passes', async () => {
    github.forbid('comments');
    const res = await runStep({ inputs: { ...service(), results: SAMPLES.join('\n') }, event: pullRequestEvent() });
    expect(res.code).toBe(0);
    expect(statusesByHumanId(emulator, newRuns(emulator)[0]!)).toEqual(EXPECTED_SAMPLE_STATUSES);
    const warnings = res.stdout.split('\n').filter((l) => l.startsWith('::warning::testsigma-tm: GitHub'));
    expect(warnings).toEqual([
      "::warning::testsigma-tm: GitHub refused to write the comment on pull request #7 (HTTP 403: Resource not accessible by integration): give the job `permissions: pull-requests: write` (a fork pull request's token is read-only: report it from a workflow_run workflow, see the README).",
    ]);
    expect(github.comments).toEqual([]);
  });
  it("a 403 on a pushed commit's pull requests names the permission that endpoint needs, as the README does", async () => {
    // GitHub lists "List pull requests associated with a commit" under the "Pull requests" permission (read), for
    // GITHUB_TOKEN and fine-grained tokens alike; the comment itself needs write, which covers it.
    github.forbid('pulls');
    const res = await runStep({ inputs: { ...service(), results: SAMPLES[0]! }, event: { name: 'push', payload: {} } });
    expect(res.code, res.stdout).toBe(0);
    expect(res.stdout.split('\n').filter((l) => l.startsWith('::warning::testsigma-tm: GitHub'))).toEqual([
      "::warning::testsigma-tm: GitHub refused to name the pull request of this commit (HTTP 403: Resource not accessible by integration): give the job `permissions: pull-requests: write` (a fork pull request's token is read-only: report it from a workflow_run workflow, see the README).",
    ]);
    expect(github.comments).toEqual([]);
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const row = readme.split('\n').find((l) => l.startsWith('| Pull-request comment |'))!;
    expect(row).toContain('`pull-requests: write`');
    expect(row).toContain('`pull-requests: read`');
    expect(row).not.toContain('contents');
  });

  it('a wrong github-token is one warning line naming the input, and the step passes', async () => {
    const ws = await workspaceWithFailures(1);
    const res = await runStep({
      inputs: { 'api-token': '', 'github-token': 'ghs_notTheJobToken_987654321', 'dry-run': 'true', results: 'junit.xml', annotations: 'false' },
      event: pullRequestEvent(),
      workspace: ws,
    });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(
      '::warning::testsigma-tm: GitHub refused to write the comment on pull request #7 (HTTP 401: Bad credentials): check the github-token input (it defaults to the job token, ${{ github.token }}).\n',
    );
    expect(res.stdout).toContain('::add-mask::ghs_notTheJobToken_987654321\n');
    expect(res.stdout.replace(/^::add-mask::.*\n/gm, '')).not.toContain('ghs_notTheJobToken_987654321');
  });
});

describe('a matrix job: its legs share GITHUB_JOB; the matrix input (toJSON(matrix) by default) or the jobs API tells them apart', () => {
  const LEGS = [
    { name: 'test (ubuntu-latest, 20)', matrix: { os: 'ubuntu-latest', node: 20 }, failures: 1 },
    { name: 'test (windows-latest, 20)', matrix: { os: 'windows-latest', node: 20 }, failures: 0 },
  ];

  interface LegOptions {
    /** The run's jobs list each leg (the jobs API answers them, given actions: read). */
    listJobs: boolean;
    /**
     * The matrix input as the runner fills it from action.yml's default, `${{ toJSON(matrix) }}` (pretty JSON);
     * `blank` when it reaches the step empty (a workflow that sets `matrix: ''`).
     */
    matrix?: 'filled' | 'blank';
    attempt?: number;
  }

  /** The step of leg `i` of run `runId`, on a runner of its own (a new one on every run and attempt, as hosted runners are). */
  async function legStep(runId: number, i: number, options: LegOptions): Promise<Step> {
    const leg = LEGS[i]!;
    const attempt = options.attempt ?? 1;
    const runner = `GitHub Actions ${runId}-${attempt}-${i + 1}`;
    if (options.listJobs) github.jobs.push({ runId, attempt, name: leg.name, runner_name: runner, status: 'in_progress' });
    const matrix: Record<string, string> =
      options.matrix === 'filled' ? { matrix: JSON.stringify(leg.matrix, null, 2) } : options.matrix === 'blank' ? { matrix: '' } : {};
    return {
      inputs: {
        'api-token': '',
        'github-token': GITHUB_TOKEN,
        'dry-run': 'true',
        results: 'junit.xml',
        annotations: 'false',
        'check-run': 'true',
        ...matrix,
      },
      event: pullRequestEvent(),
      workspace: await workspaceWithFailures(leg.failures),
      env: { GITHUB_RUN_ID: String(runId), GITHUB_RUN_ATTEMPT: String(attempt), RUNNER_NAME: runner, GITHUB_API_URL: github.via(`leg ${i + 1}`) },
    };
  }

  /** Both legs of run `runId`, one after the other (the failing one first). */
  async function runLegs(runId: number, options: LegOptions) {
    const steps = [];
    for (const i of LEGS.keys()) steps.push(await runStep(await legStep(runId, i, options)));
    for (const step of steps) expect(step.code, step.stdout).toBe(0);
    return steps;
  }

  /**
   * Both legs of run `runId` at once, as a matrix runs them: every GitHub request waits at the fake until the
   * legs have each either sent their next request or ended, and then one of the waiting requests, drawn from
   * `seed`, goes through. The order depends on the seed alone (never on timing), so a seed replays its schedule.
   */
  async function runLegsInterleaved(runId: number, options: LegOptions, seed: number) {
    const steps = await Promise.all(LEGS.map((_, i) => legStep(runId, i, options)));
    github.gate();
    const random = mulberry32(seed);
    let ended = 0;
    const running = steps.map((step) =>
      runStep(step).finally(() => {
        ended++;
        github.recheckParked();
      }),
    );
    const schedule: string[] = [];
    for (;;) {
      await github.whenParked(() => github.parked.length + ended === steps.length);
      if (github.parked.length === 0) break;
      const waiting = [...github.parked].sort((a, b) => a.from.localeCompare(b.from));
      const next = waiting[Math.floor(random() * waiting.length)]!;
      schedule.push(`${next.from}: ${next.method} ${next.path}`);
      next.release();
    }
    const done = await Promise.all(running);
    for (const step of done) expect(step.code, step.stdout).toBe(0);
    return { steps: done, schedule };
  }

  /** The leg (by its name in the marker) and the run that last wrote each comment, and its outcome. */
  const commentsByLeg = () =>
    github.comments.map((c) => {
      const [marker, writer] = c.body.split('\n', 2);
      return `${/leg="([^"]*)"/.exec(marker!)?.[1] ?? 'no leg'} | ${/run="([^"]*)"/.exec(writer ?? '')?.[1] ?? 'no writer'} | ${c.body.includes('### ❌') ? '❌' : '✅'}`;
    });

  it('without actions: read, the matrix values the runner fills in name each leg: a check run and a comment per leg, the same on a re-run', async () => {
    github.forbid('jobs');
    const first = await runLegs(777, { listJobs: false, matrix: 'filled' });
    expect(github.checkRuns.map((c) => [c.name, c.conclusion])).toEqual([
      ['Testsigma: test (ubuntu-latest, 20)', 'failure'],
      ['Testsigma: test (windows-latest, 20)', 'success'],
    ]);
    expect(github.comments.map((c) => c.body.split('\n')[0])).toEqual([
      '<!-- testsigma-tm comment: workflow="CI" job="test" leg="test (ubuntu-latest, 20)" -->',
      '<!-- testsigma-tm comment: workflow="CI" job="test" leg="test (windows-latest, 20)" -->',
    ]);
    expect(github.comments[0]!.body).toContain('job `test (ubuntu-latest, 20)`');
    for (const step of first) expect(step.stdout).not.toContain('::warning::');

    // Re-run all jobs (attempt 2, new runners): the same names, each leg's comment edited in place.
    const ids = github.comments.map((c) => c.id);
    await runLegs(777, { listJobs: false, matrix: 'filled', attempt: 2 });
    expect(github.checkRuns.slice(2).map((c) => [c.name, c.conclusion])).toEqual([
      ['Testsigma: test (ubuntu-latest, 20)', 'failure'],
      ['Testsigma: test (windows-latest, 20)', 'success'],
    ]);
    expect(github.comments.map((c) => c.id)).toEqual(ids);
    expect(commentsByLeg()).toEqual(['test (ubuntu-latest, 20) | 777.2 | ❌', 'test (windows-latest, 20) | 777.2 | ✅']);
  });

  it('outside a matrix (the runner fills the matrix input with null) the check run and the comment keep the plain job name', async () => {
    github.forbid('jobs');
    const res = await runStep({
      inputs: { 'api-token': '', 'github-token': GITHUB_TOKEN, 'dry-run': 'true', results: SAMPLES[0]!, 'check-run': 'true', matrix: 'null' },
      event: pullRequestEvent(),
    });
    expect(res.code, res.stdout).toBe(0);
    expect(github.checkRuns.map((c) => c.name)).toEqual(['Testsigma: test']);
    expect(github.comments.map((c) => c.body.split('\n')[0])).toEqual(['<!-- testsigma-tm comment: workflow="CI" job="test" -->']);
    expect(res.stdout).not.toContain('::warning::');
  });

  it('two legs at once, without actions: read: in every seeded interleaving of their requests each leg keeps its own comment, with its own outcome', async () => {
    github.forbid('jobs');
    await runLegs(777, { listJobs: false, matrix: 'filled' });
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const runId = 800 + seed;
      const { schedule } = await runLegsInterleaved(runId, { listJobs: false, matrix: 'filled' }, seed);
      const replay = `seed ${seed} (replays this order):\n  ${schedule.join('\n  ')}`;
      expect(commentsByLeg(), replay).toEqual([`test (ubuntu-latest, 20) | ${runId}.1 | ❌`, `test (windows-latest, 20) | ${runId}.1 | ✅`]);
      // GitHub shows the latest check run of each name: each leg's own.
      const latest = new Map(github.checkRuns.map((c) => [c.name, c.conclusion]));
      expect(Object.fromEntries(latest), replay).toEqual({
        'Testsigma: test (ubuntu-latest, 20)': 'failure',
        'Testsigma: test (windows-latest, 20)': 'success',
      });
    }
    // Fourteen Action processes, two at a time: a generous budget for a loaded machine; no step waits on time.
  }, 120_000);

  it('each leg keeps a comment and a check run of its own under its name as GitHub shows it: a passing leg never hides a failing one', async () => {
    await runLegs(777, { listJobs: true, matrix: 'filled' });
    expect(github.comments).toHaveLength(2);
    const [failing, passing] = github.comments;
    expect(failing!.body.split('\n')[0]).toBe('<!-- testsigma-tm comment: workflow="CI" job="test" leg="test (ubuntu-latest, 20)" -->');
    expect(failing!.body).toContain('### ❌ Testsigma Test Management — dry run');
    expect(failing!.body).toContain('job `test (ubuntu-latest, 20)`');
    expect(passing!.body.split('\n')[0]).toBe('<!-- testsigma-tm comment: workflow="CI" job="test" leg="test (windows-latest, 20)" -->');
    expect(passing!.body).toContain('### ✅ Testsigma Test Management — dry run');
    expect(github.checkRuns.map((c) => [c.name, c.conclusion])).toEqual([
      ['Testsigma: test (ubuntu-latest, 20)', 'failure'],
      ['Testsigma: test (windows-latest, 20)', 'success'],
    ]);
    expect(github.requests.filter((r) => r.path.includes('/jobs')).map((r) => `${r.method} ${r.path.replace(/\?.*/, '')} ${r.status}`)).toEqual([
      'GET /repos/acme/shop/actions/runs/777/attempts/1/jobs 200',
      'GET /repos/acme/shop/actions/runs/777/attempts/1/jobs 200',
    ]);

    // The next workflow run: each leg edits its own comment.
    await runLegs(778, { listJobs: true, matrix: 'filled' });
    expect(github.comments.map((c) => c.id)).toEqual([failing!.id, passing!.id]);
    expect(github.comments[0]!.body).toContain('### ❌');
    expect(github.comments[1]!.body).toContain('### ✅');
  });

  it('without actions: read and with the matrix input emptied the legs cannot be told apart: a leg leaves the comment another leg wrote in this run alone, and says what to set', async () => {
    github.forbid('jobs');
    const [first, second] = await runLegs(777, { listJobs: false, matrix: 'blank' });
    // Their check runs share the job's name: each leg says so, and what to set.
    expect(github.checkRuns.map((c) => c.name)).toEqual(['Testsigma: test', 'Testsigma: test']);
    for (const leg of [first!, second!])
      expect(leg.stdout).toContain(
        "::warning::testsigma-tm: the check run is named \"Testsigma: test\" after the job's id, which every leg of a matrix shares (reading this run's jobs was refused: HTTP 403: Resource not accessible by integration; the matrix input is empty): on the pull request the leg that finishes last would replace the others'. Leave the matrix input out (its default, ${{ toJSON(matrix) }}, names each leg by its matrix values), or give the job `permissions: actions: read`.\n",
      );
    expect(github.comments).toHaveLength(2);
    expect(github.comments[0]!.body).toContain('### ❌');
    expect(github.comments[1]!.body).toContain('### ✅');
    const warning =
      '::warning::testsigma-tm: pull request #7: another leg of job `test` already wrote its comment in this workflow run (on runner "GitHub Actions 777-1-1"), and the legs of a matrix cannot be told apart (reading this run\'s jobs was refused: HTTP 403: Resource not accessible by integration; the matrix input is empty), so this leg left that comment alone and wrote its own. Leave the matrix input out (its default, ${{ toJSON(matrix) }}, names each leg by its matrix values, such as "test (ubuntu-latest, 20)"), or give the job `permissions: actions: read` for its name as GitHub shows it; a matrix of shards can set shard-index instead.';
    expect(second!.stdout).toContain(`${warning}\n`);

    // The next workflow run: neither leg can tell which comment is its own, so each writes a new one and the
    // earlier run's are deleted.
    const [third] = await runLegs(778, { listJobs: false, matrix: 'blank' });
    expect(commentsByLeg()).toEqual(['no leg | 778.1 | ❌', 'no leg | 778.1 | ✅']);
    expect(third!.stdout).toMatch(
      /testsigma-tm: pull request #7: comment created \(https:\/\/github.com\/acme\/shop\/pull\/7#issuecomment-\d+\); 2 comment\(s\) of an earlier workflow run deleted \(the legs of this job cannot be told apart, so none is edited in place\)\.\n/,
    );
  });

  it('two legs at once that cannot be told apart: in every seeded interleaving each outcome is shown once, as this run wrote it', async () => {
    github.forbid('jobs');
    await runLegs(777, { listJobs: false, matrix: 'blank' });
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const runId = 900 + seed;
      const { schedule } = await runLegsInterleaved(runId, { listJobs: false, matrix: 'blank' }, seed);
      const replay = `seed ${seed} (replays this order):\n  ${schedule.join('\n  ')}`;
      expect(commentsByLeg().sort(), replay).toEqual([`no leg | ${runId}.1 | ✅`, `no leg | ${runId}.1 | ❌`]);
    }
    // Fourteen Action processes, two at a time: a generous budget for a loaded machine; no step waits on time.
  }, 120_000);
});

describe('the check run', () => {
  it('carries 120 annotations for 120 failed tests, sent in 3 requests of at most 50', async () => {
    const ws = await workspaceWithFailures(120);
    const res = await runStep({
      inputs: { ...service(), results: 'junit.xml', 'check-run': 'true', comment: 'off' },
      event: pullRequestEvent(),
      workspace: ws,
    });
    expect(res.code, res.stdout).toBe(0);
    expect(github.checkRuns).toHaveLength(1);
    const check = github.checkRuns[0]!;
    expect(check).toMatchObject({ name: 'Testsigma: test', head_sha: HEAD_SHA, status: 'completed', conclusion: 'failure' });
    expect(check.output.title).toBe('120 failed, 1 passed, 0 skipped');
    expect(check.annotations).toHaveLength(120);
    expect(check.annotations[0]).toEqual({
      path: 'tests/login.test.ts',
      start_line: 1,
      end_line: 1,
      annotation_level: 'failure',
      title: 'Failed: s › login 1',
      message: 'login 1 failed: 500',
    });
    expect(check.annotations[119]!.start_line).toBe(120);
    expect(github.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /repos/acme/shop/actions/runs/777/attempts/1/jobs?per_page=100 200',
      'POST /repos/acme/shop/check-runs 201',
      `PATCH /repos/acme/shop/check-runs/${check.id} 200`,
      `PATCH /repos/acme/shop/check-runs/${check.id} 200`,
    ]);
    expect(res.stdout).toContain('testsigma-tm: check run created with 120 annotation(s) in 3 request(s)');
  });

  it('stops at max-annotations and says how many were not annotated', async () => {
    const ws = await workspaceWithFailures(60);
    const res = await runStep({
      inputs: {
        'api-token': '',
        'github-token': GITHUB_TOKEN,
        'dry-run': 'true',
        results: 'junit.xml',
        'check-run': 'true',
        comment: 'off',
        'max-annotations': '55',
      },
      event: pullRequestEvent(),
      workspace: ws,
    });
    expect(res.code, res.stdout).toBe(0);
    expect(github.checkRuns[0]!.annotations).toHaveLength(55);
    expect(github.checkRuns[0]!.output.title).toBe('60 failed, 1 passed, 0 skipped (55 annotated, 5 not)');
  });
});

describe('without a GitHub token', () => {
  it('says that the comment and the check run were not written and why, and the step passes', async () => {
    // `github-token: ${{ secrets.BOT_TOKEN }}` with a secret this run does not get reaches the step empty.
    const res = await runStep({
      inputs: { 'api-token': '', 'github-token': '', 'dry-run': 'true', results: SAMPLES[0]!, 'check-run': 'true', annotations: 'false' },
      event: pullRequestEvent(),
    });
    expect(res.code, res.stdout).toBe(0);
    expect(github.requests).toEqual([]);
    expect(res.stdout).toContain(
      "::warning::testsigma-tm: the github-token input is empty (and GITHUB_TOKEN is unset), so no pull-request comment and no check run were written. Leave github-token out to use the job's token, or check the secret it names; comment: off and check-run: false turn them off.\n",
    );
  });
});

describe('strict inputs', () => {
  it('an undeclared input fails the step with a did-you-mean, before any request', async () => {
    const res = await runStep({ inputs: { ...service(), results: SAMPLES[0]!, dry_run: 'true' }, event: pullRequestEvent() });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('::error::testsigma-tm: unknown input(s) "dry_run" (did you mean "dry-run"?): action.yml declares no such input');
    expect(res.summary).toContain('**The step failed** (`CONFIG_UNKNOWN_OPTION`)');
    expect(emulator.state().requests).toEqual([]);
    expect(github.requests).toEqual([]);
  });

  it('knows every input action.yml declares', async () => {
    const yml = await readFile(join(ROOT, 'action.yml'), 'utf8');
    const declared = [...yml.slice(yml.indexOf('\ninputs:'), yml.indexOf('\noutputs:')).matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1]!);
    expect(declared).toContain('github-token');
    const res = await runStep({
      inputs: Object.fromEntries(declared.map((name) => [name, ''])),
      event: { name: 'push', payload: {} },
      env: { 'INPUT_DRY-RUN': 'true', INPUT_RESULTS: SAMPLES[0]!, INPUT_COMMENT: 'off' },
    });
    expect(res.stdout).not.toContain('unknown input');
    expect(res.code, res.stdout).toBe(0);
  });
});

/** The `with:` of the step that `uses: <uses>` in a workflow file (flat `key: value` lines, as the examples write them). */
function stepInputs(workflow: string, uses: string): Record<string, string> {
  const lines = workflow.split('\n');
  const at = lines.findIndex((l) => l.trim() === `- uses: ${uses}`);
  expect(at, `the workflow has a step that uses ${uses}`).toBeGreaterThanOrEqual(0);
  const indent = lines[at]!.indexOf('-');
  const inputs: Record<string, string> = {};
  let inWith = false;
  for (const line of lines.slice(at + 1)) {
    if (line.trim() === '' || line.search(/\S/) <= indent) break;
    if (line.trim() === 'with:') inWith = true;
    else if (inWith) {
      const m = /^\s+([\w-]+):\s*(.*?)\s*(?:#.*)?$/.exec(line)!;
      inputs[m[1]!] = m[2]!.replace(/^'(.*)'$/, '$1');
    }
  }
  return inputs;
}

describe('pull requests from forks (the README workflows, examples/ci/github-fork-*.yml)', () => {
  it('first run without a token keeps the files; the workflow_run run downloads the artifact, records the run and comments', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const testsWorkflow = await readFile(join(ROOT, 'examples/ci/github-fork-tests.yml'), 'utf8');
    const reportWorkflow = await readFile(join(ROOT, 'examples/ci/github-fork-report.yml'), 'utf8');
    expect(readme, 'the README shows github-fork-tests.yml').toContain(testsWorkflow.trim());
    expect(readme, 'the README shows github-fork-report.yml').toContain(reportWorkflow.trim());
    expect(testsWorkflow).toContain('\nname: Tests\n');
    expect(reportWorkflow).toContain('    workflows: [Tests]\n');
    const secrets = (inputs: Record<string, string>, apiToken: string) =>
      Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.replace('${{ secrets.TESTSIGMA_API_TOKEN }}', apiToken)]));

    // Workflow 1 on a fork's pull request: the tests wrote reports/, the secret is empty.
    const checkout = await mkdtemp(join(tmpdir(), 'tm-fork-'));
    await mkdir(join(checkout, 'reports/unit'), { recursive: true });
    for (const sample of SAMPLES) await writeFile(join(checkout, 'reports/unit', sample.split('/').at(-1)!), await readFile(join(ROOT, sample)));
    const first = await runStep({
      inputs: secrets(stepInputs(testsWorkflow, 'testsigma-tm/testsigma-tm@v0'), ''),
      event: pullRequestEvent(9, 'fork/shop'),
      workspace: checkout,
      env: { TESTSIGMA_BASE_URL: emulator.url },
    });
    expect(first.code, first.stdout).toBe(0);
    expect(first.stdout.trim()).toBe(
      '::warning::testsigma-tm: the api-token input is empty (this pull request comes from a fork, which gets no secrets), so no results were uploaded. To record them, keep the result files with actions/upload-artifact (name: testsigma-results, if: always()) and report them from a workflow_run workflow with this action\'s artifact: testsigma-results input (see "Pull requests from forks" in the README).',
    );
    expect(emulator.state().requests).toEqual([]);
    expect(github.requests).toEqual([]);

    // actions/upload-artifact: the files under `path`, relative to it.
    const upload = stepInputs(testsWorkflow, 'actions/upload-artifact@v4');
    const root = join(checkout, upload.path!);
    const entries: Record<string, Buffer> = {};
    for (const file of await readdir(root, { recursive: true, withFileTypes: true }))
      if (file.isFile()) entries[relative(root, join(file.parentPath, file.name))] = await readFile(join(file.parentPath, file.name));
    github.addArtifact(4242, 'other-artifact', zip({ 'x.txt': 'x' }));
    github.addArtifact(4242, upload.name!, zip(entries));
    github.pulls.push({ number: 9, state: 'open', head: { sha: HEAD_SHA, ref: 'feature', label: 'fork:feature' } });

    // Workflow 2 on workflow_run: an empty workspace (no checkout), the secret, the job token.
    const reportWorkspace = await mkdtemp(join(tmpdir(), 'tm-fork-report-'));
    const second = await runStep({
      inputs: { ...secrets(stepInputs(reportWorkflow, 'testsigma-tm/testsigma-tm@v0'), emulator.token), 'github-token': GITHUB_TOKEN },
      event: {
        name: 'workflow_run',
        payload: {
          workflow_run: {
            id: 4242,
            event: 'pull_request',
            head_sha: HEAD_SHA,
            head_branch: 'feature',
            html_url: 'https://github.com/acme/shop/actions/runs/4242',
            pull_requests: [],
            head_repository: { full_name: 'fork/shop', owner: { login: 'fork' } },
          },
          repository: { full_name: 'acme/shop' },
        },
      },
      workspace: reportWorkspace,
      env: { TESTSIGMA_BASE_URL: emulator.url },
    });
    expect(second.code, second.stdout).toBe(0);
    expect(second.stdout).toContain('testsigma-tm: artifact "testsigma-results" of run 4242: 3 file(s) unpacked into .testsigma-tm/artifact.');
    const runs = newRuns(emulator);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe('CLOSED');
    expect(statusesByHumanId(emulator, runs[0]!)).toEqual(EXPECTED_SAMPLE_STATUSES);
    expect(github.comments.map((c) => c.issue)).toEqual([9]);
    expect(github.comments[0]!.body).toContain(
      '[tests run](https://github.com/acme/shop/actions/runs/4242) · [report run](https://github.com/acme/shop/actions/runs/777)',
    );
    // On the fork's commit; the 3 failed tests the results place (DEMO-2's Jest result names no file).
    expect(github.checkRuns.map((c) => [c.head_sha, c.annotations.map((a) => `${a.path}:${a.start_line}`)])).toEqual([
      [HEAD_SHA, ['auth.spec.ts:18', 'auth.spec.ts:40', 'tests/conftest.py:12']],
    ]);
    expect(github.requests.map((r) => `${r.method} ${r.path.replace(/\?.*/, '')} ${r.status}`)).toEqual([
      'GET /repos/acme/shop/actions/runs/4242/artifacts 200',
      `GET /repos/acme/shop/actions/artifacts/${github.artifacts.get(4242)![1]!.id}/zip 302`,
      `GET /blob/${github.artifacts.get(4242)![1]!.id} 200`,
      'GET /repos/acme/shop/pulls 200',
      'GET /repos/acme/shop/actions/runs/777/attempts/1/jobs 200',
      'GET /repos/acme/shop/issues/9/comments 200',
      'POST /repos/acme/shop/issues/9/comments 201',
      'POST /repos/acme/shop/check-runs 201',
    ]);
  });

  it('refuses an artifact with a path outside its folder, and a missing one, before recording anything', async () => {
    const ws = await mkdtemp(join(tmpdir(), 'tm-fork-slip-'));
    const event = { name: 'workflow_run', payload: { workflow_run: { id: 5, event: 'pull_request', head_sha: HEAD_SHA, pull_requests: [{ number: 3 }] } } };
    github.addArtifact(5, 'testsigma-results', zip({ 'ok.xml': '<testsuites/>', '../../escaped.xml': '<testsuites/>' }));
    const slip = await runStep({ inputs: { ...service(), artifact: 'testsigma-results' }, event, workspace: join(ws, 'w') });
    expect(slip.code).toBe(1);
    expect(slip.stdout).toMatch(
      /::error::testsigma-tm: the artifact "testsigma-results" of run 5 could not be used: the artifact was refused \(invalid relative path: \.\.\/\.\.\/escaped\.xml\): it was not unpacked\./,
    );
    await expect(readdir(ws)).resolves.toEqual([]);
    const missing = await runStep({ inputs: { ...service(), artifact: 'nope' }, event, workspace: join(ws, 'w') });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('run 5 has no artifact named "nope" (it has "testsigma-results")');
    expect(missing.summary).toContain('(`INPUT_ARTIFACT`)');
    expect(emulator.state().requests).toEqual([]);
  });
});

describe('secrets', () => {
  it('neither token is in any output, file or anything GitHub stored (after every run above)', async () => {
    expect(search.recorded).toBeGreaterThan(10);
    expect(await search.leaks([dir])).toEqual([]);
    for (const secret of [emulator.token, GITHUB_TOKEN]) expect(github.storedText().includes(secret)).toBe(false);
  });
});
