/**
 * Where a failed test points in the repository, and the annotations a CI shows on those lines. Pure: the
 * Action emits what `failureAnnotations` returns (through @actions/core), nothing here prints.
 *
 * A location comes from, in this order: the producer's own file and line (JUnit `file`/`line`, a Playwright
 * spec's location), a stack frame in that file, the first stack frame inside the workspace that is not a
 * dependency, or the file alone (an annotation on the file, without a line). Paths are made relative to the
 * workspace with `/` separators, because GitHub places an annotation only on a path relative to the checkout.
 */
import path from 'node:path';
import { displayTitle, type TestResult } from '../model.js';
import { firstLine, isPlainBetween, stripAnsi } from '../text.js';

export interface SourceLocation {
  /** Relative to the workspace, `/` separators. */
  file: string;
  line?: number;
}

export interface Annotation extends SourceLocation {
  title: string;
  message: string;
}

export interface AnnotationSet {
  /** At most `limit` error annotations, in input order. */
  errors: Annotation[];
  /** One line about the failed tests not annotated (over the limit, or without a location); absent when none. */
  notice?: string;
}

/** GitHub shows at most 10 error annotations per step; more are dropped without a word. */
export const ANNOTATION_LIMIT = 10;
/** An annotation's message is shown in a small box: the first lines of the message are what matters. */
const MESSAGE_MAX_CHARS = 2_000;

export function isFailed(result: Pick<TestResult, 'status'>): boolean {
  return result.status === 'failed' || result.status === 'error';
}

// `(/abs/file.ts:12:5)`, `at /abs/file.js:12:5`, `file.py:42: AssertionError`, `(LoginTest.java:42)`.
const FRAME = /(?:^|[\s(])((?:[A-Za-z]:)?[^\s():]*?[^\s():/\\]\.[A-Za-z0-9]+):(\d+)(?::\d+)?(?=$|[\s):])/gm;

/**
 * The test's place in the workspace, or undefined when nothing says where it is (or it lies outside the
 * workspace, where no annotation can be placed). `workspace` is an absolute path (GITHUB_WORKSPACE); `exists`
 * (the host's check of the disk) drops paths that are not files of the checkout, such as a Playwright path
 * relative to its testDir, which GitHub would not place.
 */
export function locate(result: TestResult, workspace: string, exists: (file: string) => boolean = () => true): SourceLocation | undefined {
  const given = result.file !== undefined ? inWorkspace(result.file, workspace) : undefined;
  const own = given !== undefined && exists(given) ? given : undefined;
  if (own !== undefined && result.line !== undefined) return { file: own, line: result.line };
  // The first frame that fits is the answer: the rest of a stack is not read (the tally locates 10,000 failures).
  const frame = firstFrame(result, workspace, (f) => exists(f.file) && (own === undefined || f.file === own));
  return frame ?? (own !== undefined ? { file: own } : undefined);
}

/** The first frame of the stack, then of the message, inside the workspace and outside dependencies, that `fits`. */
function firstFrame(result: TestResult, workspace: string, fits: (frame: Required<SourceLocation>) => boolean): Required<SourceLocation> | undefined {
  // Each text searched on its own, not the two joined: no frame spans the line between them, and the join was a
  // copy of every failure's stack (the tally locates 10,000 failures).
  return frameIn(result.stack, workspace, fits) ?? frameIn(result.message, workspace, fits);
}

function frameIn(text: string | undefined, workspace: string, fits: (frame: Required<SourceLocation>) => boolean): Required<SourceLocation> | undefined {
  if (text === undefined || text === '') return undefined;
  const found = frameInPlainPart(text, workspace, fits);
  return found === NOT_PLAIN_BEFORE_FRAME ? frameInText(stripAnsi(text), workspace, fits) : found;
}

/** What frameInPlainPart answers when it reached text that stripAnsi would change: the stripped text decides. */
const NOT_PLAIN_BEFORE_FRAME = Object.freeze({ file: '', line: 0 });

/**
 * The first frame that fits, searched in the text as written as long as what the search read is plain (stripAnsi
 * would keep it): the search reads no further than the end of a match and the character after it, and before a
 * match, no further than its start (a file's name stops at white space, a parenthesis or a colon). So a match whose
 * text up to there is plain is the match of the stripped text, and only that much is checked: a stack's first
 * frame comes early, and stripping a whole stack to read its first lines cost a quarter of the tally's
 * instructions (71 M of 305 M for 10,000 failures; 50 M fewer now). NOT_PLAIN_BEFORE_FRAME when the search reached
 * anything else.
 */
function frameInPlainPart(text: string, workspace: string, fits: (frame: Required<SourceLocation>) => boolean): Required<SourceLocation> | undefined {
  let plainTo = 0;
  FRAME.lastIndex = 0;
  for (let match = FRAME.exec(text); match !== null; match = FRAME.exec(text)) {
    const read = Math.min(match.index + match[0].length + 1, text.length);
    if (!isPlainBetween(text, plainTo, read)) return NOT_PLAIN_BEFORE_FRAME;
    plainTo = read;
    const frame = frameOf(match, workspace);
    if (frame !== undefined && fits(frame)) return frame;
  }
  return isPlainBetween(text, plainTo, text.length) ? undefined : NOT_PLAIN_BEFORE_FRAME;
}

function frameInText(plain: string, workspace: string, fits: (frame: Required<SourceLocation>) => boolean): Required<SourceLocation> | undefined {
  // One pattern, searched from the start (`matchAll` made a copy of it for each of the 10,000 failures tallied).
  FRAME.lastIndex = 0;
  for (let match = FRAME.exec(plain); match !== null; match = FRAME.exec(plain)) {
    const frame = frameOf(match, workspace);
    if (frame !== undefined && fits(frame)) return frame;
  }
  return undefined;
}

/** The place a FRAME match names, when it is in the workspace and outside dependencies. */
function frameOf(match: RegExpExecArray, workspace: string): Required<SourceLocation> | undefined {
  const written = match[1] ?? '';
  const file = inWorkspace(written.startsWith('file://') ? written.slice(7) : written, workspace);
  const line = Number(match[2]);
  if (file === undefined || !(line > 0) || /(^|\/)node_modules\//.test(file) || file.startsWith('node:')) return undefined;
  return { file, line };
}

/** The last workspace asked of `inWorkspace` and its root with `/` separators and no trailing `/`. */
let lastWorkspace: { workspace: string; root: string } | undefined;

/** A path relative to the workspace with `/` separators; undefined when it points outside it. */
export function inWorkspace(file: string, workspace: string): string | undefined {
  const posix = file.includes('\\') ? file.replace(/\\/g, '/') : file;
  const absolute = path.posix.isAbsolute(posix) || /^[A-Za-z]:\//.test(posix);
  if (lastWorkspace?.workspace !== workspace) lastWorkspace = { workspace, root: workspace.replace(/\\/g, '/').replace(/\/+$/, '') };
  const root = lastWorkspace.root;
  let relative = posix;
  if (absolute) {
    if (!posix.startsWith(`${root}/`)) return undefined;
    relative = posix.slice(root.length + 1);
  }
  // Normalised only when there is something to normalise (a `.` segment, a doubled `/`): most paths are not.
  if (relative.includes('/.') || relative.startsWith('.') || relative.includes('//')) relative = path.posix.normalize(relative).replace(/^\.\//, '');
  if (relative === '' || relative === '.' || relative.startsWith('../')) return undefined;
  return relative;
}

/**
 * Error annotations for the failed tests that have a location, at most `limit`, and one notice for the rest
 * so that nothing is dropped silently.
 */
export function failureAnnotations(
  results: Iterable<TestResult>,
  workspace: string,
  options: { limit?: number; exists?: (file: string) => boolean } = {},
): AnnotationSet {
  const limit = options.limit ?? ANNOTATION_LIMIT;
  const errors: Annotation[] = [];
  let failed = 0;
  let unplaced = 0;
  for (const result of results) {
    if (!isFailed(result)) continue;
    failed++;
    if (errors.length >= limit) continue;
    const location = locate(result, workspace, options.exists);
    if (!location) {
      unplaced++;
      continue;
    }
    errors.push({ ...location, title: annotationTitle(result), message: annotationMessage(result) });
  }
  const rest = failed - errors.length;
  if (rest === 0) return { errors };
  const overLimit = rest - unplaced;
  const why = [
    ...(overLimit > 0 ? [`${overLimit} beyond the ${limit} annotations a step can show`] : []),
    ...(unplaced > 0 ? [`${unplaced} without a file in the workspace`] : []),
  ].join(', ');
  return { errors, notice: `${rest} more failed test(s) are not annotated (${why}); the job summary lists every failed test.` };
}

function annotationTitle(result: TestResult): string {
  return `${result.status === 'error' ? 'Errored' : 'Failed'}: ${firstLine(stripAnsi(displayTitle(result)), 200)}`;
}

function annotationMessage(result: TestResult): string {
  const message = stripAnsi(result.message ?? '').trim();
  if (message === '') return result.status === 'error' ? 'The test errored without a message.' : 'The test failed without a message.';
  return message.length > MESSAGE_MAX_CHARS ? `${message.slice(0, MESSAGE_MAX_CHARS)}…` : message;
}
