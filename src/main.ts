/**
 * The GitHub Action: the only file that touches @actions/core. It translates inputs into core calls and the
 * outcome into outputs, a job summary and — on any non-2xx answer, unsent result or bad input — a failed step.
 */
import * as core from '@actions/core';
import { SETTINGS, SETTING_KEYS, applyEmptyPolicy, readResultFiles, renderMarkdown, renderText, resolveSettings, uploadResults, type Env, type SettingsInput, type TestsigmaTmError } from 'testsigma-tm-core';

export async function run(env: Env = process.env): Promise<void> {
  const token = core.getInput('api-token');
  if (token) core.setSecret(token);
  try {
    if (!token) {
      if (env.GITHUB_EVENT_NAME === 'pull_request' || env.GITHUB_EVENT_NAME === 'pull_request_target') {
        core.warning('testsigma-tm: the api-token input is empty (pull requests from forks get no secrets), so no results were uploaded.');
        return;
      }
      core.setFailed('testsigma-tm: the api-token input is empty: pass it from a secret, e.g. api-token: ${{ secrets.TESTSIGMA_API_TOKEN }}.');
      return;
    }
    const settings = resolveSettings(actionInputs(), env, 'action');
    const patterns = core
      .getInput('results')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    const files = applyEmptyPolicy(await readResultFiles(patterns.length > 0 ? patterns : ['**/TEST-*.xml', '**/junit*.xml'], { cwd: env.GITHUB_WORKSPACE ?? process.cwd() }), settings.failOnEmpty);
    const outcome = await uploadResults({
      settings,
      results: files.flatMap((f) => f.results),
      files,
      env,
      host: 'action',
      log: { debug: core.debug, info: core.info, warn: core.warning, error: core.error },
    });
    const s = outcome.summary;
    core.info(renderText(s));
    core.setOutput('run-id', s.runId ?? '');
    core.setOutput('run-url', s.runUrl ?? '');
    core.setOutput('total', s.total);
    core.setOutput('passed', s.tests.passed);
    core.setOutput('failed', s.tests.failed);
    core.setOutput('skipped', s.tests.skipped);
    core.setOutput('unmapped', s.unmapped.length);
    await core.summary.addRaw(renderMarkdown(s)).write();
    if (outcome.error) core.setFailed(outcome.error.message);
  } catch (error) {
    // Only invalid settings reach here; everything else comes back in the outcome.
    core.setFailed((error as TestsigmaTmError).message);
  }
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
