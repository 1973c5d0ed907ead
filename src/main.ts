/**
 * The GitHub Action: the only file that touches @actions/core. It translates inputs into core calls and the
 * outcome into outputs, annotations, a job summary and — on any non-2xx answer, unsent result or bad input — a
 * failed step whose summary says what to do.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import * as core from '@actions/core';
import {
  ANNOTATION_LIMIT,
  ConfigError,
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
  uploadResults,
  type Env,
  type Settings,
  type SettingsInput,
  type SettingsReading,
  type TestResult,
  type TestsigmaTmError,
  type UploadSummary,
} from 'testsigma-tm-core';

/** What the step does: the whole flow, or one part of a pipeline whose jobs report into one run. */
const MODES = ['report', 'create', 'upload', 'close', 'doctor'] as const;
type Mode = (typeof MODES)[number];

export async function run(env: Env = process.env): Promise<void> {
  const token = core.getInput('api-token');
  if (token) core.setSecret(token);
  const mode = (core.getInput('mode').trim().toLowerCase() || 'report') as Mode;
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
  if (mode === 'doctor') return runDoctor(settings, sources);
  if (mode === 'close') return runClose(settings, env);
  // A shard leaves the run open for the close job, unless it knows the shard total (then the last one closes it).
  if (mode === 'upload' && settings.shardTotal === undefined) settings.closeRun = false;
  if (!token && !settings.dryRun) {
    if (env.GITHUB_EVENT_NAME === 'pull_request' || env.GITHUB_EVENT_NAME === 'pull_request_target') {
      core.warning('testsigma-tm: the api-token input is empty (pull requests from forks get no secrets), so no results were uploaded.');
      return;
    }
    await fail(
      emptySummary(false),
      new ConfigError(
        'CONFIG_MISSING_TOKEN',
        'testsigma-tm: the api-token input is empty: pass it from a secret, e.g. api-token: ${{ secrets.TESTSIGMA_API_TOKEN }}.',
      ),
    );
    return;
  }
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const patterns = core
    .getInput('results')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  // `create` needs no results (the shards bring their cases); the other modes default to the usual JUnit names.
  const wanted = patterns.length > 0 ? patterns : mode === 'create' ? [] : ['**/TEST-*.xml', '**/junit*.xml'];
  // Read while uploading, each result mapped as it is read: a result file of any size costs what the upload keeps.
  const results = await resultFileSource(wanted, { cwd: workspace });
  const outcome = await uploadResults({ settings, results, env, host: 'action', log: LOG, openOnly: mode === 'create' });
  const s = outcome.summary;
  core.info(shown(renderText(s, outcome.error ? { error: outcome.error } : {})));
  setOutputs(s);
  // setFailed writes one error annotation itself: keep within the 10 GitHub shows per step.
  if (settings.annotations) annotate(outcome.failed, workspace, outcome.error ? ANNOTATION_LIMIT - 1 : ANNOTATION_LIMIT);
  if (outcome.error) await fail(s, outcome.error);
  else await writeSummary(s);
}

const LOG = {
  debug: (m: string) => core.debug(shown(m)),
  info: (m: string) => core.info(shown(m)),
  warn: (m: string) => core.warning(shown(m)),
  error: (m: string) => core.error(shown(m)),
};

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

async function runClose(settings: Settings, env: Env): Promise<void> {
  const outcome = await closeRunCommand({ settings, env, host: 'action', log: LOG });
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
  const isFile = (file: string): boolean => statSync(join(workspace, file), { throwIfNoEntry: false })?.isFile() ?? false;
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
