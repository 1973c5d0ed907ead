/**
 * A run deleted in Testsigma (someone removed it; the service answers 404 for it) that a spool file names: the
 * upload that wrote the file, or a resume of it, was sending to it. Said as RUN_DELETED, the same words whoever
 * meets it (the upload half way, a resume before or while it sends), with the command that sends the file's
 * results into a new run; never as the bare 404, and never by sending them anywhere unasked.
 */
import type { TestManagementApi, TestRun } from '../api/client.js';
import { ApiError, ConfigError } from '../errors.js';
import { readSpool, type EntriesSpool } from './spool.js';

/** The service's 404: what it answers for a run deleted in Testsigma (and for anything else that does not exist). */
export function notFound(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 404;
}

/** The service's 404, or an error it caused (a close left open by it). */
export function metNotFound(error: unknown): boolean {
  return notFound(error) || (error instanceof Error && notFound(error.cause));
}

/** The run an entries spool names, as the service has it now, or the service's 404 for it (deleted since). */
export async function findSpooledRun(api: TestManagementApi, projectId: string, runId: string): Promise<{ run: TestRun } | { gone: ApiError }> {
  try {
    return { run: await api.getRun(projectId, runId) };
  } catch (error) {
    if (notFound(error)) return { gone: error };
    throw error;
  }
}

/** Who was sending to the run when it was deleted (undefined: nobody, it was deleted since the upload wrote to it). */
export type SendingWhen = 'upload' | 'resume';

/**
 * The run the spool file names was deleted: nothing (more) was sent, the file holds every result, and the message
 * gives the command that sends them into a new run. Results that had landed in the deleted run went with it:
 * every one of the file is counted.
 */
export function runDeleted(file: string, spool: EntriesSpool, gone: ApiError, runKey: string | undefined, sending?: SendingWhen): ConfigError {
  const landed = spool.landed?.runId === spool.run.id ? spool.landed.caseIds.length : 0;
  const server = gone.serverMessage ? `: ${gone.serverMessage}` : '';
  const requestId = gone.requestId ? `, request id ${gone.requestId}` : '';
  const went = landed > 0 ? ` (${landed} of them had been recorded in ${spool.run.human_id} and went with it)` : '';
  const where = runKey ? ` (the open run of run key ${runKey}, else a new one, as a re-run of the job would)` : '';
  const when = sending ? `while this ${sending} was sending to it. Nothing more was written to it` : 'since the upload wrote to it. Nothing was sent';
  return new ConfigError(
    'RUN_DELETED',
    `Test run ${spool.run.human_id} no longer exists in Testsigma (the service answers HTTP 404 for it${server}${requestId}): it was deleted ${when}, and all ${spool.entries.length} result(s) are still in ${file}${went}. To send them into a new test run${where}, run: testsigma-tm resume --new-run ${file}`,
    { cause: gone },
  );
}

/**
 * The service's 404 for run `runId` when `error` (or what caused it: a close left open) met a 404 and one read of
 * the run finds it gone; undefined otherwise (a read that fails otherwise tells nothing: the 404 is said as it is).
 */
export async function runGone(api: TestManagementApi, projectId: string, runId: string, error: unknown): Promise<ApiError | undefined> {
  if (!metNotFound(error)) return undefined;
  const found = await findSpooledRun(api, projectId, runId).catch(() => undefined);
  return found && 'gone' in found ? found.gone : undefined;
}

/** RUN_DELETED for the run `file` names, `gone` the service's 404 for it (undefined: not an entries spool). */
export async function deletedRunIn(file: string, gone: ApiError, runKey: string | undefined, sending: SendingWhen): Promise<ConfigError | undefined> {
  const left = await readSpool(file).catch(() => undefined);
  return left?.kind === 'entries' ? runDeleted(file, left, gone, runKey, sending) : undefined;
}

/**
 * A 404 stopped `sending` half way, and it left `file` naming the run it wrote to: RUN_DELETED when that run is
 * gone (one read of it tells a deleted run from any other 404), else undefined (the 404 is said as it is).
 */
export async function deletedWhileSendingTo(
  api: TestManagementApi,
  projectId: string,
  file: string,
  runKey: string | undefined,
  sending: SendingWhen,
): Promise<ConfigError | undefined> {
  const left = await readSpool(file).catch(() => undefined);
  if (left?.kind !== 'entries') return undefined;
  const run = await findSpooledRun(api, projectId, left.run.id);
  return 'gone' in run ? runDeleted(file, left, run.gone, runKey, sending) : undefined;
}
