/**
 * Where the core's messages go. Hosts plug in their own (stderr for the CLI, @actions/core for the Action,
 * the runner's console for reporters). Every message passes through `redact` first: the token is sacred.
 */
import { redact } from './redact.js';

/** The one redaction, where loggers have always found it. */
export { redact } from './redact.js';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /**
   * One line per stage of an upload (project resolved, cases listed, run opened, results recorded, closed):
   * what a quiet host (a reporter) still prints, so that no stage passes in silence. Default: `info`.
   */
  stage?(message: string): void;
}

/** A stage line, through the host's `stage` when it has one. */
export function logStage(log: Logger, message: string): void {
  if (log.stage) log.stage(message);
  else log.info(message);
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A logger that redacts the given secrets before handing messages on. */
export function redactingLogger(inner: Logger, secrets: readonly (string | undefined)[]): Logger {
  // Nothing is shown: nothing to redact (a simulation's thousands of jobs log through it).
  if (inner === silentLogger) return silentLogger;
  return {
    debug: (m) => inner.debug(redact(m, secrets)),
    info: (m) => inner.info(redact(m, secrets)),
    warn: (m) => inner.warn(redact(m, secrets)),
    error: (m) => inner.error(redact(m, secrets)),
    stage: (m) => logStage(inner, redact(m, secrets)),
  };
}
