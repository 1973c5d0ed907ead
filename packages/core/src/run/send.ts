/**
 * Send result entries in batches bounded by count and bytes, a few at once (the HTTP client paces them within
 * the rate limit). Every batch is tried, whatever happened to another:
 * - a 413 halves the batch and sends both halves;
 * - a 400/422 refusal is all or nothing for the batch, so the batch is halved until the refused entries are
 *   alone, and each is named with the service's reason (log2(n) extra requests per refused entry);
 * - a failure of the service itself (5xx after every retry, no answer until the deadline, a refused token)
 *   stops the sending: what was not acknowledged is returned as unsent, for the spool.
 * Attachments travel with their entry and count towards the batch's bytes. A 413 for a single entry with files
 * sends it again with half of them (the last in upload order go first) until it fits or has none; its description
 * names every file left out: the result lands, the files are reported.
 */
import type { ResultEntry, ResultFile, TestManagementApi } from '../api/client.js';
import { formatBytes, withSkippedNote, type PlannedFile } from '../attachments/plan.js';
import { ApiError } from '../errors.js';
import type { Logger } from '../log.js';
import { BatchQueue, splitBatch } from '../plan/batches.js';
import { listed } from '../text.js';

export interface RefusedEntry {
  entry: ResultEntry;
  /** The service's words, with the request id. */
  reason: string;
}

/** The service's words when it refuses a result because the case is not (any more) in the run. */
const NOT_IN_RUN = /not (a )?part of (the )?test run/i;

/**
 * The service refused this result because its case was not in the run when the write landed (another job's
 * selection write can remove it): a put-back may succeed. Any other refusal is of the result itself.
 */
export function refusedAsNotInRun(reason: string): boolean {
  return NOT_IN_RUN.test(reason);
}

/** Refusals as the lines of a message: `  - DEMO-1: the service's words`, the first 20 and how many more. */
export function refusalLines(refused: readonly RefusedEntry[], human: (caseId: string) => string): string {
  const lines = refused.map((r) => `${human(r.entry.test_case_id)}: ${r.reason}`);
  return lines.length > 0 ? `\n  - ${listed(lines, '\n  - ')}` : '';
}

/** A file sent without its entry, or that its entry was sent without, and why. */
export interface WithdrawnFile {
  caseId: string;
  name: string;
  reason: string;
}

/**
 * An entry that is not sent now, as it is spooled: `resume` sends entries only, so its files are named in its
 * description instead (and returned, for the summary), never dropped without a word.
 */
export function spooledWithoutFiles(entry: ResultEntry, files: readonly PlannedFile[]): { entry: ResultEntry; withdrawn: WithdrawnFile[] } {
  if (files.length === 0) return { entry, withdrawn: [] };
  const reason = 'not sent: the upload stopped before this result was recorded, and a resumed upload sends results without files';
  const withdrawn = files.map((f) => ({ caseId: entry.test_case_id, name: f.fileName, reason }));
  return { entry: { ...entry, description: withSkippedNote(entry.description, withdrawn) }, withdrawn };
}

export interface SendOutcome {
  acknowledged: ResultEntry[];
  refused: RefusedEntry[];
  /** Not acknowledged because the service failed: to be sent later (the spool). */
  unsent: ResultEntry[];
  requests: number;
  /** Why the sending stopped early. */
  error?: ApiError;
  /** Files the service acknowledged with their entry, and those sent without (per case id). */
  attachments: { sent: number; sentBytes: number; withdrawn: WithdrawnFile[] };
}

export interface SendOptions {
  maxEntries: number;
  /** Batches in flight at once; the client's pacer keeps them within the rate limit. */
  concurrency?: number;
  now?: () => number;
  /** The files of each entry, by test case id. */
  files?: ReadonlyMap<string, readonly PlannedFile[]>;
  /** How messages name a test case (its human id); default: its id. */
  nameOf?: (caseId: string) => string;
  /** Request size the batches are planned within (attachments counted); the default is the plan's. */
  maxBytes?: number;
  /** Called (and awaited) with each batch the service acknowledged, as it is: `resume` records progress with it. */
  onAcknowledged?: (batch: readonly ResultEntry[]) => Promise<void> | void;
}

/** A file part's headers (name, file name, content type, boundary) besides its bytes. */
const PART_OVERHEAD_BYTES = 256;

const DEFAULT_CONCURRENCY = 4;
/**
 * Halvings of refused batches an upload may make on credit: past them (a run closed mid-upload refuses everything),
 * a refused batch is named whole. Each half the service takes earns SPLITS_EARNED_PER_HALF_TAKEN more, so halving
 * goes on while it finds results that land. (With 64 halvings in all, 40 refused results among 400 left 227 good
 * ones named refused with another result's reason, and never sent: test/run/send-refused.test.ts.)
 */
const SPLITS_ON_CREDIT = 64;
/** More than the one halving a half taken cost: finding k refused results among n takes about 2k·log2(n/k). */
const SPLITS_EARNED_PER_HALF_TAKEN = 2;

export async function sendEntries(
  api: TestManagementApi,
  projectId: string,
  runId: string,
  entries: ResultEntry[],
  options: SendOptions,
  log: Logger,
): Promise<SendOutcome> {
  /** After a 413 for one entry: how many of its files (the first, in upload order) it is sent with, what was dropped. */
  const kept = new Map<string, { count: number; entry: ResultEntry; dropped: WithdrawnFile[] }>();
  const filesOf = (entry: ResultEntry): readonly PlannedFile[] => (options.files?.get(entry.test_case_id) ?? []).slice(0, kept.get(entry.test_case_id)?.count);
  const extraBytes = (entry: ResultEntry): number => filesOf(entry).reduce((sum, f) => sum + f.size + PART_OVERHEAD_BYTES + Buffer.byteLength(f.fileName), 0);
  // Planned as taken: the first write goes out without waiting for every entry to be measured (plan/batches.ts).
  const queue = new BatchQueue(entries, { maxEntries: options.maxEntries, ...(options.maxBytes !== undefined && { maxBytes: options.maxBytes }), extraBytes });
  const outcome: SendOutcome = { acknowledged: [], refused: [], unsent: [], requests: 0, attachments: { sent: 0, sentBytes: 0, withdrawn: [] } };
  const progress = progressReporter(entries.length, log, options.now ?? Date.now);
  let splitsLeft = SPLITS_ON_CREDIT;
  /** Batches made by halving a refused one: each taken earns halvings (SPLITS_EARNED_PER_HALF_TAKEN). */
  const halves = new WeakSet<ResultEntry[]>();
  /** Acknowledged by an answer that does not list them: checked against the run at the end. */
  const unconfirmed: ResultEntry[] = [];

  /** Files counted as sent with their entry's answer (sign 1), or taken back when the entry did not land after all (-1). */
  const countSent = (files: readonly PlannedFile[], sign: 1 | -1): void => {
    outcome.attachments.sent += sign * files.length;
    outcome.attachments.sentBytes += sign * files.reduce((sum, f) => sum + f.size, 0);
  };
  const withoutFiles = (entry: ResultEntry): ResultEntry => {
    const spooled = spooledWithoutFiles(entry, filesOf(entry));
    outcome.attachments.withdrawn.push(...spooled.withdrawn);
    return spooled.entry;
  };
  const worker = async (): Promise<void> => {
    for (let batch = queue.shift(); batch !== undefined; batch = queue.shift()) {
      if (outcome.error) {
        outcome.unsent.push(...batch.map(withoutFiles));
        continue;
      }
      try {
        outcome.requests++;
        const files = batch.map(filesOf);
        const confirmed = await api.putResults(
          projectId,
          runId,
          batch,
          files.map((ofEntry) => ofEntry.map(asResultFile)),
        );
        outcome.acknowledged.push(...batch);
        if (halves.has(batch)) splitsLeft += SPLITS_EARNED_PER_HALF_TAKEN;
        if (confirmed) await options.onAcknowledged?.(batch);
        else unconfirmed.push(...batch);
        for (const ofEntry of files) countSent(ofEntry, 1);
        progress(outcome.acknowledged.length + outcome.refused.length);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        // A body cut off while its files were sent is a proxy's 413: the same halving, never the whole body again.
        const tooLarge = error.status === 413 || error.code === 'API_BODY_CUT_OFF';
        const refusal = tooLarge || error.status === 400 || error.status === 422;
        const single = batch[0];
        if (tooLarge && batch.length === 1 && single && filesOf(single).length > 0) {
          // Half the files at a time, the last in upload order first: the screenshot is the last to go.
          const files = filesOf(single);
          const count = Math.floor(files.length / 2);
          const how = error.status === 413 ? 'refused the result' : 'closed the connection while receiving the result';
          const reason = `the service ${how} with ${files.length} file(s) (${formatBytes(extraBytes(single))}) as too large (${error.status === 413 ? 'HTTP 413' : 'body cut off'}), so it was sent without this file`;
          const dropped = files.slice(count).map((f) => ({ caseId: single.test_case_id, name: f.fileName, reason }));
          log.warn(
            `Test case ${options.nameOf?.(single.test_case_id) ?? single.test_case_id}: ${reason.replace('this file', `${dropped.map((d) => d.name).join(', ')}`)}.`,
          );
          const before = kept.get(single.test_case_id) ?? { count: files.length, entry: single, dropped: [] };
          kept.set(single.test_case_id, { count, entry: before.entry, dropped: [...before.dropped, ...dropped] });
          outcome.attachments.withdrawn.push(...dropped);
          queue.unshift([{ ...before.entry, description: withSkippedNote(before.entry.description, [...before.dropped, ...dropped]) }]);
        } else if (refusal && batch.length > 1 && splitsLeft > 0) {
          splitsLeft -= 1;
          const [first, second] = splitBatch(batch);
          halves.add(first);
          halves.add(second);
          log.debug(
            `The service refused ${batch.length} entries (${error.status ? `HTTP ${error.status}` : 'body cut off'}); sending them in two halves to find what it refuses.`,
          );
          queue.unshift(first, second);
        } else if (refusal) {
          const reason = error.serverMessage
            ? `HTTP ${error.status}: ${error.serverMessage}${error.requestId ? ` (request id ${error.requestId})` : ''}`
            : error.message;
          outcome.refused.push(...batch.map((entry) => ({ entry, reason })));
        } else {
          outcome.error = error;
          outcome.unsent.push(...batch.map(withoutFiles));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, entries.length)) }, worker));
  if (unconfirmed.length > 0) {
    // Not in the run after all: their files were counted as sent with the answer, and a resume sends none, so they
    // are named like those of any other unsent result.
    for (const entry of await checkUnconfirmed(api, projectId, runId, unconfirmed, outcome, options, log)) {
      countSent(filesOf(entry), -1);
      outcome.unsent.push(withoutFiles(entry));
    }
  }
  return outcome;
}

/**
 * Batches answered 2xx with an empty or unexpected body may not have landed (a proxy answering for the service):
 * the run is read once, and an entry whose case does not hold its status is not acknowledged, with an error saying
 * so; it is returned, for the caller to count as unsent — spooled, the run left open rather than reported recorded
 * (`--no-verify` or not). Unsent, not sent again: the next write of the case would meet the same answer.
 */
async function checkUnconfirmed(
  api: TestManagementApi,
  projectId: string,
  runId: string,
  unconfirmed: readonly ResultEntry[],
  outcome: SendOutcome,
  options: SendOptions,
  log: Logger,
): Promise<ResultEntry[]> {
  let held: Map<string, string | undefined>;
  try {
    held = new Map((await api.listRunCases(projectId, runId)).map((c) => [c.test_case.id.toLowerCase(), c.status_id]));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    // The run cannot be read now: none of them is known to have landed.
    held = new Map();
    outcome.error ??= error;
  }
  const missing = new Set(unconfirmed.filter((e) => held.get(e.test_case_id.toLowerCase()) !== e.test_run_status_id).map((e) => e.test_case_id));
  const landed = unconfirmed.filter((e) => !missing.has(e.test_case_id));
  if (landed.length > 0) await options.onAcknowledged?.(landed);
  if (missing.size === 0) {
    log.debug(`${unconfirmed.length} result(s) were answered without the cases they recorded; the run holds every one of them.`);
    return [];
  }
  const lost = outcome.acknowledged.filter((e) => missing.has(e.test_case_id));
  outcome.acknowledged = outcome.acknowledged.filter((e) => !missing.has(e.test_case_id));
  outcome.error ??= new ApiError(
    'API_UNEXPECTED_BODY',
    { method: 'PUT', path: `/projects/${projectId}/test_runs/${runId}/test_cases` },
    `The service answered ${lost.length} result(s) with success but an empty or unexpected body, and the run does not hold them: a proxy or gateway may answer for the service without passing the write on. They were not recorded; check the base URL and any proxy between here and the service.`,
  );
  return lost;
}

function asResultFile(file: PlannedFile): ResultFile {
  return {
    fileName: file.fileName,
    contentType: file.contentType,
    ...(file.path !== undefined && { path: file.path }),
    ...(file.body !== undefined && { base64: file.body }),
  };
}

/** One line per ~10 % of the entries, so a long upload is never silent. */
function progressReporter(total: number, log: Logger, now: () => number): (done: number) => void {
  const started = now();
  const step = Math.max(1, Math.ceil(total / 10));
  let next = step;
  return (done) => {
    if (done < next || done >= total) return;
    next = (Math.floor(done / step) + 1) * step;
    log.info(`Recorded ${done} of ${total} results (${Math.round((100 * done) / total)} %, ${((now() - started) / 1000).toFixed(1)} s).`);
  };
}
