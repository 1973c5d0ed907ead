/**
 * What every producer's folder under formats/ exports: one `Format`. The registry (formats/registry.ts) lists
 * them; detection, dispatch and every "expected JUnit XML, Jest --json or ..." message are read from that list,
 * so a new input format is one folder plus one registry line.
 */
import type { FileOutsideTests, FormatId, TestResult } from '../model.js';

/** How a reader takes what a producer leaves ambiguous, from the settings. */
export interface ReadingRules {
  /**
   * A testcase repeated with the same classname and name in one suite, after a failed run of it, is a rerun
   * (gotestsum --rerun-fails, jest-junit with retries) rather than another test of the same title. Off by
   * default: a duplicated title looks exactly like a rerun, and taking it for one could hide a failure.
   */
  repeatsAreRetries?: boolean;
}

/** What a format's reader is handed besides the text. */
export interface ReadContext extends ReadingRules {
  /** The file as the user named it: the `source` of every result and the subject of every message. */
  source: string;
  /** Something a person should know that is not a test result (an element skipped, an empty file). */
  warn(message: string): void;
  /**
   * Errors the runner reported outside any test (Playwright's `errors[]`, Jest's `runExecError`, a TRX file's
   * Error RunInfos, an Allure globals file's `errors`): the run that
   * wrote the file failed, whatever its results say, so the upload's outcome says so (pipeline/inputs.ts).
   */
  outsideTests(outside: FileOutsideTests): void;
}

export interface Format {
  id: FormatId;
  /** How messages name it, e.g. `JUnit XML`, `Jest --json`. */
  label: string;
  /** For an XML format, the root elements of its documents: the refusal of an XML file no format reads names them. */
  xmlRoots?: readonly string[];
  /** The command (or setting) that writes it, for the READMEs' list of formats and for refusals that point a way out. */
  writtenBy?: string;
  /**
   * Does a file that starts like this belong to the format? `head` is at most the first 64 KiB of the decoded
   * text, byte-order mark removed and leading whitespace kept. Cheap, and never a full parse: the registry asks
   * the formats in order and takes the first that says yes, so a more specific format is listed before a
   * more general one.
   */
  sniff(head: string): boolean;
  /**
   * Read the whole file, given as decoded text in pieces, and yield each result as soon as it is complete, so
   * memory need not grow with the file. Throws InputError (naming `ctx.source`) when the text is not this format
   * or is malformed.
   */
  parse(chunks: AsyncIterable<string>, ctx: ReadContext): AsyncIterable<TestResult>;
  /**
   * Optional, for formats with many small results: the same results as `parse`, handed over as many as one
   * piece of text completed at a time. One await per piece instead of one per result: measured at a quarter
   * of the JUnit reader's time. The file reader uses it when present.
   */
  parseInBatches?(chunks: AsyncIterable<string>, ctx: ReadContext): AsyncIterable<readonly TestResult[]>;
}
