/**
 * The parsing stage's entry: patterns in, one FileOutcome per result file out.
 *
 * A file that cannot be read or parsed gives an outcome with `error` and the others are still read: one
 * truncated shard must not hide the results of the rest. Files are read one at a time, in pieces (1 MiB,
 * decoded 64 KiB at a time: decode.ts) handed to the format's reader, so memory holds the results, never
 * the file. Only regular files are opened (a FIFO or a device, e.g. a symlink to /dev/zero, would be
 * read without end), and the size limit counts the bytes actually read, not what `stat` promised.
 */
import { constants, statSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { FileOutcome, FileOutsideTests, ResultSource, TestResult } from '../model.js';
import type { FormatId } from '../model.js';
import type { ReadingRules } from './format.js';
import { SNIFF_CHARS, detect, expectedFormats, refuseUnrecognised } from './registry.js';
import { stripBom } from './text.js';
import { decodedPieces } from './decode.js';
import { displayPath } from './paths.js';
import { ALLURE_ATTACHMENT, ALLURE_RESULT_FILE, holdsAllureResults, readAllureDirectory } from './allure/index.js';

export { decodeResultBytes } from './decode.js';

/** How much of each file a probe reads: all of a typical report, a sliver of a huge one. */
const PROBE_CHARS = 1024 * 1024;

/** Default size limit: larger files are refused rather than risking the runner's memory. */
const DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024;

export interface ReadOptions {
  /** Directory relative patterns are resolved against. Default: process.cwd(). */
  cwd?: string;
  /** Files larger than this are refused with INPUT_TOO_LARGE. Default: 512 MiB. */
  maxFileBytes?: number;
}

export interface ParsedText {
  format: FormatId;
  results: TestResult[];
  /** Things a person should know that are not test results (an empty file, an element skipped). */
  warnings: string[];
  /** Errors the runner reported outside any test (Playwright's `errors[]`, Jest's `runExecError`, TRX, Allure). */
  outsideTests?: FileOutsideTests;
}

/** A FileOutcome plus warnings; assignable to FileOutcome. */
export interface ReadFileOutcome extends FileOutcome {
  warnings: string[];
}

/** Detect the format of one result file's text and read it, as readResultFiles does. Throws InputError naming `source`. */
export async function parseResultText(text: string, source: string): Promise<ParsedText> {
  const warnings: string[] = [];
  const results: TestResult[] = [];
  let outsideTests: FileOutsideTests | undefined;
  const whole = (async function* whole() {
    yield text;
  })();
  const format = await readDecoded(whole, source, {
    warn: (message) => warnings.push(message),
    outsideTests: (outside) => (outsideTests = joinOutsideTests(outsideTests, outside)),
    onResult: (result) => results.push(result),
  });
  if (results.length === 0 && !outsideTests) warnings.push(`${source} contains no test results.`);
  return { format, results, warnings, ...(outsideTests && { outsideTests }) };
}

interface ReadFileOptions {
  /** Directory a relative `file` is resolved against. Default: process.cwd(). */
  cwd?: string;
  /** Default: DEFAULT_MAX_FILE_BYTES. */
  maxFileBytes?: number;
  /** Called with what a person should know that is not a result. */
  warn(message: string): void;
  /** Called with the errors the runner reported outside any test (ReadContext.outsideTests). */
  outsideTests(outside: FileOutsideTests): void;
  /** Called with each result as soon as it is read; a consumer that need not keep them all, does not. */
  onResult(result: TestResult): void;
  /** Only look: recognise the format and read the first PROBE_CHARS (see ResultFileSource.probe). */
  headOnly?: boolean;
  rules?: ReadingRules;
}

/**
 * Read one result file, handing over each result as it is read; resolves to the format. Throws InputError
 * naming `file`. readResultFiles is this, collected. (A callback, not an async generator: every result
 * passed through generators stacked three deep cost more than reading it.)
 * @public exported for `npm run bench` (scripts/bench/parse-child.mjs), which measures the reader alone.
 */
export async function readResultFile(file: string, options: ReadFileOptions): Promise<FormatId> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  // A directory that expandPatterns kept is an allure-results directory: its tests span its files.
  if ((await stat(path.resolve(options.cwd ?? process.cwd(), file)).catch(() => undefined))?.isDirectory() === true) {
    await readAllureDirectory(file, {
      cwd: options.cwd ?? process.cwd(),
      maxFileBytes,
      warn: options.warn,
      outsideTests: options.outsideTests,
      onResult: options.onResult,
    });
    return 'allure';
  }
  // Non-blocking, so that opening a FIFO without a writer returns at once (and is then refused).
  const handle = await open(path.resolve(options.cwd ?? process.cwd(), file), constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw notRegular(file, info);
    if (info.size > maxFileBytes) throw tooLarge(file, `is ${formatBytes(info.size)}`, maxFileBytes);
    const grew = (): Error => tooLarge(file, `grew to more than ${formatBytes(maxFileBytes)} while it was read`, maxFileBytes);
    return await readDecoded(decodedPieces(handle, maxFileBytes, grew), file, options);
  } finally {
    await handle.close();
  }
}

/**
 * Sniff the first SNIFF_CHARS of the decoded pieces, then hand every piece to the format that claims them; with
 * `headOnly`, stop after the first PROBE_CHARS (a probe).
 */
async function readDecoded(
  pieces: AsyncIterable<string>,
  source: string,
  sink: Pick<ReadFileOptions, 'warn' | 'outsideTests' | 'onResult' | 'headOnly' | 'rules'>,
): Promise<FormatId> {
  const iterator = pieces[Symbol.asyncIterator]();
  let head = '';
  let ended = false;
  while (head.length < SNIFF_CHARS || head.trim() === '') {
    const next = await iterator.next();
    if (next.done === true) {
      ended = true;
      break;
    }
    head = head === '' ? stripBom(next.value) : head + next.value;
  }
  const all = async function* all(): AsyncGenerator<string, void, undefined> {
    yield head;
    if (!ended) yield* { [Symbol.asyncIterator]: () => iterator };
  };
  const format = head.trim() === '' ? undefined : detect(head);
  if (format === undefined) throw await refuseUnrecognised(head, all(), source);
  const ctx = { source, warn: sink.warn, outsideTests: sink.outsideTests, ...sink.rules };
  let read = 0;
  const counted = async function* counted(): AsyncGenerator<string, void, undefined> {
    for await (const piece of all()) {
      read += piece.length;
      yield piece;
    }
  };
  // A probe reads the first PROBE_CHARS (a small file whole), so that what is broken near the start is found early.
  const enough = (): boolean => sink.headOnly === true && read >= PROBE_CHARS;
  if (format.parseInBatches !== undefined) {
    for await (const batch of format.parseInBatches(counted(), ctx)) {
      for (const result of batch) sink.onResult(result);
      if (enough()) break;
    }
  } else {
    for await (const result of format.parse(counted(), ctx)) {
      sink.onResult(result);
      if (enough()) break;
    }
  }
  return format.id;
}

export async function readResultFiles(patterns: string[], options: ReadOptions = {}): Promise<ReadFileOutcome[]> {
  const cwd = options.cwd ?? process.cwd();
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const { files, unmatched } = await expandPatterns(patterns, cwd);
  const outcomes: ReadFileOutcome[] = unmatched.map((pattern) => notFoundOutcome(pattern, cwd));
  for (const file of files) outcomes.push(await readOne(file, cwd, maxFileBytes));
  return outcomes;
}

async function readOne(file: string, cwd: string, maxFileBytes: number): Promise<ReadFileOutcome> {
  const results: TestResult[] = [];
  const { count: _count, ...outcome } = await handOver(file, cwd, maxFileBytes, (result) => results.push(result));
  return outcome.error ? { ...outcome, warnings: [] } : { ...outcome, results };
}

/** Read one file, handing its results over; the outcome counts them. A file that fails midway keeps what it handed over. */
async function handOver(
  file: string,
  cwd: string,
  maxFileBytes: number,
  onResult: (result: TestResult) => void,
  headOnly = false,
  rules: ReadingRules = {},
): Promise<ReadFileOutcome> {
  const warnings: string[] = [];
  let outsideTests: FileOutsideTests | undefined;
  let count = 0;
  try {
    const format = await readResultFile(file, {
      cwd,
      maxFileBytes,
      headOnly,
      rules,
      warn: (message) => warnings.push(message),
      // Where each happened is shown as a terminal user reads paths: from the working directory.
      outsideTests: (outside) => (outsideTests = joinOutsideTests(outsideTests, fromDirectory(outside, cwd))),
      onResult: (result) => {
        count++;
        onResult(result);
      },
    });
    // A file without tests whose run failed outside them says why itself (the error the upload ends with).
    if (count === 0 && !headOnly && !outsideTests) warnings.push(`${file} contains no test results.`);
    return { path: file, format: format as FileOutcome['format'], results: [], count, warnings, ...(outsideTests && { outsideTests }) };
  } catch (error) {
    return { path: file, results: [], count, warnings, error: asInputError(error, file) };
  }
}

/** Result files read as a ResultSource: see resultFileSource. */
export interface ResultFileSource extends ResultSource {
  /**
   * A first look: the patterns that matched nothing, and the files that cannot be opened, are no result format
   * or are broken within their first MiB (errors); the others with their format. Lets a host stop early
   * without asking the service. Results are not handed over.
   */
  probe(): Promise<ReadFileOutcome[]>;
  read(each: (result: TestResult) => void, rules?: ReadingRules): Promise<ReadFileOutcome[]>;
  /**
   * The bytes of the files matched, for a host that tunes its process to the read (hosts/compiler-tier.ts);
   * undefined when a directory is among them (an allure-results directory: its size is its files').
   */
  size(): Promise<number | undefined>;
}

/**
 * The files the patterns name, read while the upload maps them: each `read` reads every file from the start and
 * hands each result over as it is read, keeping none, so memory holds what the consumer keeps. A file that fails
 * midway is reported with its error; the results it handed over before the failure stay handed over (a
 * truncated report still holds real results, and dropping them would lose them silently).
 */
export async function resultFileSource(patterns: string[], options: ReadOptions = {}): Promise<ResultFileSource> {
  const cwd = options.cwd ?? process.cwd();
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const { files, unmatched } = await expandPatterns(patterns, cwd);
  const notFound = unmatched.map((pattern) => notFoundOutcome(pattern, cwd));
  return {
    async probe() {
      const outcomes = [...notFound];
      for (const file of files) outcomes.push(await handOver(file, cwd, maxFileBytes, () => undefined, true));
      return outcomes;
    },
    async read(each, rules) {
      const outcomes = [...notFound];
      for (const file of files) outcomes.push(await handOver(file, cwd, maxFileBytes, each, false, rules));
      return outcomes;
    },
    async size() {
      let bytes = 0;
      for (const file of files) {
        // A file that cannot be looked at counts nothing: reading it fails, and says why.
        const info = await stat(path.resolve(cwd, file)).catch(() => undefined);
        if (info?.isDirectory()) return undefined;
        bytes += info?.size ?? 0;
      }
      return bytes;
    },
  };
}

/** Errors outside any test said twice in one file (a key repeated): every one is kept. */
function joinOutsideTests(before: FileOutsideTests | undefined, outside: FileOutsideTests): FileOutsideTests {
  return before ? { runner: before.runner, errors: [...before.errors, ...outside.errors] } : outside;
}

function fromDirectory(outside: FileOutsideTests, cwd: string): FileOutsideTests {
  return { ...outside, errors: outside.errors.map((e) => (e.file === undefined ? e : { ...e, file: displayPath(e.file, cwd) })) };
}

function notFoundOutcome(pattern: string, cwd: string): ReadFileOutcome {
  if (isDirectory(path.resolve(cwd, pattern))) {
    return {
      path: pattern,
      results: [],
      warnings: [],
      error: new InputError(
        'INPUT_NOT_FOUND',
        pattern,
        `${pattern} is a directory without result files: no *.xml, *.trx or *.tap below it and no Allure *-result.json in it (looked in ${cwd}). ` +
          `Expected ${expectedFormats()} files; pass the files (or a glob), or the allure-results directory itself.`,
      ),
    };
  }
  return {
    path: pattern,
    results: [],
    warnings: [],
    error: new InputError(
      'INPUT_NOT_FOUND',
      pattern,
      // The path is what to fix, not the format: the list of formats read (a long one) is left to the messages about a file.
      `No result file matches "${pattern}" (looked in ${cwd}). Check the path (a file, a glob such as "reports/**/*.xml", or a directory), ` +
        'and that the test step wrote its results before this step ran.',
    ),
  };
}

function notRegular(
  file: string,
  info: { isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean; isDirectory(): boolean },
): InputError {
  const kind = info.isFIFO()
    ? 'a FIFO (named pipe)'
    : info.isCharacterDevice() || info.isBlockDevice()
      ? 'a device'
      : info.isSocket()
        ? 'a socket'
        : info.isDirectory()
          ? 'a directory'
          : 'not a regular file';
  return new InputError(
    'INPUT_NOT_REGULAR_FILE',
    file,
    `${file} is ${kind}${kind.startsWith('not') ? '' : ', not a regular file'}: only regular files are read, since a pipe or a device ` +
      '(such as a link to /dev/zero) can be read without end. Pass the result file itself.',
  );
}

function tooLarge(file: string, what: string, maxFileBytes: number): InputError {
  return new InputError(
    'INPUT_TOO_LARGE',
    file,
    `${file} ${what}, more than the ${formatBytes(maxFileBytes)} limit for one result file. ` +
      'Split the results into several files (one per test module or shard), or raise the limit.',
  );
}

function asInputError(error: unknown, file: string): InputError {
  if (error instanceof InputError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ERR_STRING_TOO_LONG') {
    return new InputError('INPUT_TOO_LARGE', file, `${file} is too large to read into memory at once. Split the results into several files.`, {
      cause: error,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new InputError('INPUT_UNREADABLE', file, `${file} could not be read: ${reason}. Check that the file exists and is readable.`, {
    cause: error,
  });
}

/**
 * Patterns → files, sorted and without duplicates. A pattern that names an existing file is taken
 * literally (file names may contain glob characters such as `[1]`); a directory means the `*.xml`, `*.trx` and
 * `*.tap` files below it (`dotnet test --logger trx` names its files `.trx`, TAP streams are saved as `.tap`; a
 * `.json` there could be anything, package.json included), and itself when it holds Allure results
 * (`*-result.json`); anything else is a glob. A `*-result.json` file, named or matched, stands for its directory:
 * an Allure test's retries and fixtures span the directory's files, and a shell expands
 * `allure-results/*-result.json` before we see it. node_modules is never searched.
 */
async function expandPatterns(patterns: string[], cwd: string): Promise<{ files: string[]; unmatched: string[] }> {
  const byAbsolute = new Map<string, string>();
  const unmatched: string[] = [];
  for (const raw of patterns) {
    const pattern = raw.trim();
    if (pattern === '') continue;
    const matches = await expandOne(pattern, cwd);
    matches.splice(0, matches.length, ...allureDirectories(matches));
    if (matches.length === 0) unmatched.push(pattern);
    for (const match of matches) {
      const absolute = path.resolve(cwd, match);
      if (!byAbsolute.has(absolute)) byAbsolute.set(absolute, match);
    }
  }
  const files = [...byAbsolute.values()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { files, unmatched };
}

async function expandOne(pattern: string, cwd: string): Promise<string[]> {
  const literal = await stat(path.resolve(cwd, pattern)).catch(() => undefined);
  // Anything but a directory is taken as named, so that a FIFO or a device is refused by name, not "not found".
  if (literal !== undefined && !literal.isDirectory()) return [pattern];
  // Loaded only for a glob or a directory: a file named as it is (what CI steps and the reporters pass) does
  // without it (17 ms and 7 MB of a process's start).
  const { escapePath, glob } = await import('tinyglobby');
  const absolute = path.isAbsolute(pattern);
  const globPattern = process.platform === 'win32' ? pattern.replace(/\\/g, '/') : pattern;
  const search = literal?.isDirectory() ? `${escapePath(globPattern.replace(/\/+$/, ''))}/**/*.{xml,trx,tap}` : globPattern;
  const ignore = pattern.includes('node_modules') ? [] : ['**/node_modules/**'];
  const files = await glob([search], { cwd, absolute, onlyFiles: true, expandDirectories: false, ignore });
  if (literal?.isDirectory() && (await holdsAllureResults(path.resolve(cwd, pattern)))) {
    // An Allure directory's attachments sit beside its results (`<uuid>-attachment.xml`, a test's XML report):
    // read as result files of their own they would be refused, or worse, counted twice.
    const directory = path.resolve(cwd, pattern);
    const own = files.filter((file) => path.dirname(path.resolve(cwd, file)) !== directory || !ALLURE_ATTACHMENT.test(path.basename(file)));
    return [pattern.replace(/[\\/]+$/, '') || pattern, ...own];
  }
  return files;
}

/** `dir/a-result.json`, `dir/b-result.json`, `x.xml` → `dir`, `x.xml`. */
function allureDirectories(matches: string[]): string[] {
  const out = new Set<string>();
  for (const match of matches) out.add(ALLURE_RESULT_FILE.test(path.basename(match)) ? path.dirname(match) : match);
  return [...out];
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
