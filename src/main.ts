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
  applyEmptyPolicy,
  asToolError,
  emptySummary,
  failureAnnotations,
  readResultFiles,
  renderMarkdown,
  renderText,
  resolveSettings,
  uploadResults,
  type Env,
  type Settings,
  type SettingsInput,
  type TestResult,
  type TestsigmaTmError,
  type UploadSummary,
} from 'testsigma-tm-core';

export async function run(env: Env = process.env): Promise<void> {
  const token = core.getInput('api-token');
  if (token) core.setSecret(token);
  let settings: Settings;
  try {
    settings = resolveSettings(actionInputs(), env, 'action');
  } catch (error) {
    // Invalid input values: nothing was read or sent.
    await fail(emptySummary(false), asToolError(error));
    return;
  }
  if (!token && !settings.dryRun) {
    if (env.GITHUB_EVENT_NAME === 'pull_request' || env.GITHUB_EVENT_NAME === 'pull_request_target') {
      core.warning('testsigma-tm: the api-token input is empty (pull requests from forks get no secrets), so no results were uploaded.');
      return;
    }
    await fail(emptySummary(false), new ConfigError('CONFIG_MISSING_TOKEN', 'testsigma-tm: the api-token input is empty: pass it from a secret, e.g. api-token: ${{ secrets.TESTSIGMA_API_TOKEN }}.'));
    return;
  }
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const patterns = core
    .getInput('results')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const files = applyEmptyPolicy(await readResultFiles(patterns.length > 0 ? patterns : ['**/TEST-*.xml', '**/junit*.xml'], { cwd: workspace }), settings.failOnEmpty);
  const results = files.flatMap((f) => f.results);
  const outcome = await uploadResults({ settings, results, files, env, host: 'action', log: { debug: core.debug, info: core.info, warn: core.warning, error: core.error } });
  const s = outcome.summary;
  core.info(renderText(s, outcome.error ? { error: outcome.error } : {}));
  setOutputs(s);
  // setFailed writes one error annotation itself: keep within the 10 GitHub shows per step.
  if (settings.annotations) annotate(results, workspace, outcome.error ? ANNOTATION_LIMIT - 1 : ANNOTATION_LIMIT);
  if (outcome.error) await fail(s, outcome.error);
  else await writeSummary(s);
}

async function fail(summary: UploadSummary, error: TestsigmaTmError): Promise<void> {
  await writeSummary(summary, error);
  core.setFailed(error.message);
}

/** The job summary; a runner without one (GITHUB_STEP_SUMMARY unset) gets the text in the log only. */
async function writeSummary(summary: UploadSummary, error?: TestsigmaTmError): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(renderMarkdown(summary, error ? { error } : {})).write();
  } catch (thrown) {
    // The log already holds the same text; a summary that cannot be written must not hide the outcome.
    core.warning(`testsigma-tm: the job summary could not be written (${(thrown as Error).message}); the log above holds the same report.`);
  }
}

function setOutputs(s: UploadSummary): void {
  core.setOutput('run-id', s.runId ?? '');
  core.setOutput('run-url', s.runUrl ?? '');
  core.setOutput('total', s.total);
  core.setOutput('passed', s.tests.passed);
  core.setOutput('failed', s.tests.failed);
  core.setOutput('skipped', s.tests.skipped);
  core.setOutput('unmapped', s.unmapped.length);
  core.setOutput('cases-recorded', s.cases.recorded);
  core.setOutput('cases-passed', s.cases.passed);
  core.setOutput('cases-failed', s.cases.failed);
  core.setOutput('cases-skipped', s.cases.skipped);
}

function annotate(results: TestResult[], workspace: string, limit: number): void {
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
