/**
 * A host asked to stop (SIGINT: Ctrl-C, or a CI system cancelling the job; SIGTERM: the same from most CI systems
 * and containers): an AbortSignal aborted with a StopRequested naming the signal. The HTTP client then sends no new request and
 * abandons those in flight, each failing as a request without an answer (ApiError INTERRUPTED / TERMINATED): the
 * upload treats it as it treats an outage's lost answer, so a batch that may have landed is spooled, and `resume`
 * reads the run before sending it, never writing a result twice.
 */
import { ApiError, type ApiErrorDetails } from '../errors.js';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** What a host aborts its interrupt with: an Error (a sender destroys its socket with the reason), naming the signal. */
export class StopRequested extends Error {
  constructor(readonly signal: StopSignal) {
    super(`stopped by ${signal}`);
    this.name = 'AbortError';
  }
}

/** The signal that stopped the host, once one has (the abort's reason); undefined until then. */
export function stoppedBy(interrupt: AbortSignal | undefined): StopSignal | undefined {
  if (!interrupt?.aborted) return undefined;
  return interrupt.reason instanceof StopRequested ? interrupt.reason.signal : 'SIGINT';
}

/** The error code of a stop by `signal` (its row in ERROR_CODES decides the exit code: 130, 143). */
export function stopCode(signal: StopSignal): 'INTERRUPTED' | 'TERMINATED' {
  return signal === 'SIGTERM' ? 'TERMINATED' : 'INTERRUPTED';
}

/** A request abandoned (`sent`: it may have been applied) or never sent because the host was stopped. */
export function interruptedRequest(details: ApiErrorDetails, signal: StopSignal, sent: boolean): ApiError {
  const hint = sent
    ? `testsigma-tm was stopped by ${signal} before the request succeeded: it was sent, so it may or may not have been applied.`
    : `testsigma-tm was stopped by ${signal}: the request was not sent.`;
  return new ApiError(stopCode(signal), details, hint);
}

/**
 * `waiting`, or a rejection as soon as `interrupt` aborts (`onLate` then gets what `waiting` resolves to later: a
 * pacer's turn to give back). What `waiting` waits on is left to end by itself: the host exits once the upload says
 * what it did.
 */
export function unlessInterrupted<T>(waiting: Promise<T>, interrupt: AbortSignal | undefined, onLate?: (value: T) => void): Promise<T> {
  if (!interrupt) return waiting;
  return new Promise<T>((resolve, reject) => {
    let abandoned = false;
    const abort = (): void => {
      abandoned = true;
      reject(new Interrupted());
    };
    if (interrupt.aborted) abort();
    else interrupt.addEventListener('abort', abort, { once: true });
    waiting.then(
      (value) => {
        interrupt.removeEventListener('abort', abort);
        if (abandoned) onLate?.(value);
        else resolve(value);
      },
      (error: unknown) => {
        interrupt.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

/** Thrown by `unlessInterrupted`; the client turns it into the request's error (it knows the request). */
export class Interrupted extends Error {}
