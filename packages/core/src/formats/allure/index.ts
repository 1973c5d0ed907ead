/**
 * Allure results as one `Format` (a single `*-result.json` named on its own) and as a directory
 * (`allure-results/`, read by read-files when a path or glob names it): the directory is the usual input, since
 * retries and fixtures are only known across its files. The conversion rules are in ./allure.ts.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../errors.js';
import type { TestResult } from '../../model.js';
import type { Format, ReadContext } from '../format.js';
import { describeJson } from '../json-input.js';
import { JsonItemStream, readItems } from '../json-stream/item-stream.js';
import { isObject, objects, str } from '../json-values.js';
import { firstLineOf as firstLine } from '../text.js';
import { allureFixtureFailure, allureIdentity, allureResults, allureRun, type AllureFixtureFailure, type AllureRun } from './allure.js';
import { AllureFileReader, readAllureFile } from './allure-file.js';

const EXPECTED = 'an Allure result (<uuid>-result.json)';
export const ALLURE_RESULT_FILE = /-result\.json$/;
/** How Allure adapters name attachments (`<uuid>-attachment.<ext>`; allure2's demo data `attachment-report.xml`). */
export const ALLURE_ATTACHMENT = /(^|-)attachment[-.]/;
const CONTAINER_FILE = /-container\.json$/;
// allure-js 3 writes errors outside any test (a `beforeAll` that threw, so its tests were skipped) here.
const GLOBALS_FILE = /-globals\.json$/;

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
  onResult(result: TestResult): void;
}

/** Does the directory hold Allure results (a `*-result.json` directly in it)? */
export async function holdsAllureResults(directory: string): Promise<boolean> {
  const names = await readdir(directory).catch(() => [] as string[]);
  return names.some((name) => ALLURE_RESULT_FILE.test(name));
}

/** What the first pass keeps of one result file: enough to order it, group it with its retries and fail it with its fixture. */
interface IndexEntry {
  /** Its place in the sorted list of result files (a number, not the name: a directory holds 100,000s). */
  file: number;
  key: string;
  stop: number;
  fixture: AllureFixtureFailure | undefined;
}

/**
 * Read an `allure-results` directory: every `*-result.json` and `*-container.json` directly in it. A file that
 * cannot be read or is not JSON is named in a warning and left out, so one broken file does not lose the rest.
 * Each result's `source` is its own file (`<dir>/<uuid>-result.json`), so attachments resolve beside it.
 *
 * Memory does not grow with the results' content: the containers are read first (only the fixtures that failed
 * are kept), then a first pass over the results keeps each one's history key, stop time and failed fixture, and
 * a second reads the files again one test at a time (a test's retries together) and hands each result over.
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
  const fixtureOf = await readFixtures(absolute, directory, names, { ...options, warn: (message) => later.push(message) });
  const index: IndexEntry[] = [];
  for (const [file, name] of resultFiles.entries()) {
    const json = await readJsonFile(path.join(absolute, name), path.join(directory, name), options);
    if (json === undefined) continue;
    const { uuid, key, stop } = allureIdentity(json, name);
    index.push({ file, key, stop, fixture: fixtureOf.get(uuid) });
  }
  for (const message of later) options.warn(message);
  // The order allureResults gives: by stop time, each test where it first ran.
  const groups = new Map<string, IndexEntry[]>();
  for (const entry of index.sort((a, b) => a.stop - b.stop || a.file - b.file)) {
    const group = groups.get(entry.key);
    if (group === undefined) groups.set(entry.key, [entry]);
    else group.push(entry);
  }
  for (const group of groups.values()) {
    const runs: AllureRun[] = [];
    for (const entry of group) {
      const name = resultFiles[entry.file] as string;
      const shown = path.join(directory, name);
      const json = await readJsonFile(path.join(absolute, name), shown, options);
      // Read again as the first pass grouped it: a file rewritten in between still counts once, under its first key.
      if (json !== undefined) runs.push({ ...allureRun(json, shown), key: entry.key });
    }
    const fixtures = [...new Set(group.map((e) => e.fixture).filter((f): f is AllureFixtureFailure => f !== undefined))];
    for (const result of allureResults(runs, fixtures)) options.onResult(result);
  }
}

/** The containers' failed fixtures by the uuid of each result they apply to; the globals' errors warned about. */
async function readFixtures(absolute: string, directory: string, names: string[], options: DirectoryOptions): Promise<Map<string, AllureFixtureFailure>> {
  const fixtureOf = new Map<string, AllureFixtureFailure>();
  for (const name of names.filter((n) => CONTAINER_FILE.test(n) || GLOBALS_FILE.test(n))) {
    const shown = path.join(directory, name);
    const json = await readJsonFile(path.join(absolute, name), shown, options);
    if (json === undefined) continue;
    if (GLOBALS_FILE.test(name)) {
      for (const error of objects(json.errors)) {
        const message = firstLine(str(error.message) ?? '');
        if (message !== undefined) options.warn(`${shown}: Allure recorded an error outside any test: ${message}`);
      }
      continue;
    }
    const failure = allureFixtureFailure(json);
    if (failure !== undefined) for (const child of failure.children) if (!fixtureOf.has(child)) fixtureOf.set(child, failure);
  }
  return fixtureOf;
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
