/**
 * What the JUnit reader keeps while elements are open: one frame per open element, saying what its content
 * becomes, and the results that wait for the end of their suite.
 */
import type { Property, TestResult, TestStatus } from '../../model.js';
import { clip, nonEmpty } from '../text.js';
import { CappedText } from './capped-text.js';
import { detached } from './xml-entities.js';
import { NamesRead } from './names-read.js';
import { childContext, suitePathOf, type SuiteContext } from './suite-context.js';
import { OUTPUT_CAP, STACK_CAP, attemptFrom, type ResultElement, type TestcaseBuilder } from './testcase.js';

/** A result that waits for the end of its suite (repeats to merge, the suite's output), and that suite. */
export interface Waiting {
  result: TestResult;
  ownOutput: string | undefined;
  suite: SuiteFrame | undefined;
}

/** What a suite keeps of a testcase it read, for a repeat of it: the result only while it waits. */
export interface Named {
  classname: string | undefined;
  status: TestStatus;
  waiting: Waiting | undefined;
}

export interface SuiteFrame {
  kind: 'suite';
  /** The suite's name; undefined for a `<testsuites>` level. */
  name: string | undefined;
  context: SuiteContext;
  ownProperties: Property[];
  systemOut: CappedText[];
  systemErr: CappedText[];
  /** `<error>`/`<failure>` directly in the suite: a setup or teardown that failed outside any testcase. */
  errors: ResultElement[];
  waiting: Waiting[];
  /** name → the last testcase of that name per classname (a list only when there are several), for repeats. */
  byName: NamesRead<Named | Named[]>;
}

export interface PropertiesFrame {
  kind: 'properties';
  owner: Property[];
}
export interface PropertyFrame {
  kind: 'property';
  owner: Property[];
  attrs: Record<string, string>;
  text: CappedText;
}
export interface TextFrame {
  kind: 'text';
  text: CappedText;
}
export interface ResultFrame {
  kind: 'result';
  element: ResultElement;
}

export interface IgnoredFrame {
  kind: 'ignored';
}

export type Frame = SuiteFrame | TestcaseBuilder | PropertiesFrame | PropertyFrame | TextFrame | ResultFrame | IgnoredFrame;

export const IGNORED: IgnoredFrame = { kind: 'ignored' };
/** Marks the result made of a suite-level `<error>`/`<failure>`; its value is the element's name. */
export const SUITE_ERROR_PROPERTY = 'junit.suite-error';
/**
 * A suite-level `<error>`/`<failure>` (a failed beforeAll/afterAll, a class that could not start): a result of
 * its own, named after the suite, so that it is never lost — the mapping stage records it against the suite's
 * case when the suite's name or properties name one, and reports it as unmapped otherwise.
 */
export function suiteErrorResult(suite: SuiteFrame, element: ResultElement, output: string | undefined, source: string): TestResult {
  const attempt = attemptFrom('error', [element]);
  const context = suite.context;
  const result: TestResult = {
    source,
    suitePath: suitePathOf(suite.name === undefined ? context : context.parent),
    name: suite.name ?? '',
    status: 'error',
    properties: [...context.properties, { name: SUITE_ERROR_PROPERTY, value: element.name }],
    tags: [],
    attachments: [],
    attempts: [attempt],
  };
  if (context.file !== undefined) result.file = context.file;
  if (attempt.message !== undefined) result.message = attempt.message;
  if (attempt.stack !== undefined) result.stack = attempt.stack;
  if (output !== undefined) result.output = clip(output, OUTPUT_CAP);
  return result;
}

export function suiteFrame(parent: SuiteContext, attrs?: Record<string, string>): SuiteFrame {
  const name = attrs === undefined ? undefined : detached(attrs.name ?? '');
  const ownFile = nonEmpty(attrs?.file ?? attrs?.filepath);
  const file = ownFile === undefined ? parent.file : detached(ownFile);
  const context = childContext(parent, name ?? '', file);
  return {
    kind: 'suite',
    name: name === '' ? undefined : name,
    context,
    ownProperties: context.ownProperties,
    systemOut: [],
    systemErr: [],
    errors: [],
    waiting: [],
    byName: new NamesRead(),
  };
}

export function resultFrame(into: ResultElement[], name: string, attrs: Record<string, string>): ResultFrame {
  const element: ResultElement = { name, attrs, text: new CappedText(STACK_CAP), output: [] };
  into.push(element);
  return { kind: 'result', element };
}

export function textFrame(into: CappedText[]): TextFrame {
  const text = new CappedText(OUTPUT_CAP);
  into.push(text);
  return { kind: 'text', text };
}

/** `<property name value/>`; the value may also be the element's text, as trcli writes it. */
export function closeProperty(owner: Property[], attrs: Record<string, string>, text: CappedText): void {
  const name = attrs.name;
  if (name === undefined || name === '') return;
  owner.push({ name: detached(name), value: attrs.value === undefined ? text.value().trim() : detached(attrs.value) });
}
