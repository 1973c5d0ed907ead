/**
 * The input read while the project's test cases are listed. The listing is a chain of pages at the service's rate
 * (10,000 cases: 100 pages, 10 s at 10 requests/s), and the client waits on it; reading and tallying the input
 * after it made the run's creation wait a second more (10,000 results: 1.1 s between the last page and the
 * create, BENCHMARKS.md). Read during it, the results that name a case wait for the cases in the mapper
 * (ResultMapper without cases, then `resolve`), as they do when a run is given.
 *
 * Only while what waits stays small: the results waiting are held whole until the cases are known, so past
 * EARLY_READ_MAX_CHARS the early read stops, is thrown away, and the input is read after the listing as before
 * (a large file costs the part read twice, during a wait on the network). Nothing is sent because of it: the
 * run is created after the listing and the read, exactly as before, and only from a read that was not stopped.
 * The host's stop (`UploadInput.interrupt`) stops it at the next result too, however late it comes.
 */
import { ResultMapper } from '../map/mapping.js';
import type { FileOutcome, TestResult } from '../model.js';
import { ResultTally } from '../report/tally.js';
import { readAll } from './inputs.js';
import type { UploadContext } from './stages.js';

/**
 * What the results waiting for the cases may hold, in UTF-16 code units of their texts, each counted with
 * PER_RESULT_CHARS more for its objects: 10,000 results of a typical report fit many times over, while a file of
 * 170,000 (30 MB of JUnit) stops after a few tens of thousands.
 */
const EARLY_READ_MAX_CHARS = 8 * 1024 * 1024;
const PER_RESULT_CHARS = 256;

/** A read that went to its end: the results mapped once the cases are known (`mapper.resolve`). */
interface EarlyRead {
  mapper: ResultMapper;
  tally: ResultTally;
  files: FileOutcome[];
}

export interface ReadingEarly {
  /** The whole read, or undefined when it was stopped (too much waiting, or `stop`); rejects as the read would. */
  read: Promise<EarlyRead | undefined>;
  /** Begin now if it has not begun (the listing is over: nothing is left to wait for). */
  begin(): void;
  /** Stop reading at the next result (the listing failed: the upload goes another way). Resolves once it stopped. */
  stop(): Promise<void>;
}

/** Thrown through the reader to stop it; a reader of files records it as the file's error, which is thrown away. */
class Stopped extends Error {}

/**
 * Read the input for a project whose ids carry `prefix` (see the file comment), beginning when `after` resolves
 * (the pacer's next wait for the window: a read begun with the listing held up reading its first pages' answers,
 * and so the whole chain) or when told to (`begin`), whichever comes first.
 */
export function readWhileListing(
  ctx: Pick<UploadContext, 'input' | 'settings' | 'workspace'>,
  prefix: string,
  { after = Promise.resolve(), maxChars = EARLY_READ_MAX_CHARS }: { after?: Promise<void>; maxChars?: number } = {},
): ReadingEarly {
  const control = { stopped: false };
  let begin: () => void = () => undefined;
  const begun = new Promise<void>((resolve) => (begin = resolve));
  void after.then(begin);
  const read = begun.then(() => (control.stopped ? undefined : readAllEarly(ctx, prefix, maxChars, control)));
  // Settled, never rejected, for `stop`: whoever uses the read hears its error.
  const settled = read.then(
    () => undefined,
    () => undefined,
  );
  return {
    read,
    begin: () => begin(),
    stop: () => {
      control.stopped = true;
      begin();
      return settled;
    },
  };
}

/**
 * The read itself. A function of its own, so that what it holds (the waiting results) is let go with it when it
 * stops: closures made in one function share what any of them holds, and `stop` lives as long as the upload.
 */
async function readAllEarly(
  ctx: Pick<UploadContext, 'input' | 'settings' | 'workspace'>,
  prefix: string,
  maxChars: number,
  control: { stopped: boolean },
): Promise<EarlyRead | undefined> {
  const keepResults = ctx.settings.matchByTitle || ctx.settings.createMissingCases;
  const mapper = new ResultMapper(undefined, prefix, { keepResults });
  // Failed results are named with their case once it is known (placeLate): the tally keeps them until then.
  const tally = new ResultTally({ lines: false, workspace: ctx.workspace, keepResults: true });
  let held = 0;
  const { interrupt } = ctx.input;
  const each = (result: TestResult): void => {
    // Stopped by the host after the listing (the read goes on alone): at the next result, as the read after it.
    if (interrupt?.aborted) control.stopped = true;
    if (control.stopped) throw new Stopped();
    const waiting = mapper.waiting;
    tally.add(result, mapper.add(result));
    if (mapper.waiting > waiting) held += heldChars(result);
    if (held > maxChars) {
      control.stopped = true;
      throw new Stopped();
    }
  };
  try {
    // No logger: the files' warnings are logged when the read is used, where the read after the listing logged them.
    const files = await readAll(ctx.input, each);
    return control.stopped ? undefined : { mapper, tally, files };
  } catch (error) {
    if (error instanceof Stopped) return undefined;
    throw error;
  }
}

function heldChars(result: TestResult): number {
  return PER_RESULT_CHARS + result.name.length + (result.message?.length ?? 0) + (result.stack?.length ?? 0) + (result.output?.length ?? 0);
}
