/**
 * SIGINT (Ctrl-C; GitHub Actions cancelling a job sends it first) and SIGTERM (GitHub's second word ~7.5 s later,
 * GitLab, Jenkins, Buildkite, a container stopping) while `upload`, `resume` or `run close` runs. Without a handler
 * Node dies at once, some batches sent, the run left open, the rest lost without a word (a resume, its spool not
 * updated for what it had sent). The first signal aborts the command's `interrupt`: it sends nothing more, spools
 * what was not recorded (or leaves the run open) and says so (pipeline/interrupted.ts, operations/stopped.ts,
 * run/close.ts), and the command exits 128 + the signal's number (130, 143). A second one means the user insists:
 * exit at once, saying what may be left half done. `run create` and `doctor` keep Node's default (they die at once).
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

/** What a command says on the first signal (what it does while stopping) and on the second (what may be left). */
export interface StopWords {
  stopping: string;
  atOnce: string;
}

/** `upload` and `resume`: what is not recorded is (still) kept for the next resume. */
const SENDING_STOPS: StopWords = {
  stopping: 'what is not recorded yet is kept for testsigma-tm resume',
  atOnce:
    'The spool file (for testsigma-tm resume) may be incomplete or missing, so results not recorded yet may be lost: check the test run, and upload the results again if it lacks any.',
};

export function listenForInterrupts(io: CliIo, words: StopWords = SENDING_STOPS, source: SignalSource = process): Interrupts {
  const controller = new AbortController();
  const listeners = SIGNALS.map((name) => {
    const listener = (): void => {
      if (!controller.signal.aborted) {
        io.stderr(`testsigma-tm: stopping on ${name}: no new request is sent, and ${words.stopping} (the outcome follows). Interrupt again to exit at once.`);
        controller.abort(new StopRequested(name));
        return;
      }
      io.stderr(`testsigma-tm: ${name} again: exiting at once. ${words.atOnce}`);
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
