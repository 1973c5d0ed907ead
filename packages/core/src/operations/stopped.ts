/**
 * A `resume` its host stopped (SIGINT, SIGTERM: CommandInput.interrupt). The HTTP client sent nothing more and
 * abandoned what was in flight; the resume recorded in its file every batch the service acknowledged, and a batch
 * abandoned on its way is read back from the run by the next resume before anything is sent (never written twice).
 * What the stop left is said from the file as the resume left it: what is recorded, where the rest is, and the
 * command that sends it — not the bare "stopped before the request succeeded" of the request it abandoned.
 */
import { stopCode, stoppedBy } from '../api/interrupt.js';
import { InterruptedError, exitCodeFor, type TestsigmaTmError } from '../errors.js';
import { readSpool } from '../spool/spool.js';
import type { Host } from '../settings/index.js';

/** A command's outcome (commands.ts CommandOutcome, which imports this file): what these read and replace. */
interface Outcome {
  message: string;
  run?: unknown;
  error?: TestsigmaTmError;
  exitCode: number;
}

/** `outcome` of a resume of `file`, told as what the stop left when `interrupt` stopped it; any other as it is. */
export async function stoppedResume<O extends Outcome>(file: string, interrupt: AbortSignal, outcome: O): Promise<O> {
  const signal = stoppedBy(interrupt);
  if (!signal || !outcome.error) return outcome;
  const resume = `testsigma-tm resume ${file}`;
  // Marked resumed (every result recorded, the close stopped), or an upload's own words naming the file: said already.
  const left = await readSpool(file).catch(() => undefined);
  if (!left || (left.kind === 'results' && outcome.message.includes(resume))) return outcome;
  const by = `Interrupted by ${signal}`;
  let message: string;
  if (left.kind === 'results') {
    message = `${by} before any result of ${file} was recorded: nothing was written to Testsigma, and the file still holds its ${left.results.length} test result(s). Send them with: ${resume}`;
  } else {
    const landed = new Set(left.landed?.runId === left.run.id ? left.landed.caseIds : []);
    const recorded = left.entries.filter((e) => landed.has(e.test_case_id)).length;
    const rest = left.entries.length - recorded;
    // Every result landed, the resume stopped before it was done with the run (its line in a keyed run, the close):
    // the next resume sends nothing and finishes it.
    message =
      rest === 0
        ? `${by} while finishing test run ${left.run.human_id}: all ${left.entries.length} result(s) are recorded in it, and the run was left as the stop found it; ${file} holds what is left to do. Finish it with: ${resume}`
        : `${by} while resuming ${file}: ${recorded} of ${left.entries.length} result(s) are recorded in test run ${left.run.human_id}; the other ${rest} are kept in ${file} (a batch the stop abandoned on its way is checked against the run first, never written twice). Send them with: ${resume}`;
  }
  const error = new InterruptedError(stopCode(signal), message, { cause: outcome.error });
  return { ...outcome, message, error, exitCode: exitCodeFor(error) };
}

/**
 * `run close` stopped before it found the run to close (its close step says its own stop: run/close.ts
 * stillOpenByClose): nothing was changed, and the same close closes it later.
 */
export function stoppedBeforeClose<O extends Outcome>(interrupt: AbortSignal | undefined, host: Host | undefined, outcome: O): O {
  const signal = stoppedBy(interrupt);
  if (!signal || !outcome.error || outcome.run || outcome.error.category === 'interrupted') return outcome;
  const again = host === 'action' ? "Re-run this job (the Action's close mode)" : 'Run the same command again';
  const message = `Interrupted by ${signal} while looking up the test run to close: nothing was changed in Testsigma. ${again} to close it.`;
  const error = new InterruptedError(stopCode(signal), message, { cause: outcome.error });
  return { ...outcome, message, error, exitCode: exitCodeFor(error) };
}
