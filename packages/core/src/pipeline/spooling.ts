/**
 * What an upload that cannot finish writes for `testsigma-tm resume`: the unacknowledged entries of an open run,
 * or every result when the service failed before a run was open (read again from the input as it is written).
 */
import type { ResultEntry } from '../api/client.js';
import { detectCi } from '../ci.js';
import type { TestsigmaTmError } from '../errors.js';
import { redact, type Logger } from '../log.js';
import { redactDeep } from '../redact.js';
import type { FileOutcome } from '../model.js';
import type { MappingReport } from '../map/mapping.js';
import { SpoolProgress, spoolPath, spooledRunFailures, withoutToken, writeResultsSpool, writeSpool, type EntriesSpool } from '../spool/spool.js';
import { readAll } from './inputs.js';
import { ResultTally } from '../report/tally.js';
import type { UploadContext, ReadInput, UploadPlan, OpenedRun, HeldSpoolLine } from './stages.js';
import type { UploadInput } from './stages.js';
import type { RunCreateSent } from '../run/lifecycle.js';

export async function spoolEntries(
  ctx: UploadContext,
  plan: UploadPlan,
  opened: OpenedRun,
  unsent: ResultEntry[],
  reason: TestsigmaTmError,
): Promise<string | undefined> {
  // A resume recording its progress in this very file: its last write comes first, this one after it.
  await ctx.spoolProgress?.settled();
  const spool = entriesSpool(ctx, plan, opened, unsent, reason.message);
  const file = spoolPath({ ...ctx.settings, runKey: ctx.runKey }, ctx.input.env ?? {}, ctx.now());
  // The line waits for the upload's last error, which may name this file and its command itself (sayHeldSpoolLine).
  return reportSpool(
    file,
    ctx.log,
    (line) => (ctx.heldSpool = { file, line }),
    () => unsent.length,
    () => writeSpool(file, spool),
  );
}

/**
 * `resume` of a results spool (UploadInput.progressFile): once the run is open, the file becomes an entries spool
 * of this run with nothing landed yet, and each acknowledged batch is recorded in it. A resume stopped half way (a
 * cancelled job, a killed runner) leaves a file from which the next resume sends only the rest, into this run.
 */
export async function startSpoolProgress(ctx: UploadContext, plan: UploadPlan, opened: OpenedRun, file: string): Promise<SpoolProgress> {
  const entries = opened.entries.map((p) => p.entry);
  const spool = entriesSpool(ctx, plan, opened, entries, `A resume of ${file} was sending these results when it stopped.`);
  await writeSpool(file, spool);
  return new SpoolProgress(file, spool, (message) => ctx.log.warn(message));
}

/** The entries spool of an open run: every entry of the job, and which landed (all but `unsent`). */
function entriesSpool(ctx: UploadContext, plan: UploadPlan, opened: OpenedRun, unsent: ResultEntry[], reason: string): EntriesSpool {
  const willClose = ctx.settings.closeRun && opened.created && !ctx.runKey;
  // Every entry of the job, and what landed: a resume into this run sends the rest; one into a new generation of
  // the key (the close job closed this run) sends them all, and the job's line lists every case it reports.
  const notLanded = new Map(unsent.map((e) => [e.test_case_id, e]));
  const entries = opened.entries.map((p) => notLanded.get(p.entry.test_case_id) ?? p.entry);
  const humanIds = Object.fromEntries(plan.report.mapped.map((m) => [m.testCase.id, m.testCase.human_id ?? m.testCase.id]));
  const shard = { shardIndex: ctx.settings.shardIndex ?? ctx.ci?.shard?.index, shardTotal: ctx.settings.shardTotal ?? ctx.ci?.shard?.total };
  // The upload's verdict on the run: from the files it read, or (a resume) from the spool it is sending.
  const runFailed = ctx.runFailed ?? ctx.spoolProgress?.spool.runFailed;
  return {
    tool: 'testsigma-tm',
    version: 1,
    kind: 'entries',
    createdAt: ctx.now().toISOString(),
    reason: redact(reason, [ctx.settings.token]),
    // The shard as the CI told it: a resume in another job counts as this shard.
    settings: redactDeep(withoutToken({ ...ctx.settings, runKey: ctx.runKey, ...shard }), [ctx.settings.token]),
    projectId: plan.projectId,
    run: { id: opened.run.id, human_id: opened.run.human_id },
    close: willClose,
    // Descriptions are made of redacted results; redacted once more with the rest, as written.
    entries: redactDeep(entries, [ctx.settings.token]),
    landed: { runId: opened.run.id, caseIds: entries.filter((e) => !notLanded.has(e.test_case_id)).map((e) => e.test_case_id) },
    humanIds,
    job: ctx.job,
    ...(runFailed && { runFailed: redactDeep(runFailed, [ctx.settings.token]) }),
  };
}

/** The service failed before a run was open: every result goes to the spool, read (again) as it is written. */
export async function spoolResults(
  input: UploadInput,
  workspace: string,
  reason: TestsigmaTmError,
  log: Logger,
  hold: (spool: HeldSpoolLine) => void,
  createSent?: RunCreateSent,
): Promise<{ file: string | undefined; read: ReadInput }> {
  const now = (input.now ?? (() => new Date()))();
  const runKey = input.settings.runKey ?? detectCi(input.env ?? {})?.runKey;
  const settings = { ...input.settings, runKey };
  const header = {
    tool: 'testsigma-tm',
    version: 1,
    kind: 'results',
    createdAt: now.toISOString(),
    reason: redact(reason.message, [settings.token]),
    // A base URL with `?token=…` is kept without its value: resume takes the base URL from the environment when set.
    settings: redactDeep(withoutToken(settings), [settings.token]),
    // The run the stopped create may have made: resume looks for it before creating one. Its title and description
    // are made of the settings and the CI, redacted as the rest.
    ...(createSent && { createSent: redactDeep(createSent, [settings.token]) }),
  } as const;
  const tally = new ResultTally({ lines: false, workspace });
  const file = spoolPath(settings, input.env ?? {}, now);
  let files: FileOutcome[] = [];
  const written = await reportSpool(
    file,
    log,
    (line) => hold({ file, line }),
    () => tally.total,
    () =>
      writeResultsSpool(file, header, async (write) => {
        files = await readAll(input, (result) => {
          tally.add(result);
          write(result);
        });
        const runFailed = spooledRunFailures(files);
        return runFailed ? { runFailed: redactDeep(runFailed, [settings.token]) } : {};
      }),
  );
  return { file: written, read: { tally, files, report: emptyReport() } };
}

/**
 * The line saying where a spool file is and how to send it, held (UploadContext.heldSpool) until the upload's last
 * error is known: said unless its `message` names the file with the command that sends it. A stop (INTERRUPTED,
 * TERMINATED) and a deleted run (RUN_DELETED, whose command is `resume --new-run`, which a plain `resume` line
 * would contradict) say it in their own message: one event, one message. Any other error (an outage) does not,
 * and the line says where the results are: none goes unnamed.
 */
export function sayHeldSpoolLine(held: HeldSpoolLine | undefined, message: string | undefined, log: Logger): void {
  if (!held) return;
  const commands = [`testsigma-tm resume ${held.file}`, `testsigma-tm resume --new-run ${held.file}`];
  if (message !== undefined && commands.some((command) => message.includes(command))) return;
  log.error(held.line);
}

/** The input read for its counts and failures only (nothing mapped). */
export async function tallyInput(input: UploadInput, workspace: string, log: Logger): Promise<ReadInput> {
  const tally = new ResultTally({ lines: false, workspace });
  const files = await readAll(input, (result) => tally.add(result), log);
  return { tally, files, report: emptyReport() };
}

function emptyReport(): MappingReport {
  return { mapped: [], unmapped: [], unmappedTotal: 0, unknown: [] };
}

/**
 * Write a spool and `say` where it is and how to send it; undefined when it could not be written (said at once:
 * no file, nothing to send later).
 */
async function reportSpool(
  file: string,
  log: Logger,
  say: (line: string) => void,
  count: () => number,
  write: () => Promise<void>,
): Promise<string | undefined> {
  try {
    await write();
    say(`${count()} result(s) could not be sent and were written to ${file}. Send them later with: testsigma-tm resume ${file}`);
    return file;
  } catch (error) {
    log.error(`${count()} result(s) could not be sent, and the spool file ${file} could not be written: ${(error as Error).message}.`);
    return undefined;
  }
}
