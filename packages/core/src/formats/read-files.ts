/**
 * The parsing stage's entry: patterns in, one FileOutcome per result file out.
 *
 * A file that cannot be read or parsed gives an outcome with `error` and the others are still read: one
 * truncated shard must not hide the results of the rest. Files are read one at a time, so memory holds one
 * file's text at once. The whole text is parsed in one go today; `parseResultText` is the seam where a
 * streaming reader for very large files can come in later.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { escapePath, glob } from 'tinyglobby';
import { InputError } from '../errors.js';
import type { FileOutcome, TestResult } from '../model.js';
import { detectFormat, type ResultFormat } from './detect.js';
import { parseJestJson } from './jest/jest-json.js';
import { parseJUnit } from './junit/junit.js';
import { parsePlaywrightJson, playwrightGlobalErrors } from './playwright/playwright-json.js';

/** Default size limit: larger files are refused rather than risking the runner's memory. */
export const DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024;

export interface ReadOptions {
  /** Directory relative patterns are resolved against. Default: process.cwd(). */
  cwd?: string;
  /** Files larger than this are refused with INPUT_TOO_LARGE. Default: 512 MiB. */
  maxFileBytes?: number;
}

export interface ParsedText {
  format: ResultFormat;
  results: TestResult[];
  /** Things a person should know that are not test results (Playwright's global errors, an empty file). */
  warnings: string[];
}

/** A FileOutcome plus warnings; assignable to FileOutcome. */
export interface ReadFileOutcome extends FileOutcome {
  warnings: string[];
}

/** Detect the format of one result file's text and parse it. Throws InputError naming `source`. */
export function parseResultText(text: string, source: string): ParsedText {
  const detected = detectFormat(text, source);
  const warnings: string[] = [];
  let results: TestResult[];
  if (detected.format === 'junit') {
    results = parseJUnit(detected.xml, source);
  } else if (detected.format === 'jest-json') {
    results = parseJestJson(detected.json, source);
  } else {
    results = parsePlaywrightJson(detected.json, source);
    for (const message of playwrightGlobalErrors(detected.json)) {
      warnings.push(`${source}: Playwright reported an error outside any test: ${message.split('\n')[0] ?? message}`);
    }
  }
  if (results.length === 0) warnings.push(`${source} contains no test results.`);
  return { format: detected.format, results, warnings };
}

export async function readResultFiles(patterns: string[], options: ReadOptions = {}): Promise<ReadFileOutcome[]> {
  const cwd = options.cwd ?? process.cwd();
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const { files, unmatched } = await expandPatterns(patterns, cwd);
  const outcomes: ReadFileOutcome[] = unmatched.map((pattern) => ({
    path: pattern,
    results: [],
    warnings: [],
    error: new InputError(
      'INPUT_NOT_FOUND',
      pattern,
      `No result file matches "${pattern}" (looked in ${cwd}). Expected a path or glob of JUnit XML, Jest --json or ` +
        'Playwright JSON files; check the path, and that the test step wrote its results before this step ran.',
    ),
  }));
  for (const file of files) outcomes.push(await readOne(file, cwd, maxFileBytes));
  return outcomes;
}

async function readOne(file: string, cwd: string, maxFileBytes: number): Promise<ReadFileOutcome> {
  try {
    const absolute = path.resolve(cwd, file);
    const { size } = await stat(absolute);
    if (size > maxFileBytes) {
      throw new InputError(
        'INPUT_TOO_LARGE',
        file,
        `${file} is ${formatBytes(size)}, more than the ${formatBytes(maxFileBytes)} limit for one result file. ` +
          'Split the results into several files (one per test module or shard), or raise the limit.',
      );
    }
    const parsed = parseResultText(decodeResultBytes(await readFile(absolute)), file);
    return { path: file, format: parsed.format, results: parsed.results, warnings: parsed.warnings };
  } catch (error) {
    return { path: file, results: [], warnings: [], error: asInputError(error, file) };
  }
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
 * Bytes → text. UTF-8 unless a byte-order mark says UTF-16, or the XML declaration names another encoding
 * (some .NET and Java tools write ISO-8859-1 or UTF-16). A UTF-8 BOM is dropped by the parsers.
 */
export function decodeResultBytes(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
  if (declared !== undefined && declared !== 'utf-8' && declared !== 'utf8') {
    try {
      return new TextDecoder(declared).decode(bytes);
    } catch {
      // An encoding TextDecoder does not know: read as UTF-8, the most likely truth.
    }
  }
  return new TextDecoder('utf-8').decode(bytes);
}

/**
 * Patterns → files, sorted and without duplicates. A pattern that names an existing file is taken
 * literally (file names may contain glob characters such as `[1]`); a directory means the `*.xml` files
 * below it; anything else is a glob. node_modules is never searched.
 */
async function expandPatterns(patterns: string[], cwd: string): Promise<{ files: string[]; unmatched: string[] }> {
  const byAbsolute = new Map<string, string>();
  const unmatched: string[] = [];
  for (const raw of patterns) {
    const pattern = raw.trim();
    if (pattern === '') continue;
    const matches = await expandOne(pattern, cwd);
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
  if (literal?.isFile()) return [pattern];
  const absolute = path.isAbsolute(pattern);
  const globPattern = process.platform === 'win32' ? pattern.replace(/\\/g, '/') : pattern;
  const search = literal?.isDirectory() ? `${escapePath(globPattern.replace(/\/+$/, ''))}/**/*.xml` : globPattern;
  const ignore = pattern.includes('node_modules') ? [] : ['**/node_modules/**'];
  return glob([search], { cwd, absolute, onlyFiles: true, expandDirectories: false, ignore });
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
