/**
 * The explicit lifecycle, for pipelines whose jobs report into one run: `run close` (a final job with
 * `needs:` and `if: always()`) and `resume` (send what an upload spooled). `run create` is uploadResults with
 * `openOnly`. Like uploadResults, these never throw for anything a user can cause.
 */
import { HttpClient, type HttpClientOptions } from '../api/http.js';
import { TestManagementApi, type TestRun } from '../api/client.js';
import { detectCi } from '../ci.js';
import { ConfigError, UnsentResultsError, asToolError, exitCodeFor, type TestsigmaTmError } from '../errors.js';
import { redact, redactingLogger, silentLogger, type Logger } from '../log.js';
import { settingLabel, type Env, type Host, type Settings } from '../settings/index.js';
import { closeRun, finalWord } from '../run/close.js';
import { openSession } from '../run/state.js';
import { systemClock, type Clock } from '../clock.js';
import { openNamedRun, pickUser, resolveProject } from '../run/lifecycle.js';
import { currentGeneration, findKeyRuns } from '../run/key.js';
import { sendEntries } from '../run/send.js';
import { markResumed, readSpool, writeSpool, type EntriesSpool } from './spool.js';
import { httpOptions, uploadResults } from './upload.js';
import { runUrl } from './outcome-summary.js';

export interface CommandInput {
  settings: Settings;
  env?: Env;
  log?: Logger;
  host?: Host;
  http?: Partial<HttpClientOptions>;
  /** The clock every wait uses; default: the system's. */
  clock?: Clock;
}

export interface CommandOutcome {
  /** What happened, in one or a few lines for the user. */
  message: string;
  run?: { id: string; human_id: string; url: string };
  error?: TestsigmaTmError;
  exitCode: number;
}

/** An API client for one command, closed afterwards; errors become the outcome. */
async function withApi(
  input: CommandInput,
  body: (api: TestManagementApi, log: Logger, projectId: string, clock: Clock) => Promise<CommandOutcome>,
): Promise<CommandOutcome> {
  const { settings, host } = input;
  const log = redactingLogger(input.log ?? silentLogger, [settings.token]);
  let http: HttpClient | undefined;
  try {
    if (!settings.token)
      throw new ConfigError('CONFIG_MISSING_TOKEN', `No API token: set ${settingLabel('token', host)} to a Test Management API key (Settings > API Keys).`);
    if (!settings.projectId)
      throw new ConfigError('CONFIG_MISSING_PROJECT', `No project: set ${settingLabel('projectId', host)} to the project UUID or its exact name.`);
    const clock = input.clock ?? input.http?.clock ?? systemClock;
    http = new HttpClient({ ...httpOptions(settings, settings.token, host, log), ...input.http, clock });
    const api = new TestManagementApi(http);
    const project = await resolveProject(api, settings.projectId, host);
    return await body(api, log, project.id, clock);
  } catch (thrown) {
    const error = asToolError(thrown);
    error.message = redact(error.message, [settings.token]);
    return { message: error.message, error, exitCode: exitCodeFor(error) };
  } finally {
    await http?.close();
  }
}

function described(settings: Settings, projectId: string, run: TestRun): CommandOutcome['run'] {
  return { id: run.id, human_id: run.human_id, url: runUrl(settings.baseUrl, projectId, run.id) };
}

/**
 * Close the run named by the run id, or the open run of the run key (the setting, else the CI's). Its
 * description says how many uploads reported. Nothing open under the key is not an error: say so.
 */
export async function closeRunCommand(input: CommandInput): Promise<CommandOutcome> {
  const { settings } = input;
  const key = settings.runKey ?? detectCi(input.env ?? {})?.runKey;
  return withApi(input, async (api, log, projectId, clock) => {
    let run: TestRun | undefined;
    if (settings.runId) {
      run = await api.getRun(projectId, settings.runId);
      if (run.status.toUpperCase() === 'CLOSED')
        return { message: `Test run ${run.human_id} is already closed.`, run: described(settings, projectId, run), exitCode: 0 };
    } else if (key) {
      run = currentGeneration(await findKeyRuns(api, projectId, key)).open[0];
      if (!run) return { message: `No open test run has the run key ${key}: nothing to close.`, exitCode: 0 };
    } else {
      throw new ConfigError(
        'CONFIG_INVALID',
        `Which run? Set ${settingLabel('runId', input.host)} or ${settingLabel('runKey', input.host)} (outside CI there is no default run key).`,
      );
    }
    const total = settings.shardTotal;
    const statuses = await api.listRunStatuses();
    const user = pickUser(await api.listUsers(), settings.userEmail, silentLogger, input.host);
    const word = await finalWord(openSession(api, projectId, run, clock, log), { total, statuses, userId: user.id, ...(key && !settings.runId && { key }) });
    run = word.run;
    log.debug(`Closed test run ${run.human_id}.`);
    const reported = word.done.length;
    const line = reported > 0 ? `${reported}${total ? ` of ${total}` : ''} upload(s) reported.` : undefined;
    const missing = word.missing > 0 ? ` Only ${reported} of ${total} uploads reported: a job may have failed or been cancelled.` : '';
    const restored = word.restored.length > 0 ? ` Restored the worst result of ${word.restored.length} case(s): ${word.restored.slice(0, 20).join(', ')}.` : '';
    const partial = word.partial.length > 0 ? ` Job(s) ${word.partial.join(', ')} reported too many cases to list: their cases were not checked.` : '';
    return {
      message: `Closed test run ${run.human_id}${line ? `: ${line}` : '.'}${missing}${restored}${partial}`,
      run: described(settings, projectId, run),
      exitCode: 0,
    };
  });
}

/**
 * Send what an upload spooled: the entries into the same run (nothing that had landed is sent again), or the
 * results as a new upload (the service failed before a run was open). On success the file is renamed
 * `.sent` so that it cannot be sent twice; on another failure it is rewritten with what is still missing.
 */
export async function resumeCommand(input: Omit<CommandInput, 'settings'> & { file: string; token: string | undefined }): Promise<CommandOutcome> {
  let spool;
  try {
    spool = await readSpool(input.file);
  } catch (error) {
    const e = asToolError(error);
    return { message: e.message, error: e, exitCode: exitCodeFor(e) };
  }
  const settings: Settings = { ...spool.settings, token: input.token };
  if (spool.kind === 'results') {
    const outcome = await uploadResults({
      settings,
      results: spool.results,
      ...(input.env && { env: input.env }),
      ...(input.log && { log: input.log }),
      ...(input.host && { host: input.host }),
      ...(input.http && { http: input.http }),
    });
    if (!outcome.error) await markResumed(input.file);
    const s = outcome.summary;
    return {
      message: outcome.error ? outcome.error.message : `Resumed ${input.file}: recorded ${s.uploaded} of ${s.mapped} test case(s) in test run ${s.runHumanId}.`,
      ...(s.runId && s.runHumanId && s.runUrl && { run: { id: s.runId, human_id: s.runHumanId, url: s.runUrl } }),
      ...(outcome.error && { error: outcome.error }),
      exitCode: outcome.exitCode,
    };
  }
  return withApi({ ...input, settings }, async (api, log) => resumeEntries(api, log, input.file, spool, settings));
}

async function resumeEntries(api: TestManagementApi, log: Logger, file: string, spool: EntriesSpool, settings: Settings): Promise<CommandOutcome> {
  const run = await openNamedRun(api, spool.projectId, spool.run.id);
  const sent = await sendEntries(api, spool.projectId, run.id, spool.entries, { maxEntries: settings.batchSize }, log);
  const left = [...sent.unsent, ...sent.refused.map((r) => r.entry)];
  if (left.length > 0) {
    await writeSpool(file, { ...spool, entries: left, reason: sent.error?.message ?? 'refused', createdAt: new Date().toISOString() });
    const refused = sent.refused.map((r) => `  - ${r.entry.test_case_id}: ${r.reason}`).join('\n');
    const error = sent.error ?? new UnsentResultsError('UNSENT_RESULTS', `The service refused ${sent.refused.length} result(s):\n${refused}`);
    return {
      message: `${sent.acknowledged.length} result(s) sent; ${left.length} still missing, kept in ${file}. ${error.message}`,
      error,
      exitCode: exitCodeFor(error),
      run: described(settings, spool.projectId, run),
    };
  }
  if (spool.close) await closeRun(api, spool.projectId, run, undefined);
  const done = await markResumed(file);
  return {
    message: `Resumed ${file}: recorded ${sent.acknowledged.length} result(s) in test run ${run.human_id}${spool.close ? ', closed' : ''}. The file is kept as ${done}.`,
    run: described(settings, spool.projectId, run),
    exitCode: 0,
  };
}
