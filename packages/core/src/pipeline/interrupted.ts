/**
 * An upload stopped by its host (SIGINT, SIGTERM: UploadInput.interrupt). The HTTP client sends nothing more and
 * abandons what is in flight, so the stages fail as in an outage and what was not recorded is spooled the same way;
 * this file stops the stages that do not talk to the service, and says in one message what the stop left: what
 * was recorded, where the rest is kept and the command that sends it — or that nothing was written at all.
 */
import { stopCode, stoppedBy, type StopSignal } from '../api/interrupt.js';
import { InterruptedError, type TestsigmaTmError } from '../errors.js';
import type { Progress } from './stages.js';
import type { RunCreateSent } from '../run/lifecycle.js';

/** What a host aborts UploadInput.interrupt with (hosts reach api/ through here). */
export { StopRequested, stoppedBy, type StopSignal } from '../api/interrupt.js';

/** Between stages, and while the input is read: stop once the host was stopped (the message is made at the end). */
export function stopIfInterrupted(interrupt: AbortSignal | undefined): void {
  const signal = stoppedBy(interrupt);
  if (signal) throw new InterruptedError(stopCode(signal), `Stopped by ${signal}.`);
}

export interface StoppedAt {
  signal: StopSignal;
  progress: Progress;
  /** Cases whose results the service acknowledged in the opened run (UploadContext.landed). */
  landed: number;
  /** The client sent a write (a test run's create, a case's): before the run is open, something may exist. */
  wrote: boolean;
  /** What failed because of the stop: its message is kept where it says more (a run left open by its close). */
  error: TestsigmaTmError;
  /** The run's create, sent without an answer: the run may exist, open and empty (upload.ts). */
  createSent?: RunCreateSent;
}

/** The upload's error once its host stopped it: what was recorded, what was spooled where, and what to do. */
export function interruptedError({ signal, progress, landed, wrote, error, createSent }: StoppedAt): InterruptedError {
  const code = stopCode(signal);
  const by = `Interrupted by ${signal}`;
  const spool = progress.spoolFile ?? progress.recorded?.spoolFile;
  const resume = spool ? ` Send them with: testsigma-tm resume ${spool}` : '';
  const { opened, recorded } = progress;
  if (!opened) {
    if (!wrote) {
      return new InterruptedError(
        code,
        `${by} before anything was written to Testsigma: no test run was opened and no result was recorded. Run the upload again to record the results.`,
        { cause: error },
      );
    }
    const total = progress.read?.tally.total;
    const results = total === undefined ? 'The test results' : `The ${total} test result(s)`;
    if (createSent) {
      // Without a run key nothing else finds that run: resume looks for it by what the create sent (spooled).
      const left = `The test run "${createSent.title}" may exist already, open and empty: its create was sent and got no answer.`;
      const kept = spool
        ? `were written to ${spool}; resume records them in that run if it exists, rather than create a second one.${resume}`
        : 'could not be written to a spool file (see the error above): run the upload again, and close or delete that run in Testsigma if it is there.';
      return new InterruptedError(code, `${by} before any result was recorded (the test run was being created). ${left} ${results} ${kept}`, { cause: error });
    }
    const kept = spool ? `were written to ${spool}.${resume}` : 'could not be written to a spool file (see the error above): run the upload again.';
    return new InterruptedError(code, `${by} before any result was recorded (the test run or test cases were being written). ${results} ${kept}`, {
      cause: error,
    });
  }
  const run = opened.run.human_id;
  const total = opened.entries.length;
  const recordedCount = recorded?.sent.acknowledged.length ?? landed;
  const rest = total - recordedCount;
  if (!spool && rest === 0) {
    // Every result landed and the close was stopped: its message (run/close.ts leftOpenByClose) says so, the state
    // the run is in, and the command that closes it.
    if (error instanceof InterruptedError && error.message.startsWith(by)) return error;
    return new InterruptedError(code, `${by} while test run ${run} was being closed. ${error.message}`, { cause: error });
  }
  const done = `${recordedCount} of ${total} result(s) were recorded`;
  if (!spool) {
    return new InterruptedError(
      code,
      `${by} while recording results in test run ${run}: ${done}; the other ${rest} could not be written to a spool file (see the error above), and the run was left open. Run the upload again to record them.`,
      { cause: error },
    );
  }
  if (rest === 0) {
    return new InterruptedError(
      code,
      `${by} while finishing test run ${run}: all ${total} result(s) were recorded, and the run was left open; ${spool} holds what is left to do. Finish it with: testsigma-tm resume ${spool}`,
      { cause: error },
    );
  }
  return new InterruptedError(
    code,
    `${by} while recording results in test run ${run}: ${done}; the other ${rest} were written to ${spool}, and the run was left open.${resume}`,
    { cause: error },
  );
}
