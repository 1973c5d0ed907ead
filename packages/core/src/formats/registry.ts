/**
 * formats/: reading result files into the result model, one folder per format; imports no other folder.
 *
 * Every input format, in the order detection asks them. Detection, dispatch and every "expected JUnit XML,
 * Jest --json or Playwright JSON" message read from this list, so a new format is one folder plus one line
 * here. Which format a file is, is decided by its content, never by its name: CI setups name files freely
 * (`results.txt`, `report`, `TEST-x.trx.xml`), and a wrong guess from the extension gives worse messages.
 */
import { InputError } from '../errors.js';
import type { Format } from './format.js';
import type { FormatId } from '../model.js';
import { allureResult } from './allure/index.js';
import { ctrfJson } from './ctrf/index.js';
import { cucumberJson } from './cucumber/index.js';
import { dartJson } from './dart/index.js';
import { goTestJson } from './go-test/index.js';
import { jestJson } from './jest/index.js';
import { nunit3Xml } from './nunit3/index.js';
import { testngXml } from './testng/index.js';
import { dotnetTrx } from './trx/index.js';
import { xunitXml } from './xunit/index.js';
import { refuseXmlRoot, xmlRootName } from './xml-input.js';
import { collectText, describeJson, parseJson } from './json-input.js';
import { junitXml } from './junit/index.js';
import { mochaJson } from './mocha/index.js';
import { mochawesomeJson } from './mochawesome/index.js';
import { playwrightJson } from './playwright/index.js';
import { robotXml } from './robot/index.js';
import { rspecJson } from './rspec/index.js';
import { tapText } from './tap/index.js';
import { vitestJson } from './vitest/index.js';
import { textLookalike } from './lookalike.js';
import { describeStart } from './text.js';

/**
 * A more specific format comes before a more general one: Vitest's JSON looks like Jest's, so it is asked first;
 * Mocha's, mochawesome's and CTRF's have a `"suites"` key, as Playwright's does; the one-event-per-line formats go first
 * among the JSON ones. Each XML format claims only its own root elements. TAP, text, is told by its first line, so it
 * goes before the event streams, which claim an event anywhere in the head (a TAP diagnostic may quote one).
 */
export const FORMATS: readonly Format[] = [
  junitXml,
  dotnetTrx,
  nunit3Xml,
  xunitXml,
  testngXml,
  robotXml,
  tapText,
  goTestJson,
  dartJson,
  ctrfJson,
  vitestJson,
  jestJson,
  mochawesomeJson,
  mochaJson,
  rspecJson,
  allureResult,
  playwrightJson,
  cucumberJson,
];

/** How much decoded text `sniff` is shown. */
export const SNIFF_CHARS = 64 * 1024;

/** `JUnit XML, Jest --json or Playwright JSON`. */
export function expectedFormats(formats: readonly Format[] = FORMATS): string {
  const labels = formats.map((f) => f.label);
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1]}`;
}

/** How messages name a format: `Mocha JSON`. */
export function labelOf(id: FormatId): string {
  return FORMATS.find((format) => format.id === id)?.label ?? id;
}

/** The first format that recognises the start of a file (BOM removed); undefined when none does. */
export function detect(head: string): Format | undefined {
  const start = head.slice(0, SNIFF_CHARS);
  return FORMATS.find((format) => format.sniff(start));
}

/** The error for a file no format recognises, given its start and (for JSON, to describe it) the rest. */
export async function refuseUnrecognised(head: string, rest: AsyncIterable<string>, source: string): Promise<InputError> {
  const first = head.trimStart()[0];
  if (first === undefined) {
    return new InputError(
      'INPUT_EMPTY',
      source,
      `${source} is ${head === '' ? 'empty (0 bytes)' : 'only whitespace'}. Expected ${expectedFormats()} results. ` +
        'The test run probably crashed before writing results; check the step that produced it.',
    );
  }
  if (first === '{' || first === '[') {
    const json = parseJson(await collectText(rest), source, `${expectedFormats()} results`);
    return new InputError(
      'INPUT_NOT_RESULTS',
      source,
      `${source} is JSON but not results this tool reads: ${describeJson(json)}. Expected ${expectedFormats()} results. ` +
        'Write results with one of those reporters.',
    );
  }
  const root = first === '<' ? xmlRootName(head) : undefined;
  if (root !== undefined) return refuseXmlRoot(source, root, FORMATS);
  const lookalike = textLookalike(head);
  return new InputError(
    'INPUT_NOT_RESULTS',
    source,
    `${source} is not a result file: it starts with ${describeStart(head)}` +
      (lookalike === undefined
        ? `. Expected ${expectedFormats()} results. Check that the path points at the results, not a log.`
        : `, and looks like ${lookalike}. Expected ${expectedFormats()} results.`),
  );
}
