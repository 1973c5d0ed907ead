/**
 * The live reporter's objects (Playwright's `TestCase` with its `TestResult`s, from '@playwright/test/reporter')
 * → the shape of shape.ts → the rules shared with the JSON reader. The core imports no host: the parts of those
 * objects read here are declared structurally, so any Playwright from 1.40 on fits, and tests pass plain objects.
 */
import type { TestResult } from '../../model.js';
import { displayPath } from '../paths.js';
import { playwrightCaseToResult } from './rules.js';
import { asOutcome, type PlaywrightAttempt, type PlaywrightCase } from './shape.js';

/** `TestResult.source` of everything the live reporter produces. */
const PLAYWRIGHT_LIVE_SOURCE = 'playwright';

interface LiveError {
  message?: string;
  stack?: string;
  value?: string;
}

interface LiveAnnotation {
  type: string;
  description?: string;
}

/** One attempt: Playwright's `TestResult`. */
interface LivePlaywrightResult {
  status: string;
  duration: number;
  retry?: number;
  /** Older Playwright sets only `error`; newer sets `errors` too, whose first is `error`. */
  error?: LiveError;
  errors?: readonly LiveError[];
  /** Annotations added while this attempt ran (recent Playwright only). */
  annotations?: readonly LiveAnnotation[];
  attachments: readonly { name: string; contentType?: string; path?: string; body?: Uint8Array }[];
  stdout?: readonly (string | Uint8Array)[];
  stderr?: readonly (string | Uint8Array)[];
}

/** One test in one project: Playwright's `TestCase`. */
export interface LivePlaywrightTest {
  title: string;
  /** [root, project, file, ...describes, title]. */
  titlePath(): string[];
  outcome(): string;
  expectedStatus: string;
  annotations: readonly LiveAnnotation[];
  /** Since Playwright 1.42. */
  tags?: readonly string[];
  location: { file: string; line?: number; column?: number };
  parent: { project(): { name: string } | undefined };
  results: readonly LivePlaywrightResult[];
}

export interface LiveContext {
  /** Test file paths are made relative to this (Playwright's `config.rootDir`), as the JSON reporter writes them. */
  rootDir?: string;
}

/** One live test (every attempt in `test.results`) → one TestResult, by the same rules as the JSON reader. */
export function playwrightTestToResult(test: LivePlaywrightTest, context: LiveContext = {}): TestResult {
  return playwrightCaseToResult(liveCase(test, context), PLAYWRIGHT_LIVE_SOURCE);
}

function liveCase(test: LivePlaywrightTest, context: LiveContext = {}): PlaywrightCase {
  const project = test.parent.project()?.name;
  const outcome = asOutcome(test.outcome());
  const { line, column } = test.location;
  return {
    // titlePath is [root, project, file, ...describes, title]; anonymous describes add nothing.
    suitePath: test
      .titlePath()
      .slice(3, -1)
      .filter((title) => title !== ''),
    title: test.title,
    ...(project !== undefined && { project }),
    file: displayPath(test.location.file, context.rootDir),
    ...(line !== undefined && { line }),
    ...(column !== undefined && { column }),
    annotations: liveAnnotations(test.annotations),
    tags: [...(test.tags ?? [])],
    expectedStatus: test.expectedStatus,
    ...(outcome !== undefined && { outcome }),
    attempts: test.results.map(liveAttempt),
  };
}

function liveAttempt(result: LivePlaywrightResult): PlaywrightAttempt {
  const errors = result.errors && result.errors.length > 0 ? result.errors : result.error ? [result.error] : [];
  return {
    ...(result.retry !== undefined && { retry: result.retry }),
    status: result.status,
    duration: result.duration,
    errors: errors.map((e) => ({
      ...(e.message !== undefined && { message: e.message }),
      ...(e.stack !== undefined && { stack: e.stack }),
      ...(e.value !== undefined && { value: e.value }),
    })),
    annotations: liveAnnotations(result.annotations),
    attachments: result.attachments.map((a) => ({
      name: a.name,
      ...(a.contentType !== undefined && { contentType: a.contentType }),
      ...(a.path !== undefined && { path: a.path }),
      // base64, as the JSON reporter writes an inline body.
      ...(a.body !== undefined && { body: bytes(a.body).toString('base64') }),
    })),
    stdout: (result.stdout ?? []).map(chunkText),
    stderr: (result.stderr ?? []).map(chunkText),
  };
}

/**
 * The annotations with a text type, a description kept only when it is text: as the JSON reader reads them.
 * Playwright checks nothing that test code pushes on `testInfo.annotations` at run time (a forgotten type, a
 * number, a bare string), and one such entry must not break the run the reporter reports on.
 */
function liveAnnotations(annotations: readonly unknown[] | undefined): LiveAnnotation[] {
  return (annotations ?? []).flatMap((a) => {
    if (typeof a !== 'object' || a === null) return [];
    const { type, description } = a as Partial<Record<keyof LiveAnnotation, unknown>>;
    if (typeof type !== 'string') return [];
    return [{ type, ...(typeof description === 'string' && { description }) }];
  });
}

function chunkText(chunk: string | Uint8Array): string {
  return typeof chunk === 'string' ? chunk : bytes(chunk).toString('utf8');
}

/** A Buffer view of the same memory (no copy). */
function bytes(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
