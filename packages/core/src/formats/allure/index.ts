/**
 * Allure results as one `Format` (a single `*-result.json` named on its own) and as a directory
 * (`allure-results/`, read by read-files when a path or glob names it): the directory is the usual input, since
 * retries and fixtures are only known across its files. The conversion rules are in ./allure.ts.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../errors.js';
import type { FileOutsideTests, TestResult } from '../../model.js';
import type { Format, ReadContext } from '../format.js';
import { describeJson } from '../json-input.js';
import { JsonItemStream, readItems } from '../json-stream/item-stream.js';
import { isObject, objects, str } from '../json-values.js';
import { firstLineOf as firstLine } from '../text.js';
import { allureFixtureFailure, allureFixtureResult, allureIdentity, allureResults, allureRun, type AllureFixtureFailure, type AllureRun } from './allure.js';
import { AllureFileReader, readAllureFile } from './allure-file.js';

const EXPECTED = 'an Allure result (<uuid>-result.json)';
export const ALLURE_RESULT_FILE = /-result\.json$/;
/** How Allure adapters name attachments (`<uuid>-attachment.<ext>`; allure2's demo data `attachment-report.xml`). */
export const ALLURE_ATTACHMENT = /(^|-)attachment[-.]/;
const CONTAINER_FILE = /-container\.json$/;
// allure-js 3 writes errors outside any test (a `beforeAll` that threw, so its tests were skipped) here.
const GLOBALS_FILE = /-globals\.json$/;
/** How messages name the runner of an Allure results directory: its Allure adapter recorded what the runner reported. */
const ALLURE_RUNNER = 'the test runner';

export const allureResult: Format = {
  id: 'allure',
  label: 'Allure results',
  writtenBy: 'any Allure adapter (allure-jest, allure-playwright, allure-vitest, allure-pytest, Allure Java/.NET): pass the `allure-results` directory',
  /** An object with Allure's own `historyId` or `stage` next to `uuid` and `status`: no other format writes those. */
  sniff: (head) => /^\s*\{/.test(head) && /"uuid"\s*:/.test(head) && /"(historyId|stage)"\s*:/.test(head) && /"status"\s*:/.test(head),
  async *parse(chunks: AsyncIterable<string>, ctx: ReadContext): AsyncGenerator<TestResult, void, undefined> {
    const reader = new AllureFileReader();
    const stream = new JsonItemStream(ctx.source, EXPECTED, reader);
    for await (const _ of readItems(
      chunks,
      stream,
      () => [],
      () => undefined,
    ));
    const json = reader.result;
    if (!isObject(json)) {
      throw new InputError(
        'INPUT_NOT_RESULTS',
        ctx.source,
        `${ctx.source} is JSON but not ${EXPECTED}: ${describeJson(json)}. Pass the allure-results directory.`,
      );
    }
    yield* allureResults([allureRun(json, ctx.source)], []);
  },
};

interface DirectoryOptions {
  cwd: string;
  maxFileBytes: number;
  warn(message: string): void;
  /** Hears the globals' errors: the run failed outside any test (ReadContext.outsideTests). */
  outsideTests(outside: FileOutsideTests): void;
  onResult(result: TestResult): void;
}

/** Does the directory hold Allure results (a `*-result.json` directly in it)? */
export async function holdsAllureResults(directory: string): Promise<boolean> {
  const names = await readdir(directory).catch(() => [] as string[]);
  return names.some((name) => ALLURE_RESULT_FILE.test(name));
}

/**
 * What the first pass keeps of the result files, enough to order them, group each with its retries and fail it
 * with its fixture: parallel typed arrays, one slot per readable file, and each history key once. An object per
 * file (and an array per test) took about 100 bytes a file more, 288,718 files in the bench.
 */
class ResultIndex {
  count = 0;
  /** Its place in the sorted list of result files (a number, not the name: a directory holds 100,000s). */
  file = new Uint32Array(1024);
  stop = new Float64Array(1024);
  /** The history key, as its number in `keys`. */
  key = new Uint32Array(1024);
  /** The failed fixture, as its number in `fixtures` plus one; 0 for none. */
  fixture = new Uint32Array(1024);
  readonly keys: string[] = [];
  readonly fixtures: AllureFixtureFailure[] = [];
  private readonly keyNumbers = new Map<string, number>();
  private readonly fixtureNumbers = new Map<AllureFixtureFailure, number>();

  add(file: number, key: string, stop: number, fixture: AllureFixtureFailure | undefined): void {
    if (this.count === this.file.length) this.grow();
    let keyNumber = this.keyNumbers.get(key);
    if (keyNumber === undefined) {
      keyNumber = this.keys.push(key) - 1;
      this.keyNumbers.set(key, keyNumber);
    }
    let fixtureNumber = 0;
    if (fixture !== undefined) {
      fixtureNumber = this.fixtureNumbers.get(fixture) ?? this.fixtures.push(fixture);
      this.fixtureNumbers.set(fixture, fixtureNumber);
    }
    const at = this.count++;
    this.file[at] = file;
    this.stop[at] = stop;
    this.key[at] = keyNumber;
    this.fixture[at] = fixtureNumber;
  }

  /**
   * The slots grouped by test, as allureResults orders them: by stop time, each test where it first ran, its
   * runs in that order. Returns the slots and where each group starts (one more start: the end).
   */
  groups(): { slots: Uint32Array; starts: Uint32Array } {
    this.keyNumbers.clear();
    this.fixtureNumbers.clear();
    const { file, stop, key } = this;
    const sorted = new Uint32Array(this.count);
    for (let i = 0; i < sorted.length; i += 1) sorted[i] = i;
    sorted.sort((a, b) => (stop[a] as number) - (stop[b] as number) || (file[a] as number) - (file[b] as number));
    const rank = new Int32Array(this.keys.length).fill(-1);
    const sizes: number[] = [];
    for (const slot of sorted) {
      const k = key[slot] as number;
      if (rank[k] === -1) rank[k] = sizes.push(0) - 1;
      const g = rank[k] as number;
      sizes[g] = (sizes[g] as number) + 1;
    }
    const starts = new Uint32Array(sizes.length + 1);
    for (let g = 0; g < sizes.length; g += 1) starts[g + 1] = (starts[g] as number) + (sizes[g] as number);
    const next = starts.slice(0, sizes.length);
    const slots = new Uint32Array(this.count);
    for (const slot of sorted) {
      const g = rank[key[slot] as number] as number;
      slots[(next[g] as number)++] = slot;
    }
    return { slots, starts };
  }

  private grow(): void {
    const grown = <T extends Uint32Array | Float64Array>(from: T, make: (n: number) => T): T => {
      const to = make(from.length * 2);
      to.set(from);
      return to;
    };
    this.file = grown(this.file, (n) => new Uint32Array(n));
    this.stop = grown(this.stop, (n) => new Float64Array(n));
    this.key = grown(this.key, (n) => new Uint32Array(n));
    this.fixture = grown(this.fixture, (n) => new Uint32Array(n));
  }
}

/**
 * Read an `allure-results` directory: every `*-result.json` and `*-container.json` directly in it. A file that
 * cannot be read or is not JSON is named in a warning and left out, so one broken file does not lose the rest.
 * Each result's `source` is its own file (`<dir>/<uuid>-result.json`), so attachments resolve beside it.
 *
 * Memory does not grow with the results' content: the containers are read first (only the fixtures that failed
 * are kept), then a first pass over the results keeps each one's history key, stop time and failed fixture, and
 * a second reads the files again one test at a time (a test's retries together) and hands each result over;
 * then a failed fixture none of whose children had a readable result file is handed over as a result of its own.
 * One file is read at a time, a large one in pieces (./allure-file.ts). Warnings keep the order of a single
 * pass: the result files', then the containers' and globals'.
 */
export async function readAllureDirectory(directory: string, options: DirectoryOptions): Promise<void> {
  const absolute = path.resolve(options.cwd, directory);
  const names = (await readdir(absolute)).sort();
  const resultFiles = names.filter((name) => ALLURE_RESULT_FILE.test(name));
  if (resultFiles.length === 0) {
    throw new InputError(
      'INPUT_NOT_RESULTS',
      directory,
      `${directory} is a directory without Allure results: no *-result.json file in it. Pass the allure-results directory your Allure ` +
        'adapter writes (allure-jest, allure-playwright, allure-vitest, allure-pytest…), or the result files themselves.',
    );
  }
  const later: string[] = [];
  const { fixturesOf, failures } = await readFixtures(absolute, directory, names, { ...options, warn: (message) => later.push(message) });
  // Failed fixtures that no result read applies to: each is a result of its own at the end, or its failure is lost.
  const childless = new Set(failures);
  const index = new ResultIndex();
  for (const [file, name] of resultFiles.entries()) {
    const json = await readJsonFile(path.join(absolute, name), path.join(directory, name), options);
    if (json === undefined) continue;
    const { uuid, key, stop } = allureIdentity(json, name);
    const fixtures = fixturesOf.get(uuid);
    for (const fixture of fixtures ?? []) childless.delete(fixture);
    index.add(file, key, stop, fixtures?.[0]);
  }
  fixturesOf.clear();
  for (const message of later) options.warn(message);
  const { slots, starts } = index.groups();
  for (let group = 0; group + 1 < starts.length; group += 1) {
    const runs: AllureRun[] = [];
    const fixtures = new Set<AllureFixtureFailure>();
    for (let at = starts[group] as number; at < (starts[group + 1] as number); at += 1) {
      const slot = slots[at] as number;
      const name = resultFiles[index.file[slot] as number] as string;
      const shown = path.join(directory, name);
      const key = index.keys[index.key[slot] as number] as string;
      const fixture = index.fixture[slot] as number;
      if (fixture > 0) fixtures.add(index.fixtures[fixture - 1] as AllureFixtureFailure);
      const json = await readJsonFile(path.join(absolute, name), shown, options);
      // Read again as the first pass grouped it: a file rewritten in between still counts once, under its first key.
      if (json !== undefined) runs.push({ ...allureRun(json, shown), key });
    }
    for (const result of allureResults(runs, [...fixtures])) options.onResult(result);
  }
  for (const fixture of childless) options.onResult(allureFixtureResult(fixture));
}

/**
 * The containers' failed fixtures, and by the uuid of each result they apply to (the first of them applies; all are
 * listed, so that each is known to have a child). The globals' errors handed over: the run failed outside any test.
 */
async function readFixtures(
  absolute: string,
  directory: string,
  names: string[],
  options: DirectoryOptions,
): Promise<{ fixturesOf: Map<string, AllureFixtureFailure[]>; failures: AllureFixtureFailure[] }> {
  const fixturesOf = new Map<string, AllureFixtureFailure[]>();
  const failures: AllureFixtureFailure[] = [];
  for (const name of names.filter((n) => CONTAINER_FILE.test(n) || GLOBALS_FILE.test(n))) {
    const shown = path.join(directory, name);
    const json = await readJsonFile(path.join(absolute, name), shown, options);
    if (json === undefined) continue;
    if (GLOBALS_FILE.test(name)) {
      // The whole message (its first line is what the upload's error shows), or the trace's first line.
      const errors = objects(json.errors).flatMap((error) => {
        const message = str(error.message)?.trim() || firstLine(str(error.trace) ?? '');
        return message ? [{ message }] : [];
      });
      if (errors.length > 0) options.outsideTests({ runner: ALLURE_RUNNER, errors });
      continue;
    }
    const failure = allureFixtureFailure(json, shown);
    if (failure === undefined) continue;
    failures.push(failure);
    for (const child of failure.children) {
      const listed = fixturesOf.get(child);
      if (listed === undefined) fixturesOf.set(child, [failure]);
      else listed.push(failure);
    }
  }
  return { fixturesOf, failures };
}

async function readJsonFile(file: string, shown: string, options: DirectoryOptions): Promise<Record<string, unknown> | undefined> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return undefined;
    if (info.size > options.maxFileBytes) {
      options.warn(`${shown} is larger than the limit for one result file, so it was left out.`);
      return undefined;
    }
    const json = await readAllureFile(file, shown, info.size);
    if (isObject(json)) return json;
    options.warn(`${shown} is not an Allure result (${describeJson(json)}), so it was left out.`);
  } catch (error) {
    const reason =
      error instanceof InputError
        ? error.message.replace(/^.*? is not valid JSON: /, 'not valid JSON: ').replace(/\. Expected [\s\S]*$/, '')
        : error instanceof Error
          ? error.message
          : String(error);
    options.warn(`${shown} could not be read (${reason}), so it was left out; the test it holds is missing from the results. Regenerate it.`);
  }
  return undefined;
}
