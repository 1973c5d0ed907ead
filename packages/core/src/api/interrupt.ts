/**
 * A host asked to stop (SIGINT: Ctrl-C, or a CI system cancelling the job; SIGTERM: the same from most CI systems
 * and containers): an AbortSignal aborted with a StopRequested naming the signal. The HTTP client then sends no new request and
 * abandons those in flight, each failing as a request without an answer (ApiError INTERRUPTED / TERMINATED): the
 * upload treats it as it treats an outage's lost answer, so a batch that may have landed is spooled, and `resume`
 * reads the run before sending it, never writing a result twice.
 */
import { setMaxListeners } from 'node:events';
import type { Clock } from '../clock.js';
import { ApiError, InterruptedError, type ApiErrorDetails } from '../errors.js';

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
 * Waits that end as soon as `interrupt` aborts: a turn under the rate limit, a retry's backoff. One listener on the
 * signal serves them all (a client has many waits at once, and Node 20 warns past 10 listeners on one signal).
 */
export class StopWaits {
  private readonly waits = new Set<() => void>();
  /**
   * Aborted with the stop: what the sleeps behind these waits take (Clock.sleep), so that their timers end with
   * them. Its own signal, without the limit: as many sleeps listen to it as wait at once.
   */
  readonly signal: AbortSignal;

  constructor(private readonly interrupt: AbortSignal) {
    const sleeps = new AbortController();
    setMaxListeners(0, sleeps.signal);
    this.signal = sleeps.signal;
    if (interrupt.aborted) sleeps.abort(interrupt.reason);
    interrupt.addEventListener(
      'abort',
      () => {
        for (const abandon of this.waits) abandon();
        this.waits.clear();
        sleeps.abort(interrupt.reason);
      },
      { once: true },
    );
  }

  /**
   * `waiting`, or a rejection (Interrupted) once the stop comes; `onLate` then gets what `waiting` resolves to later
   * (a pacer's turn to give back). What `waiting` waits on must end at the stop too (a sleep that takes it, a
   * request abandoned): this only makes its waiter let go first, and a timer left running would keep a host that
   * does not exit by itself (the Action) alive after it said what it did.
   */
  until<T>(waiting: Promise<T>, onLate?: (value: T) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let abandoned = false;
      const abandon = (): void => {
        abandoned = true;
        reject(new Interrupted());
      };
      if (this.interrupt.aborted) abandon();
      else this.waits.add(abandon);
      waiting.then(
        (value) => {
          this.waits.delete(abandon);
          if (abandoned) onLate?.(value);
          else resolve(value);
        },
        (error: unknown) => {
          this.waits.delete(abandon);
          reject(error);
        },
      );
    });
  }
}

/** Thrown by `StopWaits.until`; the client turns it into the request's error (it knows the request). */
export class Interrupted extends Error {}

/**
 * `clock`, its sleeps ended by the host's stop: the run protocol's pauses, turns and polls (run/) take it, so that a
 * cancelled job never waits out a confirming gap, a closing turn or a write in doubt (up to LATE_WRITE_MS) before
 * it says what it left — the CI system kills it seconds after its first signal. A sleep the stop ends rejects
 * with InterruptedError naming the signal (thrown through the protocol to the upload, which spools the rest).
 */
export function stoppingClock(clock: Clock, interrupt: AbortSignal | undefined): Clock {
  if (!interrupt) return clock;
  const waits = new StopWaits(interrupt);
  return {
    now: () => clock.now(),
    random: () => clock.random(),
    ...(clock.every && { every: clock.every.bind(clock) }),
    sleep: (ms) =>
      waits.until(clock.sleep(ms, waits.signal)).catch((error: unknown) => {
        const signal = stoppedBy(interrupt);
        if (error instanceof Interrupted && signal) throw new InterruptedError(stopCode(signal), `Stopped by ${signal} while waiting.`);
        throw error;
      }),
  };
}
