/**
 * The GitHub Action: the only file that touches @actions/core. It translates inputs into core calls and the
 * outcome into outputs, annotations, a job summary and — on any non-2xx answer, unsent result or bad input — a
 * failed step whose summary says what to do. The GitHub features (pull-request comment, check run, the fork flow's
 * artifact, strict inputs) are plain functions under src/github/; this file prints what they return.
 */
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import {
  ACTION_MODES,
  ANNOTATION_LIMIT,
  ConfigError,
  InputError,
  SETTINGS,
  SETTING_KEYS,
  asToolError,
  closeRunCommand,
  doctor,
  emptySummary,
  failureAnnotations,
  redact,
  resultFileSource,
  readSettings,
  renderMarkdown,
  renderText,
  stoppedBy,
  whatToDoLine,
  uploadResults,
  type ActionMode,
  type Env,
  type Settings,
  type SettingsInput,
  type SettingsReading,
  type TestResult,
  type TestsigmaTmError,
  type UploadSummary,
} from 'testsigma-tm-core';
import { ArtifactProblem, fetchArtifact } from './github/artifact.js';
import { githubClient, githubFailure } from './github/client.js';
import { isForkPullRequest, isPullRequestEvent, readGithubContext, type GithubContext } from './github/context.js';
import { matrixLeg } from './github/matrix.js';
import { reportToGithub, scrub } from './github/report.js';
import { undeclaredInputsProblem } from './github/strict-inputs.js';

/** What the step does: the whole flow, or one part of a pipeline whose jobs report into one run (core's table of operations). */
const MODES = Object.keys(ACTION_MODES) as ActionMode[];

/** Every input action.yml declares: the three written by hand, then the settings' (generated from the same table). */
const ACTION_INPUTS = ['mode', 'results', 'matrix', ...SETTING_KEYS.flatMap((key) => (SETTINGS[key] as { input?: string }).input ?? [])];

/**
 * The results read when the input is left out: Maven's and Gradle's TEST-*.xml, jest-junit's and pytest's
 * junit.xml. One glob, not two: a project writes one of the names, and a pattern that matches nothing fails.
 */
const DEFAULT_RESULTS = '**/{TEST-*,junit*}.xml';

/** Where the fork flow unpacks the triggering run's artifact, inside the workspace. */
const ARTIFACT_FOLDER = '.testsigma-tm/artifact';

/** What the entry's process tunes to the step's input; the entry (index.ts) gives it, a caller sharing its process does not. */
export interface ProcessHooks {
  /** Told the size of the result files (undefined: not known) before they are read: testsigma-tm-core's tierCompilerFor. */
  beforeReading?: (inputBytes: number | undefined) => void;
  /** Aborted with a StopRequested when the job is cancelled (SIGINT, then SIGTERM): the upload stops as in an outage. */
  interrupt?: AbortSignal;
}

export async function run(env: Env = process.env, hooks: ProcessHooks = {}): Promise<void> {
  const token = core.getInput('api-token');
  if (token) core.setSecret(token);
  const githubToken = core.getInput('github-token') || env.GITHUB_TOKEN || '';
  if (githubToken) core.setSecret(githubToken);
  // A misspelt input (dry_run for dry-run) would be ignored by the runner: stop before any request.
  const unknownInputs = undeclaredInputsProblem(env, ACTION_INPUTS);
  if (unknownInputs) {
    await fail(emptySummary(false), new ConfigError('CONFIG_UNKNOWN_OPTION', unknownInputs));
    return;
  }
  const mode = (core.getInput('mode').trim().toLowerCase() || 'report') as ActionMode;
  let settings: Settings;
  let sources: SettingsReading['sources'];
  try {
    if (!MODES.includes(mode))
      throw new ConfigError('CONFIG_INVALID', `Invalid settings:\n  - mode: expected one of ${MODES.join(', ')}, received ${JSON.stringify(mode)}`);
    const reading = readSettings({ explicit: actionInputs(), env }, 'action');
    if (reading.errors.length > 0) throw new ConfigError('CONFIG_INVALID', `Invalid settings:\n  - ${reading.errors.join('\n  - ')}`);
    ({ settings, sources } = reading);
  } catch (error) {
    // Invalid input values: nothing was read or sent.
    await fail(emptySummary(false), asToolError(error));
    return;
  }
  // The token may come from TESTSIGMA_API_TOKEN rather than the input: the runner masks only what it is told is a secret.
  const apiToken = settings.token;
  if (apiToken && apiToken !== token) core.setSecret(apiToken);
  const operation = ACTION_MODES[mode];
  if (operation === 'doctor') return runDoctor(settings, sources);
  const github = readGithubContext(env);
  // Pull requests from forks get no secrets: say what to add and sit the upload out (the results stay for the
  // workflow_run flow), and the close job of a create → upload → close pipeline with it, whose run was never
  // created. Any other missing token is core's pre-check to report.
  if (!apiToken && !settings.dryRun && isPullRequestEvent(github) && !settings.artifact) {
    core.warning(forkAdvice(github, operation === 'close' ? 'no results were uploaded and no run was closed' : 'no results were uploaded'));
    return;
  }
  if (operation === 'close') return runClose(settings, env, hooks.interrupt);
  // A shard leaves the run open for the close job, unless it knows the shard total (then the last one closes it).
  if (mode === 'upload' && settings.shardTotal === undefined) settings.closeRun = false;
  let workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  let uploadEnv = env;
  let testsRunUrl: string | undefined;
  if (settings.artifact) {
    const fetched = await fetchTriggeringArtifact(settings.artifact, settings.githubToken, github, workspace, env);
    if (typeof fetched !== 'string') {
      await fail(emptySummary(false), fetched);
      return;
    }
    // The results, their attachments and their annotations are read inside the unpacked artifact.
    workspace = fetched;
    uploadEnv = { ...env, GITHUB_WORKSPACE: fetched };
    testsRunUrl = github.event.workflow_run?.html_url;
  }
  const patterns = core
    .getInput('results')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  // `create` needs no results (the shards bring their cases); the other modes default to the usual JUnit names.
  const wanted = patterns.length > 0 ? patterns : operation === 'create' ? [] : [DEFAULT_RESULTS];
  // Read while uploading, each result mapped as it is read: a result file of any size costs what the upload keeps.
  const results = await resultFileSource(wanted, { cwd: workspace });
  hooks.beforeReading?.(await results.size());
  const { interrupt } = hooks;
  interrupt?.addEventListener(
    'abort',
    () =>
      core.warning(
        `testsigma-tm: the job is being cancelled (${stoppedBy(interrupt) ?? 'a signal'}): no new request is sent, and what is not recorded yet is written to the spool file (output spool-file) for testsigma-tm resume.`,
      ),
    { once: true },
  );
  const outcome = await uploadResults({ settings, results, env: uploadEnv, host: 'action', log: LOG, openOnly: operation === 'create', interrupt });
  const s = outcome.summary;
  core.info(shown(renderText(s, outcome.error ? { error: outcome.error } : {})));
  setOutputs(s);
  // setFailed writes one error annotation itself: keep within the 10 GitHub shows per step.
  if (settings.annotations) annotate(outcome.failed, workspace, outcome.error ? ANNOTATION_LIMIT - 1 : ANNOTATION_LIMIT);
  const githubFeatures =
    mode === 'create' ? [] : [...(settings.comment !== 'off' ? (['comment'] as const) : []), ...(settings.checkRun ? (['check-run'] as const) : [])];
  // The input defaults to the job's token: an empty one is a secret that did not reach this run, not a wish.
  if (githubFeatures.length > 0 && !settings.githubToken) core.warning(noGithubTokenAdvice(githubFeatures));
  // A cancelled job has seconds left before the runner kills it, and its comment would replace the last run's
  // outcome with a partial one: the upload's own message and outputs say what it left.
  if (githubFeatures.length > 0 && interrupt?.aborted)
    core.info('testsigma-tm: the pull-request comment and check run were skipped: the job is being cancelled.');
  else if (githubFeatures.length > 0 && settings.githubToken) {
    // The legs of a matrix share the job's id: each keeps a comment and a check run of its own, named by its
    // shard-index, else by its name as GitHub shows it (read from the run's jobs), else by its matrix values.
    const job = settings.shardIndex === undefined ? github.job : `${github.job} (shard ${settings.shardIndex})`;
    // A refused comment or check run is a warning: the results are recorded and the step's outcome is the upload's.
    try {
      const notes = await reportToGithub({
        gh: githubClient(settings.githubToken, github.apiUrl),
        ctx: { ...github, job },
        summary: s,
        error: outcome.error && { code: outcome.error.code, message: outcome.error.message },
        comment: settings.comment,
        checkRun: settings.checkRun,
        maxAnnotations: settings.maxAnnotations,
        findLeg: settings.shardIndex === undefined,
        matrix: matrixLeg(github.job, core.getInput('matrix')),
        testsRunUrl,
        secrets: [apiToken, settings.githubToken],
      });
      for (const note of notes) (note.level === 'warning' ? core.warning : core.info)(note.text);
    } catch (error) {
      core.warning(
        scrub(`testsigma-tm: the pull-request comment and check run were skipped (${(error as Error).message}); the results are recorded.`, [
          apiToken,
          settings.githubToken,
        ]),
      );
    }
  }
  if (outcome.error) await fail(s, outcome.error);
  else await writeSummary(s);
}

const LOG = {
  debug: (m: string) => core.debug(shown(m)),
  info: (m: string) => core.info(shown(m)),
  warn: (m: string) => core.warning(shown(m)),
  error: (m: string) => core.error(shown(m)),
};

/** A pull request without the api-token (a fork's gets no secrets): what to add so its results are still recorded. */
function forkAdvice(github: GithubContext, what: string): string {
  const who = isForkPullRequest(github) ? 'this pull request comes from a fork, which gets no secrets' : 'no secret reached this pull request';
  return `testsigma-tm: the api-token input is empty (${who}), so ${what}. To record them, keep the result files with actions/upload-artifact (name: testsigma-results, if: always()) and report them from a workflow_run workflow with this action's artifact: testsigma-results input (see "Pull requests from forks" in the README).`;
}

/** The comment or check run asked for, and no token to write it with: what was left out and how to fix it. */
function noGithubTokenAdvice(features: readonly ('comment' | 'check-run')[]): string {
  const what = features.map((f) => (f === 'comment' ? 'no pull-request comment' : 'no check run')).join(' and ');
  const off = features.map((f) => (f === 'comment' ? 'comment: off' : 'check-run: false')).join(' and ');
  return `testsigma-tm: the github-token input is empty (and GITHUB_TOKEN is unset), so ${what} ${features.length > 1 ? 'were' : 'was'} written. Leave github-token out to use the job's token, or check the secret it names; ${off} ${features.length > 1 ? 'turn them' : 'turns it'} off.`;
}

/**
 * The fork flow's second workflow: the triggering run's artifact unpacked inside the workspace; returns its
 * folder, or the error that fails the step (nothing can be recorded without it).
 */
async function fetchTriggeringArtifact(
  name: string,
  githubToken: string | undefined,
  github: GithubContext,
  workspace: string,
  env: Env,
): Promise<string | TestsigmaTmError> {
  const runId = github.event.workflow_run?.id;
  if (github.eventName !== 'workflow_run' || runId === undefined)
    return new ConfigError(
      'CONFIG_INVALID',
      `testsigma-tm: the artifact input reads the artifact of the run that triggered a workflow_run workflow, but this is a ${github.eventName || 'local'} event: use it in a workflow that runs on: workflow_run, or remove it.`,
    );
  if (!githubToken)
    return new ConfigError(
      'CONFIG_INVALID',
      'testsigma-tm: the artifact input needs the github-token input (the job token, with permissions: actions: read) to download the artifact.',
    );
  const into = join(workspace, ARTIFACT_FOLDER);
  try {
    const unpacked = await fetchArtifact(
      githubClient(githubToken, github.apiUrl),
      { owner: github.owner, repo: github.repo, runId, name },
      into,
      env.RUNNER_TEMP ?? tmpdir(),
    );
    core.info(`testsigma-tm: artifact "${name}" of run ${runId}: ${unpacked.files} file(s) unpacked into ${ARTIFACT_FOLDER}.`);
    return into;
  } catch (error) {
    const why =
      error instanceof ArtifactProblem
        ? error.message
        : `downloading it failed (${githubFailure(error).text})${githubFailure(error).status === 403 ? ': give the job permissions: actions: read' : ''}.`;
    return new InputError('INPUT_ARTIFACT', name, scrub(`testsigma-tm: the artifact "${name}" of run ${runId} could not be used: ${why}`, [githubToken]));
  }
}

async function runDoctor(settings: Settings, sources: SettingsReading['sources']): Promise<void> {
  const outcome = await doctor({ settings, sources, host: 'action', log: LOG });
  core.info(
    shown(
      ['Settings:', ...outcome.settings.map((l) => `  ${l}`), 'Checks:', ...outcome.checks.map((c) => `  ${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`)].join(
        '\n',
      ),
    ),
  );
  const failed = outcome.checks.find((c) => !c.ok);
  if (failed) core.setFailed(shown(`testsigma-tm doctor: ${failed.name}: ${failed.detail}`));
}

/** The close mode; a cancelled job (`interrupt`) stops waiting for the shards at once, and says the run is still open. */
async function runClose(settings: Settings, env: Env, interrupt: AbortSignal | undefined): Promise<void> {
  const outcome = await closeRunCommand({ settings, env, host: 'action', log: LOG, ...(interrupt && { interrupt }) });
  core.setOutput('run-id', outcome.run?.id ?? '');
  core.setOutput('run-url', shown(outcome.run?.url ?? ''));
  if (outcome.error) {
    await fail(emptySummary(false), outcome.error);
    return;
  }
  core.info(shown(outcome.message));
}

async function fail(summary: UploadSummary, error: TestsigmaTmError): Promise<void> {
  await writeSummary(summary, error);
  core.setFailed(shown(error.message));
  // Its words refer to the message ("one of them": the projects it lists), so it comes right after it.
  core.info(whatToDoLine(error));
}

/**
 * Text as the Action writes it (log, job summary, outputs): the one redaction of core. The runner masks the
 * token in the log only; the job summary is a file, and a base URL's `?token=` is no registered secret.
 */
function shown(text: string): string {
  return redact(text, [core.getInput('api-token')]);
}

/** The job summary; a runner without one (GITHUB_STEP_SUMMARY unset) gets the text in the log only. */
async function writeSummary(summary: UploadSummary, error?: TestsigmaTmError): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(shown(renderMarkdown(summary, error ? { error } : {}))).write();
  } catch (thrown) {
    // The log already holds the same text; a summary that cannot be written must not hide the outcome.
    core.warning(`testsigma-tm: the job summary could not be written (${(thrown as Error).message}); the log above holds the same report.`);
  }
}

function setOutputs(s: UploadSummary): void {
  core.setOutput('run-id', s.runId ?? '');
  core.setOutput('run-url', shown(s.runUrl ?? ''));
  core.setOutput('spool-file', shown(s.spoolFile ?? ''));
  core.setOutput('total', s.total);
  core.setOutput('passed', s.tests.passed);
  core.setOutput('failed', s.tests.failed);
  core.setOutput('skipped', s.tests.skipped);
  core.setOutput('unmapped', s.unmappedTotal);
  core.setOutput('cases-recorded', s.cases.recorded);
  core.setOutput('cases-passed', s.cases.passed);
  core.setOutput('cases-failed', s.cases.failed);
  core.setOutput('cases-skipped', s.cases.skipped);
}

function annotate(results: readonly TestResult[], workspace: string, limit: number): void {
  // A path the disk refuses to look up (a name past 255 bytes, a folder the runner cannot read) is no file to
  // annotate either: an annotation is a courtesy, never a reason to lose the summary and the comment.
  const isFile = (file: string): boolean => {
    try {
      return statSync(join(workspace, file), { throwIfNoEntry: false })?.isFile() ?? false;
    } catch {
      return false;
    }
  };
  const set = failureAnnotations(results, workspace, { limit, exists: isFile });
  for (const a of set.errors) core.error(a.message, { title: a.title, file: a.file, ...(a.line !== undefined && { startLine: a.line }) });
  if (set.notice) core.notice(`testsigma-tm: ${set.notice}`);
}

/**
 * Every setting that is an Action input (action.yml is generated from the same table). The runner hands an
 * input its declared default when the workflow leaves it out, so an input equal to its default counts as not
 * given: the TESTSIGMA_* variable, when set, still decides.
 */
function actionInputs(): SettingsInput {
  const values: SettingsInput = {};
  for (const key of SETTING_KEYS) {
    const row = SETTINGS[key] as { input?: string; default?: unknown };
    if (!row.input) continue;
    const value = core.getInput(row.input);
    if (value !== String(row.default)) values[key] = value;
  }
  return values;
}
