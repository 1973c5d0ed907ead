/**
 * Allure results as one `Format` (a single `*-result.json` named on its own) and as a directory
 * (`allure-results/`, read by read-files when a path or glob names it): the directory is the usual input, since
 * retries and fixtures are only known across its files. The conversion rules are in ./allure.ts.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../errors.js';
import type { TestResult } from '../../model.js';
import type { Format, ReadContext } from '../format.js';
import { collectText, describeJson, parseJson } from '../json-input.js';
import { isObject, objects, str } from '../json-values.js';
import { stripBom } from '../text.js';
import { firstLineOf as firstLine } from '../text.js';
import { allureFixtureFailure, allureResults, allureRun, type AllureFixtureFailure, type AllureRun } from './allure.js';

const EXPECTED = 'an Allure result (<uuid>-result.json)';
export const ALLURE_RESULT_FILE = /-result\.json$/;
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
    const json = parseJson(await collectText(chunks), ctx.source, EXPECTED);
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

/**
 * Read an `allure-results` directory: every `*-result.json` and `*-container.json` directly in it. A file that
 * cannot be read or is not JSON is named in a warning and left out, so one broken file does not lose the rest.
 * Each result's `source` is its own file (`<dir>/<uuid>-result.json`), so attachments resolve beside it.
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
  const runs: AllureRun[] = [];
  const fixtures: AllureFixtureFailure[] = [];
  for (const name of [...resultFiles, ...names.filter((n) => CONTAINER_FILE.test(n) || GLOBALS_FILE.test(n))]) {
    const shown = path.join(directory, name);
    const json = await readJsonFile(path.join(absolute, name), shown, options);
    if (json === undefined) continue;
    if (ALLURE_RESULT_FILE.test(name)) runs.push(allureRun(json, shown));
    else if (GLOBALS_FILE.test(name)) {
      for (const error of objects(json.errors)) {
        const message = firstLine(str(error.message) ?? '');
        if (message !== undefined) options.warn(`${shown}: Allure recorded an error outside any test: ${message}`);
      }
    } else {
      const failure = allureFixtureFailure(json);
      if (failure !== undefined) fixtures.push(failure);
    }
  }
  for (const result of allureResults(runs, fixtures)) options.onResult(result);
}

async function readJsonFile(file: string, shown: string, options: DirectoryOptions): Promise<Record<string, unknown> | undefined> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return undefined;
    if (info.size > options.maxFileBytes) {
      options.warn(`${shown} is larger than the limit for one result file, so it was left out.`);
      return undefined;
    }
    const json = JSON.parse(stripBom(await readFile(file, 'utf8'))) as unknown;
    if (isObject(json)) return json;
    options.warn(`${shown} is not an Allure result (${describeJson(json)}), so it was left out.`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    options.warn(`${shown} could not be read (${reason}), so it was left out; the test it holds is missing from the results. Regenerate it.`);
  }
  return undefined;
}
