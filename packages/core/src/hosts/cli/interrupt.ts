/**
 * SIGINT (Ctrl-C; GitHub Actions cancelling a job sends it first) and SIGTERM (GitHub's second word ~7.5 s later,
 * GitLab, Jenkins, Buildkite, a container stopping) while `upload` runs. Without a handler Node dies at once, some
 * batches sent, the run left open, the rest lost without a word. The first signal aborts the upload's `interrupt`:
 * it sends nothing more, spools what was not recorded and says so (pipeline/interrupted.ts), and the command exits
 * 128 + the signal's number (130, 143). A second one means the user insists: exit at once, saying that the spool
 * file may be incomplete. Only `upload` listens: the other commands keep Node's default (they die at once; `resume`
 * records its progress batch by batch).
 */
import { constants } from 'node:os';
import { StopRequested, type StopSignal } from '../../pipeline/interrupted.js';
import type { CliIo } from './context.js';

/** The part of `process` listened on and exited by (a test hands its own). */
export interface SignalSource {
  on(event: StopSignal, listener: () => void): unknown;
  off(event: StopSignal, listener: () => void): unknown;
  exit(code: number): never;
}

export interface Interrupts {
  /** Aborted with a StopRequested on the first signal: the upload's `interrupt`. */
  readonly signal: AbortSignal;
  /**
   * The command is done: stop listening; after a signal, exit with `code` once the output is written (a wait the
   * stop abandoned, a backoff or a turn under the rate limit, must not keep the process alive after its message).
   */
  finish(code: number): void;
}

const SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

export function listenForInterrupts(io: CliIo, source: SignalSource = process): Interrupts {
  const controller = new AbortController();
  const listeners = SIGNALS.map((name) => {
    const listener = (): void => {
      if (!controller.signal.aborted) {
        io.stderr(
          `testsigma-tm: stopping on ${name}: no new request is sent, and what is not recorded yet is kept for testsigma-tm resume (the outcome follows). Interrupt again to exit at once.`,
        );
        controller.abort(new StopRequested(name));
        return;
      }
      io.stderr(
        `testsigma-tm: ${name} again: exiting at once. The spool file (for testsigma-tm resume) may be incomplete or missing, so results not recorded yet may be lost: check the test run, and upload the results again if it lacks any.`,
      );
      source.exit(exitCodeOf(name));
    };
    source.on(name, listener);
    return { name, listener };
  });
  return {
    signal: controller.signal,
    finish: (code) => {
      for (const { name, listener } of listeners) source.off(name, listener);
      if (!controller.signal.aborted) return;
      // Written to both streams, in order: the exit comes after what was printed (a pipe may be asynchronous).
      process.stdout.write('', () => process.stderr.write('', () => source.exit(code)));
    },
  };
}

/** 128 + the signal's number: what a shell reports for a process the signal ended, and CI systems read as cancelled. */
function exitCodeOf(name: StopSignal): number {
  return 128 + constants.signals[name];
}
